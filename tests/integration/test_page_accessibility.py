"""Issue 17 point 1 without a browser: what the shared layout gives every page.

`<html lang>` in the page's language, a title "Page – e:service", one `<main>`, no invalid
`role="header"`, a named phone menu toggle, and FAB's back-office forms naming their errors at the
field (aria-describedby, aria-invalid) while keeping what was entered. The browser crawl
(tests/browser/test_accessibility.py) holds every page to axe-core on top of this.
"""
from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.security.roles import SALES
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user

PASSWORD = "Sicher#Kennwort42"


@pytest.fixture
def sales_client(app, client, login):
    with app.app_context():
        make_user(SALES, username="vertrieb.a11y", password=PASSWORD)
        db.session.commit()
    assert login("vertrieb.a11y", PASSWORD).status_code == 302
    return client


def _field_tag(html: str, field_id: str) -> str:
    match = re.search(rf'<(?:input|select|textarea)[^>]*\bid="{field_id}"[^>]*>', html)
    assert match, f"no field {field_id}"
    return match.group(0)


def test_every_page_has_lang_title_and_one_main(client):
    html = client.get("/login/").get_data(as_text=True)
    assert '<html lang="de">' in html
    assert re.search(r"<title>Anmelden – e:service</title>", html)
    assert html.count("<main") == 1 and 'role="header"' not in html
    assert re.search(r'<button type="button" class="navbar-toggle"[^>]*>\s*<span class="sr-only">Menü</span>', html)
    assert html.count("<h1") == 1


def test_english_pages_say_so(client):
    html = client.get("/login/?_l_=en").get_data(as_text=True)
    assert '<html lang="en">' in html and "<title>Sign in – e:service</title>" in html


def test_backoffice_list_is_named_and_its_rows_become_cards(app, sales_client):
    with app.app_context():
        make_customer(company_name="Rheinhafen Spedition GmbH")
        db.session.commit()
    html = sales_client.get("/customers/list/").get_data(as_text=True)
    assert "<title>Kunden – e:service</title>" in html
    assert re.search(r'<h1 class="panel-title">\s*Kunden\s*</h1>', html)
    assert 'class="table table-bordered table-hover table-cards"' in html
    assert re.search(r'<td data-label="Firma">\s*Rheinhafen Spedition GmbH\s*</td>', html)


def test_refused_backoffice_form_names_the_error_at_its_field(sales_client):
    page = sales_client.get("/customers/add").get_data(as_text=True)
    response = sales_client.post("/customers/add", data={
        "csrf_token": csrf_token_from(page), "customer_number": "9123457", "company_name": "",
        "email": "info@hafen.example", "city": "Duisburg", "zip_code": "47119",
    })
    html = response.get_data(as_text=True)
    tag = _field_tag(html, "company_name")
    assert 'aria-invalid="true"' in tag
    assert "company_name-error" in re.search(r'aria-describedby="([^"]+)"', tag).group(1)
    assert re.search(r'<div class="alert alert-danger" id="company_name-error">', html)
    assert 'value="Duisburg"' in _field_tag(html, "city")  # what was entered stays
    assert 'aria-invalid' not in _field_tag(html, "city")
