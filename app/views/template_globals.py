"""The small pieces every portal row shows (status badge, invoice state, dates), as plain functions.

They were Jinja macros in `portal/_macros.html`. A macro call costs Jinja a frame, a
context and a Markup round trip, and `status_badge` built its 19-entry class table on
every call: a list of 25 rows spent about a tenth of its time there (issue 20, P10).
The macro file now exports these functions under the same names, so templates import
them as before and the HTML is unchanged.
"""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_babel import ngettext
from markupsafe import Markup

from app.i18n import day, file_size, money, request_locale_code, timestamp
from app.views import list_html
from app.views.fixed_html import fixed_html

# Bootstrap label classes by status value (contracts, orders, steps, tickets, self-care changes).
STATUS_CSS = {
    "active": "success", "active_pending": "info", "blocked": "danger", "inactive_pending": "warning",
    "inactive": "default", "offer_created": "warning", "offer_accepted": "info", "provisioning": "info",
    "partially_provisioned": "info", "provisioned": "primary", "completed": "success",
    "cancelled": "default", "open": "warning", "in_progress": "info", "waiting_for_customer": "warning",
    "closed": "default", "done": "success", "pending": "default", "failed": "danger",
}
INVOICE_STATE_CSS = {"open": "info", "overdue": "danger", "paid": "success"}


# A badge's HTML per (prefix, enum class, value, language): a closed set of fixed strings, no
# customer data. Markup.format escapes through a string Formatter and the label is a lazy
# gettext, which cost a list of 25 rows about 0.3 ms per request (issue 20, P10).
_BADGES: dict[tuple, Markup] = {}


def _badge(prefix: str, css_table: dict, member) -> Markup:
    key = (prefix, type(member), member.value, request_locale_code())
    html = _BADGES.get(key)
    if html is None:
        value = member.value
        html = _BADGES[key] = Markup('<span class="label label-{} {}-{}">{}</span>').format(
            css_table.get(value, "default"), prefix, value, member.label)
    return html


def status_badge(status) -> Markup:
    """A status as a coloured label: `<span class="label label-success status-active">Aktiv</span>`."""
    return _badge("status", STATUS_CSS, status)


def invoice_state(state) -> Markup:
    """An invoice's state (paid, open, overdue), derived from its due and payment dates."""
    return _badge("invoice-state", INVOICE_STATE_CSS, state)


def months(value) -> str:
    """"1 Monat", "2 Monate" / "1 month", "2 months"."""
    return ngettext("%(num)d month", "%(num)d months", value or 0)


# The portal layout's style sheets and scripts (portal/base.html): (blueprint static endpoint, file).
LAYOUT_CSS = (
    ("appbuilder.static", "css/bootstrap.min.css"),
    ("appbuilder.static", "css/fontawesome/fontawesome.min.css"),
    ("appbuilder.static", "css/fontawesome/regular.min.css"),
    ("appbuilder.static", "css/fontawesome/solid.min.css"),
    ("appbuilder.static", "css/fontawesome/brands.min.css"),
    ("appbuilder.static", "css/fontawesome/v4-shims.min.css"),
    ("appbuilder.static", "css/themes/{theme}"),
    ("appbuilder.static", "css/ab.css"),
    ("static", "css/eservice.css"),
)
LAYOUT_JS = (
    ("appbuilder.static", "js/jquery-latest.js"),
    ("appbuilder.static", "js/bootstrap.min.js"),
    ("static", "js/portal-layout.js"),
    ("static", "js/menus.js"),
    ("static", "js/portal.js"),
)


def _layout_assets() -> dict[str, Markup]:
    theme = current_app.appbuilder.app_theme
    css = [Markup('<link href="{}" rel="stylesheet">').format(url_for(endpoint, filename=name.format(theme=theme)))
           for endpoint, name in LAYOUT_CSS if theme or "{theme}" not in name]
    js = [Markup('<script src="{}"></script>').format(url_for(endpoint, filename=name)) for endpoint, name in LAYOUT_JS]
    return {"css": Markup("\n    ").join(css), "js": Markup("\n    ").join(js)}


def layout_assets() -> dict[str, Markup]:
    """The layout's <link> and <script> tags, built once per worker and script root: fourteen
    `url_for` calls on every page made the same text each time."""
    cache = current_app.extensions.setdefault("eservice_layout_assets", {})
    key = request.script_root
    assets = cache.get(key)
    if assets is None:
        assets = cache[key] = _layout_assets()
    return assets


def init_app(app) -> None:
    """Globals for every template; `portal/_macros.html` exports them under the macros' names."""
    app.jinja_env.globals.update(
        portal_status_badge=status_badge,
        portal_invoice_state=invoice_state,
        portal_day=day,
        portal_timestamp=timestamp,
        portal_money=money,
        portal_months=months,
        portal_file_size=file_size,
        layout_assets=layout_assets,
        portal_pager=list_html.pager,
        portal_status_filter=list_html.status_filter,
        portal_sort_th=list_html.sort_th,
        portal_filter_fields=list_html.filter_fields,
        fixed_html=fixed_html,
    )

