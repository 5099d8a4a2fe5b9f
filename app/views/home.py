"""Landing page after sign-in (R-HOME-1..4): the portal start page or the back-office overview."""
from __future__ import annotations

from datetime import date

from flask import current_app, g, jsonify, redirect, url_for
from flask_appbuilder import IndexView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.services.portal import contracts, overview
from app.services.portal.overview import reveal_hotline_password
from app.views.home_html import home_texts
from app.views.list_html import list_url
from app.views.portal.base import customer_users_only, object_ids, signed_in_or_401
from app.views.row_html import url_before_id

# The back-office staff's landing: shortcuts to the lists they work most (each shown only if allowed).
STAFF_SHORTCUTS = (
    ("CustomerView", "CustomerView.list", "fa-building", _l("Customers")),
    ("ContractView", "ContractView.list", "fa-file-signature", _l("Contracts")),
    ("OrderView", "OrderView.list", "fa-cart-shopping", _l("Orders and offers")),
    ("TicketView", "TicketView.list", "fa-ticket", _l("Tickets")),
    ("InvoiceView", "InvoiceView.list", "fa-file-invoice", _l("Invoices")),
    ("DocumentView", "DocumentView.list", "fa-folder-open", _l("Documents")),
)


# R-PBX-1: the landing page lists the first cloud.phone contracts; the cloud.phone page pages through all.
HOME_CLOUD_PHONE_SHOWN = 10


# The portal areas whose list permission ("can_list") decides what the start page shows.
LISTED_AREAS = (("contracts", "PortalContracts"), ("orders", "PortalOrders"), ("tickets", "PortalTickets"),
                ("invoices", "PortalInvoices"), ("documents", "PortalDocuments"), ("cloud_phone", "PortalCloudPhone"))
LISTED_AREAS_VIEWS = frozenset(view for _, view in LISTED_AREAS)


def _may(permission: str, view: str) -> bool:
    return current_app.appbuilder.sm.has_access(permission, view)


class HomeView(IndexView):
    """`/`: anonymous visitors go to the login page; everyone else lands here.

    Its permissions are portal permissions ("PortalHome"): only the Portal Admin may
    reveal the company's customer password (R-HOME-3, README "Roles"), and the S1/S2 tests find
    `/customer-password` by that permission although it lies outside /portal/.
    """

    index_template = "home.html"
    class_permission_name = "PortalHome"
    method_permission_name = {"customer_password": "customer_password"}  # nosec B105  # permission names
    base_permissions = ["can_customer_password"]

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.endpoint + ".login"))
        context = {}
        if user.customer_id is None:
            context = dict(staff_shortcuts=[(endpoint, icon, label) for view, endpoint, icon, label in STAFF_SHORTCUTS
                                            if _may("can_list", view)])
        else:
            # The six list permissions in one look-up in the user's permission set (the same answer as six
            # has_access calls; issue 20, P10).
            listed = current_app.appbuilder.sm._get_user_permission_view_menus(user, "can_list", LISTED_AREAS_VIEWS)
            may = {key: view in listed for key, view in LISTED_AREAS}
            may["sign_on"] = _may("can_sign_on", "PortalCloudPhone")
            may["customer_password"] = _may("can_customer_password", "PortalHome")
            today = date.today()
            summary = overview.overview(orders=may["orders"], tickets=may["tickets"], invoices=may["invoices"],
                                        contracts=may["contracts"], today=today, cloud_phone=may["cloud_phone"])
            context = dict(
                may=may,
                today=today,
                summary=summary,
                cloud_phone=contracts.first_cloud_phone_contracts(summary.cloud_phone_total, HOME_CLOUD_PHONE_SHOWN)
                if may["cloud_phone"] else None,
                config=current_app.config,
                upcoming_days=overview.UPCOMING_DAYS,
                t=home_texts(), list_url=list_url, contract_url=url_before_id("PortalContractView.show"),
                ticket_url=url_before_id("PortalTicketView.show"),
            )
        return self.render_template(self.index_template, appbuilder=self.appbuilder, user=user, **context)

    @expose("/customer-password", methods=["POST"])
    @signed_in_or_401
    @customer_users_only
    @has_access
    @object_ids()
    def customer_password(self):
        """R-HOME-3: reveal the hotline password after a click (CSRF-checked POST, audited)."""
        response = jsonify(password=reveal_hotline_password(g.user))
        response.headers["Cache-Control"] = "no-store"
        return response
