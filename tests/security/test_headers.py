"""S11: security headers on every page; no-store once signed in."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import make_user

PASSWORD = "Sicher#Kennwort42"


@pytest.mark.rule("S11")
def test_login_page_forbids_framing_and_sniffing(client):
    response = client.get("/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")


@pytest.mark.rule("S11")
def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.rule("S11")
def test_signed_in_pages_are_not_stored(app, client, login):
    with app.app_context():
        make_user("Admin", username="hdr.admin", password=PASSWORD)
        db.session.commit()
    assert login("hdr.admin", PASSWORD).status_code == 302
    for url in ("/", "/customers/list/", "/account/profile"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/eservice.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
