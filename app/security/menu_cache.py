"""The navbar menu computed once per role set and locale, not by a permission check per entry (issue 20).

FAB's navbar asks `has_access("menu_access", entry)` for every entry and category of the
menu on every page. Which entries a user sees depends only on the roles, their labels only
on the locale: so each worker keeps the filtered tree per (role ids, locale, permission
counter, script root) and the navbar (app/templates/appbuilder/navbar_menu.html) renders
it without a check. A change of a role's permissions moves the counter
(app/security/permission_cache.py), so the next request of any worker builds the menu
anew (R-BO-4). The tree holds menu labels and URLs only, never customer data (S1).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, render_template, request
from flask_babel import get_locale, gettext
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import url_quote
from markupsafe import Markup, escape

from app.security import permission_cache


@dataclass(frozen=True)
class MenuEntry:
    """One line of the menu: an entry (`url`), a dropdown (`children`), a section `header` or a `divider`."""

    kind: str  # "item", "dropdown", "header" or "divider"
    label: str = ""
    url: str = ""
    icon: str = ""
    children: tuple["MenuEntry", ...] = field(default_factory=tuple)


_DIVIDER = MenuEntry("divider")
MENU_TEMPLATE = "appbuilder/navbar_menu.html"


def _label(item) -> Markup:
    """Translated as the navbar's `_()` did: the catalogue's text is trusted markup there too."""
    return Markup(gettext(str(item.label))) if item.label else Markup("")  # nosec B704  # menu labels come from the code's registrations and the catalogue, never from user input


def _item(menu_item) -> MenuEntry:
    return MenuEntry("item", label=_label(menu_item), url=menu_item.get_url(), icon=menu_item.icon or "")


def _section_visible(later_items, visible) -> bool:
    """A titled separator shows when an entry after it (up to the next separator) is visible."""
    for later in later_items:
        if later is None:
            continue
        if later.name == "-":
            return False
        if visible(later):
            return True
    return False


def _dropdown_children(childs, visible) -> tuple[MenuEntry, ...]:
    children: list[MenuEntry] = []
    shown_any = False
    for index, child in enumerate(childs):
        if not child:
            continue
        if child.name == "-":
            if _section_visible(childs[index + 1:], visible):
                if shown_any:
                    children.append(_DIVIDER)
                if child.label:
                    children.append(MenuEntry("header", label=_label(child)))
        elif visible(child):
            shown_any = True
            children.append(_item(child))
    return tuple(children)


def build_menu(menu_items, visible) -> tuple[MenuEntry, ...]:
    """The entries of `menu_items` that `visible(item)` lets through, as the navbar shows them."""
    entries = []
    for item in menu_items:
        if not visible(item):
            continue
        if item.childs:
            entries.append(MenuEntry("dropdown", label=_label(item), icon=item.icon or "",
                                     children=_dropdown_children(item.childs, visible)))
        else:
            entries.append(_item(item))
    return tuple(entries)


def _cache(appbuilder) -> permission_cache.VersionedCache:
    """One cache per app (two apps in one process may use two databases)."""
    return appbuilder.__dict__.setdefault("_eservice_menu_cache", permission_cache.VersionedCache(256))


def _role_key(sm, user) -> tuple | None:
    """The role set of a signed-in, active user (its own roles and its groups'), ("public",) when signed
    out, or None (not to be cached)."""
    if not getattr(user, "is_authenticated", False):
        return ("public",)
    if not user.is_active:
        return None
    return tuple(sorted({role.id for role in sm.get_user_roles(user)}))


def _request_key(sm) -> tuple | None:
    """The cache key of this request's menu, or None when it must be built without the cache."""
    if not has_request_context():
        return None
    roles = _role_key(sm, current_user._get_current_object())
    version = permission_cache.current_version() if roles is not None else None
    if roles is None or version is None:
        return None
    return (roles, str(get_locale()), version, request.script_root)


def current_menu() -> tuple[MenuEntry, ...]:
    """The menu of this request's user, from the worker's cache when the permission counter allows."""
    appbuilder = current_app.appbuilder
    sm = appbuilder.sm
    build = lambda: build_menu(appbuilder.menu.get_list(), _visible_for_request(sm))  # noqa: E731
    key = _request_key(sm)
    return build() if key is None else _cache(appbuilder).get_or_compute(key, build)


def current_menu_html() -> Markup:
    """The navbar's menu entries as HTML (appbuilder/navbar_menu.html), rendered once per menu key:
    the same labels and URLs for every user of the role set, so the rendering is kept beside the tree."""
    appbuilder = current_app.appbuilder
    render = lambda: Markup(current_app.jinja_env.get_template(MENU_TEMPLATE).render())  # noqa: E731  # nosec B704  # the template autoescapes; labels and URLs come from the registrations
    key = _request_key(appbuilder.sm)
    return render() if key is None else _cache(appbuilder).get_or_compute(("html",) + key, render)


NAVBAR_TEMPLATE = "appbuilder/navbar_body.html"
# Stand-ins (Unicode private use characters, which no label or URL contains) for the three values of the
# navbar that belong to the request: filled in after the cached HTML is taken.
SLOT_USERNAME, SLOT_CSRF, SLOT_NEXT = "\ue000", "\ue001", "\ue002"
NAVBAR_SLOTS = {"username": SLOT_USERNAME, "csrf": SLOT_CSRF, "next": SLOT_NEXT}


def current_navbar_html() -> Markup:
    """The whole navbar (menu, home and carrier links, language switch, user menu) as HTML.

    Rendered once per menu key and kind of user (signed in or not, a customer's user or staff):
    its ~120 template steps and 15 translations cost every page about a twentieth of its time
    (issue 20, P9/P10). The user's name, the logout form's CSRF token and the language switch's
    return URL are slots, filled per request; nothing of a user or customer is kept (S1).
    """
    user = current_user._get_current_object() if has_request_context() else None
    render = lambda: render_template(NAVBAR_TEMPLATE, appbuilder=current_app.appbuilder,  # noqa: E731
                                     navbar_slots=NAVBAR_SLOTS)
    key = _request_key(current_app.appbuilder.sm)
    if key is None:
        html = render()
    else:
        kind = ("signed-in" if getattr(user, "is_authenticated", False) else "anonymous",
                getattr(user, "customer_id", None) is not None)
        html = _cache(current_app.appbuilder).get_or_compute(("navbar",) + kind + key, render)
    return _fill_slots(html, user)


def _fill_slots(html: str, user) -> Markup:
    """The cached navbar with this request's values in its slots (each escaped as the template would)."""
    if SLOT_USERNAME in html:
        html = html.replace(SLOT_USERNAME, escape(getattr(user, "username", "") or ""))
    if SLOT_CSRF in html:  # only signed-in users' navbars have the logout form: no token for others
        html = html.replace(SLOT_CSRF, escape(generate_csrf()))
    if SLOT_NEXT in html:
        html = html.replace(SLOT_NEXT, escape(url_quote(request.full_path.rstrip("?"))))
    return Markup(html)  # nosec B704  # rendered with autoescape; the filled values are escaped above


def _visible_for_request(sm):
    return lambda item: sm.has_access("menu_access", item.name)


def init_app(app: Flask) -> None:
    """Offer `eservice_menu()`, `eservice_menu_html()` and `eservice_navbar_html()` to the templates."""
    app.add_template_global(current_menu, "eservice_menu")
    app.add_template_global(current_menu_html, "eservice_menu_html")
    app.add_template_global(current_navbar_html, "eservice_navbar_html")
