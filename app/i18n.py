"""Language of the UI: German by default, English on request, remembered.

The locale of a request is chosen in this order:

1. `?_l_=<code>` on the URL (FAB's per-request switch, used by API callers);
2. `session["locale"]`, set by the language menu (`/lang/<code>`);
3. the signed-in user's stored choice (`ab_user.locale`);
4. the long-lived `eservice_locale` cookie, so the choice survives logout,
   a closed browser and the next sign-in;
5. `BABEL_DEFAULT_LOCALE` ("de").

FAB's own selector writes the default into the session on every request and
never looks at the user or a cookie; it is replaced here, and FAB's
`/lang/<code>` endpoint is given a handler that also stores the cookie and
the user's column and returns to the page the user came from.

Resolved once per request (issue 20): Flask-Babel 4 keeps the locale on `g`, but
every `gettext` went through three context-proxy walks (`get_domain()`,
`Domain.get_translations()`, `get_locale()`) and `str(locale)` for its catalogue
cache key; a page has some 40 to 60 of them. `request_translations()` keeps the
request's catalogue beside Flask-Babel's locale on `g` and hands it out while that
locale is the current one, so `refresh()` (the language switch) and
`force_locale()` (mails in the addressee's language) change it at once. Templates,
and `gettext`/`lazy_gettext` in Python read it (WTForms' own messages: app/forms/base.py).
"""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from functools import lru_cache

from flask import (
    Flask, abort, current_app, g, has_app_context, has_request_context, redirect, request, session,
)
from babel import support
from babel.numbers import format_currency, format_decimal as babel_decimal
from flask_babel import (
    Domain, format_date, format_time, get_babel, get_domain, get_locale, refresh,
)
from flask_appbuilder.utils.base import is_safe_redirect_url
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

LOCALE_COOKIE = "eservice_locale"
LOCALE_COOKIE_LIFETIME = timedelta(days=365)
# FAB's LocaleView endpoint; the URL (/lang/<locale>) stays FAB's.
LOCALE_ENDPOINT = "LocaleView.index"


def _languages() -> dict:
    return current_app.config["LANGUAGES"]


def _signed_in_user():
    """The signed-in user, or None; never re-enters while the user is being loaded.

    Loading the user may itself translate a message (an ended session), which
    asks for the locale again; that inner call must not load the user twice.
    """
    if g.get("_locale_loading_user"):
        return None
    g._locale_loading_user = True
    try:
        user = current_user._get_current_object()
    finally:
        g._locale_loading_user = False
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


def select_locale() -> str | None:
    """The locale code for the current request (see the module docstring for the order)."""
    if not has_request_context():
        return None  # Flask-Babel falls back to BABEL_DEFAULT_LOCALE
    languages = _languages()
    requested = request.args.get("_l_")
    if requested in languages:
        return requested
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    user = _signed_in_user()
    stored = getattr(user, "locale", None) if user is not None else None
    if stored in languages:
        return stored
    remembered = request.cookies.get(LOCALE_COOKIE)
    if remembered in languages:
        return remembered
    return current_app.config["BABEL_DEFAULT_LOCALE"]


# On `g`: (Flask-Babel's locale object, its domain, the catalogue, the locale's code).
_REQUEST_CATALOGUE = "_eservice_catalogue"


def _request_catalogue() -> tuple:
    """This context's (locale, domain, catalogue, code), looked up again only when the locale changed."""
    store = g._get_current_object().__dict__
    babel_ctx = store.get("_flask_babel")
    cached = store.get(_REQUEST_CATALOGUE)
    if cached is not None and babel_ctx is not None:
        state = babel_ctx.__dict__
        if cached[0] is state.get("babel_locale") and cached[1] is state.get("babel_domain"):
            return cached
    domain = get_domain()
    # Flask-Babel's own lookup: the selector once (it keeps the locale on g), the catalogue from its cache.
    catalogue = Domain.get_translations(domain)
    locale = get_locale()
    cached = (locale, domain, catalogue, str(locale))
    store[_REQUEST_CATALOGUE] = cached
    return cached


def request_translations():
    """The catalogue of the current request's language (see the module docstring)."""
    if not has_app_context():
        return support.NullTranslations()  # as Flask-Babel outside any context
    return _request_catalogue()[2]


def request_locale_code() -> str:
    """The request's locale as Babel's identifier ("de", "en"), for formatting caches."""
    if not has_app_context():
        return "de"  # the portal's default language (BABEL_DEFAULT_LOCALE)
    return _request_catalogue()[3]


class RequestDomain(Domain):
    """Flask-Babel's default domain ("messages"), answering from the request's catalogue."""

    def get_translations(self):
        if not has_app_context():
            return support.NullTranslations()
        return _request_catalogue()[2]


def _install_request_catalogue(app: Flask) -> None:
    """Flask-Babel's default domain and the templates' gettext read the request's catalogue."""
    config = get_babel(app)
    config.instance.domain_instance = RequestDomain(domain=config.default_domain)  # over Flask-Babel's cached one
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )


def current_locale_code() -> str:
    """The language code used for this request ("de" or "en")."""
    locale = get_locale()
    return locale.language if locale is not None else current_app.config["BABEL_DEFAULT_LOCALE"]


def remember_user_locale(user, locale: str) -> None:
    """Store the language on the user so it follows them to any browser.

    A failure here must not cost the user the switch itself: the session and
    cookie already carry the choice, so the error is logged and rolled back.
    """
    if getattr(user, "locale", None) == locale:
        return
    try:
        user.locale = locale
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.exception("Could not store the language of user %s", user.id)


def _return_url() -> str:
    """Where to go after switching: `next`, else the referring page, if on this site."""
    for candidate in (request.args.get("next"), request.referrer):
        if candidate and is_safe_redirect_url(candidate):
            return candidate
    return current_app.appbuilder.get_url_for_index


def switch_language(locale: str):
    """`GET /lang/<locale>`: switch the UI language and remember the choice.

    Stored in the session (this visit), on the signed-in user (any browser)
    and in a long-lived cookie (this browser, also after logout).
    """
    if locale not in _languages():
        abort(404)
    session["locale"] = locale
    refresh()
    user = _signed_in_user()
    if user is not None:
        remember_user_locale(user, locale)
    response = redirect(_return_url())
    response.set_cookie(
        LOCALE_COOKIE,
        locale,
        max_age=int(LOCALE_COOKIE_LIFETIME.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response


def _template_context() -> dict:
    return {"current_locale": current_locale_code()}


@lru_cache(maxsize=4096)
def _money_text(amount: Decimal, currency: str, locale: str) -> str:
    return format_currency(amount, currency, locale=locale)


def money(value, currency: str = "EUR") -> str:
    """An amount in the page's language ("1.234,50 €" in German).

    Babel parses the locale's pattern on every call; a contract with 50 options shows
    100 prices, which made formatting a quarter of the page's time. Prices repeat, so
    the texts are kept per (amount, currency, locale).
    """
    return _money_text(Decimal(value or 0), currency, request_locale_code())


def _time_zone() -> str:
    return current_app.config.get("BABEL_DEFAULT_TIMEZONE", "UTC")


@lru_cache(maxsize=8192)
def _day_text(value, locale: str, zone: str) -> str:
    return format_date(value, "medium")


@lru_cache(maxsize=8192)
def _timestamp_text(value, locale: str, zone: str) -> str:
    return f"{format_date(value, 'medium')}, {format_time(value, 'short')}"


def day(value) -> str:
    """A date in the page's language ("01.10.2026", "Oct 1, 2026"); a dash for none.

    Datetimes are stored in UTC and shown as the day in BABEL_DEFAULT_TIMEZONE. Babel
    parses the pattern and converts the zone on every call; a list shows a date per row,
    so the texts are kept per (value, language, zone) like amounts.
    """
    if value is None:
        return "–"
    return _day_text(value, request_locale_code(), _time_zone())


def timestamp(value) -> str:
    """A stored UTC time in the page's language and the portal's time zone ("02.12.2026, 14:58")."""
    if value is None:
        return "–"
    return _timestamp_text(value, request_locale_code(), _time_zone())


@lru_cache(maxsize=4096)
def _number_text(value, locale: str) -> str:
    return babel_decimal(value, locale=locale)


@lru_cache(maxsize=16)
def _number_symbols(locale: str) -> tuple[str, str]:
    """(group, decimal) symbols of the locale's Latin digits, as Babel's `format_decimal` uses them."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_group_symbol(locale), get_decimal_symbol(locale)


_TENTH = Decimal("0.1")


def _one_decimal(value: float, locale: str) -> str:
    """`babel.numbers.format_decimal(value, "#,##0.0", locale=locale)` for a value >= 0, without Babel's
    per-call parsing of locale and pattern (issue 20: a document list formats a size per row).

    Same steps: the float's `str` as a Decimal, rounded half-even to one place (Babel's
    quantize under the default context), the integer part grouped in threes.
    tests/unit/test_file_size.py compares it with Babel over many sizes in German and English.
    """
    group, decimal = _number_symbols(locale)
    whole, _, tenth = f"{Decimal(str(value)).quantize(_TENTH):f}".partition(".")
    if len(whole) > 3:
        whole = f"{int(whole):,}".replace(",", group)
    return f"{whole}{decimal}{tenth or '0'}"


def _file_size_text(size_bytes, locale: str) -> str:
    size = size_bytes or 0
    if size < 0:  # never stored; Babel's own path for the sign
        return f"{babel_decimal(size / 1024, '#,##0.0', locale=locale)} KB"
    if size >= 1024 * 1024:
        return f"{_one_decimal(size / (1024 * 1024), locale)} MB"
    return f"{_one_decimal(size / 1024, locale)} KB"


def file_size(size_bytes) -> str:
    """A file size in the page's number format: "12,3 KB" in German, "12.3 KB" in English."""
    return _file_size_text(size_bytes, request_locale_code())


# For the rows of one table (app/views/portal/*_rows.py): the same texts as `day`, `money` and
# `file_size`, with the request's language (and time zone) looked up once per table, not per cell.
def day_formatter():
    locale, zone = request_locale_code(), _time_zone()
    return lambda value: "–" if value is None else _day_text(value, locale, zone)


def money_formatter(currency: str = "EUR"):
    locale = request_locale_code()
    return lambda value: _money_text(Decimal(value or 0), currency, locale)


def file_size_formatter():
    locale = request_locale_code()
    return lambda size_bytes: _file_size_text(size_bytes, locale)


def number(value) -> str:
    """A number in the page's language ("1.234" in German, "1,234" in English); kept per value and language."""
    return _number_text(value or 0, request_locale_code())


def init_app(app: Flask) -> None:
    """Install the locale selector and the remembering language switch.

    Must run after `AppBuilder.init_app`, which creates Flask-Babel and FAB's
    `/lang/<locale>` endpoint.
    """
    get_babel(app).locale_selector = select_locale
    _install_request_catalogue(app)
    if LOCALE_ENDPOINT not in app.view_functions:
        raise RuntimeError("FAB's language endpoint is missing; init i18n after AppBuilder")
    # Same URL and endpoint as FAB's LocaleView, so url_for and the route list stay unchanged.
    app.view_functions[LOCALE_ENDPOINT] = switch_language
    app.context_processor(_template_context)
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["day"] = day
    app.jinja_env.filters["timestamp"] = timestamp
    app.jinja_env.filters["number"] = number


def compile_stale_catalogs(directory) -> list[str]:
    """Build every `messages.mo` that is missing or older than its `.po`.

    `make` does this before running or testing; this lets a plain `pytest`
    run on a fresh clone see the same German. Returns the catalogs built.
    """
    from pathlib import Path

    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    built = []
    for po_path in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)  # fuzzy entries stay out, as with `pybabel compile`
        built.append(str(po_path))
    return built
