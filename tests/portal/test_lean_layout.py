"""The portal's own flat layout and its language resolved once per request (issue 20, P10).

- a portal page (and My profile) renders through `portal/base.html` alone: none of FAB's
  layout chain (`appbuilder/base.html` → `eservice_base.html` → `appbuilder/baselayout.html` →
  `appbuilder/init.html`, with `baselib.html`) is loaded for it, and it still has what that chain
  gave it: title, landmarks, navbar, flashed messages, stylesheets and scripts, no inline script;
- the locale selector runs once per request and Flask-Babel looks the catalogue up once per
  request, however many texts the page translates;
- German and English pages, WTForms' own messages, and mails in another language
  (`force_locale`) still read right.
"""
from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered
from flask_babel import Domain, force_locale, get_babel, gettext, lazy_gettext, refresh

from app.forms.base import wtforms_translations
from app.i18n import request_translations
from app.roles import PORTAL_ADMIN
from tests.portal.conftest import page_token

FAB_CHAIN = {"appbuilder/base.html", "eservice_base.html", "appbuilder/baselayout.html", "appbuilder/init.html",
             "appbuilder/baselib.html"}


@contextmanager
def templates_loaded(app):
    """Every template name the Jinja environment is asked for (extends, include, import) while inside."""
    env = app.jinja_env
    names, rendered = [], []
    original = env.get_template

    def recording(name, parent=None, globals=None):
        names.append(name if isinstance(name, str) else getattr(name, "name", name))
        return original(name, parent, globals)

    def on_render(sender, template, context, **extra):
        rendered.append(template.name)

    env.get_template = recording
    template_rendered.connect(on_render, app)
    try:
        yield names, rendered
    finally:
        template_rendered.disconnect(on_render, app)
        del env.get_template


@contextmanager
def selector_calls(app):
    """How often the locale selector runs while inside."""
    babel = get_babel(app)
    original = babel.locale_selector
    calls = []

    def counting():
        calls.append(1)
        return original()

    babel.locale_selector = counting
    try:
        yield calls
    finally:
        babel.locale_selector = original


@pytest.mark.rule("P10")
@pytest.mark.parametrize("path", ["/", "/portal/contracts/", "/portal/tickets/", "/account/profile"])
def test_a_portal_page_renders_without_fabs_layout_chain(app, world, signed_in, path):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    with templates_loaded(app) as (names, rendered):
        response = client.get(path)
    assert response.status_code == 200
    assert "portal/base.html" in names, names
    assert not FAB_CHAIN & set(names), sorted(FAB_CHAIN & set(names))
    assert rendered and not FAB_CHAIN & set(rendered)
    html = response.get_data(as_text=True)
    # What the chain gave the page is all still there.
    assert re.search(r"<title>[^<]+ – e:service</title>", html)
    assert '<html lang="de">' in html and 'name="csrf-token"' in html
    assert 'class="skip-link" href="#main-content"' in html and '<main id="main-content"' in html
    assert '<header class="top">' in html and 'aria-label="Hauptmenü"' in html and 'id="language-menu"' in html
    for asset in ("appbuilder/css/bootstrap.min.css", "appbuilder/css/fontawesome/fontawesome.min.css",
                  "css/eservice.css", "appbuilder/js/jquery-latest.js", "appbuilder/js/bootstrap.min.js",
                  "js/portal-layout.js", "js/menus.js", "js/portal.js"):
        assert f"/static/{asset}" in html, asset
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script on a portal page"


def test_flashed_messages_show_in_the_lean_layout(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Gespeichert-Probe")]
    html = client.get("/portal/contracts/").get_data(as_text=True)
    assert 'class="alert alert-success" role="status"' in html and "Gespeichert-Probe" in html


@pytest.mark.rule("P10")
@pytest.mark.parametrize("path", ["/", "/portal/contracts/", "/portal/tickets/"])
def test_the_locale_and_catalogue_are_resolved_once_per_request(app, world, signed_in, monkeypatch, path):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    lookups = []
    original = Domain.get_translations

    def counting(self):
        lookups.append(1)
        return original(self)

    monkeypatch.setattr(Domain, "get_translations", counting)
    client.get(path)  # warm: the first request may load the catalogue file
    lookups.clear()
    with selector_calls(app) as calls:
        html = client.get(path).get_data(as_text=True)
    assert "Zum Inhalt springen" in html  # the page is translated …
    assert html.count("</a>") > 10
    assert len(calls) == 1, f"locale selector ran {len(calls)} times in one request"
    assert len(lookups) == 1, f"Flask-Babel looked the catalogue up {len(lookups)} times in one request"


def test_german_and_english_pages_read_right(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    german = client.get("/portal/contracts/").get_data(as_text=True)
    assert '<html lang="de">' in german and "Zum Inhalt springen" in german and "Verträge" in german
    assert "<title>Verträge – e:service</title>" in german
    client.get("/lang/en")
    english = client.get("/portal/contracts/").get_data(as_text=True)
    assert '<html lang="en">' in english and "Skip to content" in english and "Zum Inhalt springen" not in english
    assert "<title>Contracts – e:service</title>" in english and 'aria-label="Main menu"' in english
    client.get("/lang/de")
    assert "Zum Inhalt springen" in client.get("/portal/contracts/").get_data(as_text=True)


def test_the_catalogue_follows_a_language_switch_and_force_locale_within_a_request(app):
    with app.test_request_context("/?_l_=de"):
        assert gettext("Skip to content") == "Zum Inhalt springen"
        assert str(lazy_gettext("Skip to content")) == "Zum Inhalt springen"
        german = request_translations()
        with force_locale("en"):  # a mail in the addressee's language
            assert gettext("Skip to content") == "Skip to content"
            assert request_translations() is not german
            assert wtforms_translations().gettext("This field is required.") == "This field is required."
        assert gettext("Skip to content") == "Zum Inhalt springen"
        assert request_translations() is german
        assert wtforms_translations().gettext("This field is required.") == "Dieses Feld wird benötigt."
    with app.test_request_context("/"):
        assert gettext("Skip to content") == "Zum Inhalt springen"  # the German default
        from flask import session

        session["locale"] = "en"  # what /lang/en does, then refresh()
        refresh()
        assert gettext("Skip to content") == "Skip to content"
        assert app.jinja_env.from_string("{{ _('Skip to content') }}").render() == "Skip to content"


@pytest.mark.rule("S1")
def test_the_cached_navbar_carries_each_requests_own_user_token_and_return_url(app, world, signed_in):
    """Issue 20: the navbar is rendered once per role set and locale; two customers' admins share it, yet
    each page shows its own user's name, its own CSRF token in the logout form and its own return URL."""
    client_a = signed_in(world["a"].users[PORTAL_ADMIN])
    client_b = signed_in(world["b"].users[PORTAL_ADMIN])
    client_a.get("/portal/contracts/")  # fills the cache for the role set
    for client, customer, path in ((client_b, "b", "/portal/tickets/?page=1"), (client_a, "a", "/portal/contracts/")):
        with templates_loaded(app) as (names, _rendered):
            html = client.get(path).get_data(as_text=True)
        assert "appbuilder/navbar_body.html" not in names, "the navbar came from the cache"
        user_name = re.search(r'<span id="user-menu-name">([^<]*)</span>', html).group(1)
        assert user_name == world[customer].users[PORTAL_ADMIN]
        other = "a" if customer == "b" else "b"
        assert world[other].users[PORTAL_ADMIN] not in html
        logout = re.search(r'id="logout-form".*?name="csrf_token" value="([^"]+)"', html, re.S).group(1)
        assert logout == page_token(html)
        next_url = re.search(r'id="lang-en"[^>]*href="[^"]*\?next=([^"]+)"', html, re.S).group(1)
        assert next_url == path.replace("?", "%3F").replace("=", "%3D")
