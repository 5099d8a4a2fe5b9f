"""German by default, English on request, every msgid translated (SPEC: German default, English second).

The catalog check extracts the msgids exactly as `make translations-update`
does (same babel.cfg, same keywords read from the Makefile) and compares them
with `translations/de/LC_MESSAGES/messages.po`.
"""
from __future__ import annotations

import re
import subprocess
import sys
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import session
from flask_login import login_user
from sqlalchemy import select

from app.extensions import db
from app.i18n import LOCALE_COOKIE, select_locale
from app.models import EServiceUser
from app.roles import ADMIN, PBX_ADMIN
from config import BASE_DIR
from tests.auth_helpers import complete_login_with_pin, logout
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import IsolatedClient

PW = "Sicher#Kennwort42"
DE_CATALOG = BASE_DIR / "translations" / "de" / "LC_MESSAGES" / "messages.po"
EN_CATALOG = BASE_DIR / "translations" / "en" / "LC_MESSAGES" / "messages.po"
GERMAN_LOGIN = "Anmeldung bei e:service"
ENGLISH_LOGIN = "Sign in to e:service"


class _Browser(IsolatedClient):
    """A separate browser; also drops Flask-Babel's per-request cache from the shared `g`."""

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            g.pop("_flask_babel", None)
        return super().open(*args, **kwargs)


def new_client(app) -> _Browser:
    """Another browser with its own cookies."""
    return _Browser(app, app.response_class, use_cookies=True)


# --- catalogs ------------------------------------------------------------------
def _makefile_keywords() -> list[str]:
    """The `-k` options of `make translations-update`, so the check extracts the same msgids."""
    makefile = (BASE_DIR / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"^BABEL_KEYWORDS\s*:=\s*(.+)$", makefile, re.M)
    assert match, "Makefile defines no BABEL_KEYWORDS"
    return match.group(1).split()


@pytest.fixture(scope="module")
def code_catalog(tmp_path_factory):
    """Every msgid in the code, extracted into a temporary .pot."""
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    result = subprocess.run(
        [sys.executable, "-c", "from babel.messages.frontend import main; main()",
         "-q", "extract", "-F", "babel.cfg", *_makefile_keywords(), "-o", str(pot), "."],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    assert len(catalog) > 100, "extraction found suspiciously few msgids"
    return catalog


def _read(path):
    with path.open("rb") as fh:
        return read_po(fh, locale=path.parent.parent.name)


def _where(message) -> str:
    return ", ".join(f"{f}:{line}" for f, line in message.locations[:2])


def test_every_msgid_of_the_code_is_translated_in_german(code_catalog):
    german = _read(DE_CATALOG)
    offenders = []
    for message in code_catalog:
        if not message.id:
            continue
        entry = german.get(message.id, message.context)
        if entry is None:
            offenders.append(f"missing    {message.id!r} ({_where(message)})")
        elif entry.fuzzy:
            offenders.append(f"fuzzy      {message.id!r} ({_where(message)})")
        elif not entry.string or (isinstance(entry.string, tuple) and not all(entry.string)):
            offenders.append(f"untranslated {message.id!r} ({_where(message)})")
    assert not offenders, (
        f"{len(offenders)} msgid(s) not translated in {DE_CATALOG.relative_to(BASE_DIR)}; "
        "run `make translations-update`, translate, then `make translations-check`:\n" + "\n".join(offenders)
    )


@pytest.mark.parametrize("path", [DE_CATALOG, EN_CATALOG], ids=["de", "en"])
def test_translations_keep_the_placeholders_of_their_msgid(path):
    catalog = _read(path)
    problems = [
        f"{message.id!r}: {'; '.join(str(e) for e in errors)}"
        for message, errors in catalog.check()
        if errors
    ]
    assert not problems, "\n".join(problems)


def test_catalog_headers_are_not_fuzzy():
    # `pybabel compile` skips a catalog whose header is fuzzy: the whole language would vanish.
    for path in (DE_CATALOG, EN_CATALOG):
        assert not _read(path).fuzzy, path


def test_the_manuals_wording_is_used():
    german = _read(DE_CATALOG)
    expected = {
        "Active – pending": "Aktiv – Schwebend",
        "Blocked": "Gesperrt",
        "Offer created": "Angebot erstellt",
        "Partially provisioned": "Partiell bereitgestellt",
        "New provision": "Neubereitstellung",
        "Option change": "Optionsänderung",
        "Commissioning fault": "Inbetriebnahmestörung",
        "Other requests": "Sonstige Anfragen",
        "Porting form (signed)": "Anbieterwechselformular (unterschrieben)",
        "Itemised call record (PDF)": "EVN (PDF)",
        "Order confirmation": "Auftragsbestätigung",
        "SEPA mandate": "SEPA-Mandat",
        "Password": "Kennwort",
        "Username": "Benutzername",
    }
    wrong = {k: german.get(k).string if german.get(k) else None for k in expected}
    assert wrong == expected


# --- locale selection order ------------------------------------------------------
def _select(app, path="/", *, cookie=None, session_locale=None, user=None):
    headers = {"Cookie": f"{LOCALE_COOKIE}={cookie}"} if cookie else {}
    with app.test_request_context(path, headers=headers):
        if session_locale:
            session["locale"] = session_locale
        if user is not None:
            login_user(user)
        return select_locale()


def test_locale_order_url_then_session_then_user_then_cookie_then_german(app_ctx):
    app = app_ctx
    english_user = make_user(ADMIN, locale="en")
    german_user = make_user(ADMIN, locale="de")
    plain_user = make_user(ADMIN)
    assert _select(app) == "de"
    assert _select(app, cookie="en") == "en"
    assert _select(app, user=plain_user, cookie="en") == "en"
    assert _select(app, user=english_user, cookie="de") == "en"
    assert _select(app, user=german_user, cookie="en") == "de"
    assert _select(app, user=english_user, session_locale="de") == "de"
    assert _select(app, "/?_l_=en", session_locale="de", user=german_user, cookie="de") == "en"
    assert _select(app, "/?_l_=de", session_locale="en") == "de"


def test_unknown_locale_values_are_ignored(app_ctx):
    user = make_user(ADMIN, locale="fr")
    assert _select(app_ctx, "/?_l_=xx", session_locale="klingon", user=user, cookie="../etc") == "de"
    assert _select(app_ctx, "/?_l_=xx", cookie="en") == "en"


# --- pages -----------------------------------------------------------------------------
def _text(response) -> str:
    return response.get_data(as_text=True)


def test_login_page_is_german_by_default_with_a_language_menu(client):
    page = _text(client.get("/login/"))
    assert GERMAN_LOGIN in page and "Benutzername" in page and "Kennwort vergessen?" in page
    assert ENGLISH_LOGIN not in page
    assert 'id="language-menu"' in page
    assert 'href="/lang/en?next=/login/"' in page
    assert 'id="lang-de"' not in page  # the current language is not offered again


def test_l_parameter_shows_english_for_that_request_only(client):
    assert ENGLISH_LOGIN in _text(client.get("/login/?_l_=en"))
    assert GERMAN_LOGIN in _text(client.get("/login/"))


def test_language_switch_shows_english_and_is_remembered(app):
    browser = new_client(app)
    response = browser.get("/lang/en?next=/login/")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login/"
    cookie = browser.get_cookie(LOCALE_COOKIE)
    assert cookie is not None and cookie.value == "en"
    assert cookie.expires is not None  # lives beyond the browser session
    page = _text(browser.get("/login/"))
    assert ENGLISH_LOGIN in page and GERMAN_LOGIN not in page
    assert 'href="/lang/de?next=/login/"' in page
    # The next request, and a browser that kept only the cookie (session gone), stay English.
    assert ENGLISH_LOGIN in _text(browser.get("/login/"))
    other = new_client(app)
    other.set_cookie(LOCALE_COOKIE, "en")
    assert ENGLISH_LOGIN in _text(other.get("/login/"))
    # And back.
    browser.get("/lang/de")
    assert GERMAN_LOGIN in _text(browser.get("/login/"))
    assert browser.get_cookie(LOCALE_COOKIE).value == "de"


def test_unknown_language_is_404_and_changes_nothing(app):
    browser = new_client(app)
    assert browser.get("/lang/fr").status_code == 404
    assert browser.get_cookie(LOCALE_COOKIE) is None
    assert GERMAN_LOGIN in _text(browser.get("/login/"))


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "http://evil.example"])
def test_switch_never_leaves_the_portal(app, target):
    response = new_client(app).get("/lang/en", query_string={"next": target})
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in ("", "localhost")


def _stored_locale(username):
    db.session.expire_all()
    return db.session.scalar(select(EServiceUser.locale).where(EServiceUser.username == username))


def test_signed_in_choice_is_stored_on_the_user_and_follows_them(app_ctx):
    user = make_user(PBX_ADMIN, customer=make_customer())
    db.session.commit()
    first = new_client(app_ctx)
    assert complete_login_with_pin(first, user.username, PW).status_code == 302
    page = _text(first.get("/account/profile"))
    assert "Mein Profil" in page and 'id="language-menu"' in page
    assert first.get("/lang/en?next=/account/profile").status_code == 302
    assert _stored_locale(user.username) == "en"
    assert "My profile" in _text(first.get("/account/profile"))
    # Another browser without cookie or session: English again once signed in.
    second = new_client(app_ctx)
    assert GERMAN_LOGIN in _text(second.get("/login/"))
    assert complete_login_with_pin(second, user.username, PW).status_code == 302
    page = _text(second.get("/account/profile"))
    assert "My profile" in page and "Mein Profil" not in page


def test_choice_survives_logout_and_the_next_sign_in(app_ctx):
    user = make_user(PBX_ADMIN, customer=make_customer())
    db.session.commit()
    browser = new_client(app_ctx)
    browser.get("/lang/en?next=/login/")
    assert complete_login_with_pin(browser, user.username, PW).status_code == 302
    assert "My profile" in _text(browser.get("/account/profile"))
    assert _stored_locale(user.username) is None  # chosen before sign-in: the cookie carries it
    logout(browser)
    assert ENGLISH_LOGIN in _text(browser.get("/login/"))
    assert complete_login_with_pin(browser, user.username, PW).status_code == 302
    assert "My profile" in _text(browser.get("/account/profile"))


def test_fab_pages_and_menus_are_german(app_ctx):
    admin = make_user(ADMIN)
    db.session.commit()
    browser = new_client(app_ctx)
    assert complete_login_with_pin(browser, admin.username, PW).status_code == 302
    page = _text(browser.get("/roles/list/"))
    # FAB's own strings come from FAB's German catalog, the menu from ours.
    assert "Anzahl Datensätze" in page
    assert "Record Count" not in page
    assert "Abmelden" in page and "Mein Profil" in page
    english = _text(browser.get("/roles/list/?_l_=en"))
    assert "Record Count" in english and "My profile" in english


@pytest.mark.parametrize(("lang", "amount", "expected"), [
    ("de", "1234.5", "1.234,50\xa0€"),
    ("en", "1234.5", "€1,234.50"),
    ("de", None, "0,00\xa0€"),
    ("de", "1234.50", "1.234,50\xa0€"),
])
def test_money_is_written_the_way_the_language_writes_it(app, lang, amount, expected):
    """Prices on the portal pages: German by default, English on request, cached per language."""
    from decimal import Decimal

    from app.i18n import money

    with app.test_request_context(f"/?_l_={lang}"):
        assert money(Decimal(amount) if amount else None) == expected
        assert app.jinja_env.from_string("{{ v|money }}").render(v=Decimal(amount) if amount else None) == expected
