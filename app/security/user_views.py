"""Back-office view of accounts (R-BO-4), extending FAB's user view with portal fields.

It shares the back office's safety net (404 for malformed ids, enum labels,
no N+1 in the list, no secret columns) and picks the customer of a portal
account with the server-searched select, never a dropdown of every customer.
"""
from __future__ import annotations

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.models import Customer
from app.views.backoffice.base import SafeViewMixin
from app.views.backoffice.filters import CUSTOMER_FILTERS
from app.views.backoffice.widgets import AjaxRelationField


def _customer_field():
    return AjaxRelationField(
        _l("Customer"), model=Customer, lookup="customer", required=False,
        description=_l("Portal accounts only; leave empty for the carrier's staff."),
    )


class EServiceUserDBModelView(SafeViewMixin, UserDBModelView):
    """Staff and portal accounts; portal accounts name their customer."""

    add_template = "backoffice/add.html"
    edit_template = "backoffice/edit.html"
    page_size = 25
    list_columns = ["username", "first_name", "last_name", "customer", "roles", "status", "active"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "first_name", "last_name", "email", "phone", "mobile"]}),
        (_l("Access"), {"fields": ["customer", "roles", "status", "active", "second_factor", "locale"]}),
        (_l("Audit"), {"fields": ["last_login", "login_count", "fail_login_count", "created_on", "changed_on"]}),
    ]
    edit_columns = [
        "first_name", "last_name", "username", "email", "phone", "mobile", "customer", "status", "active",
        "second_factor", "roles",
    ]
    add_columns = [
        "first_name", "last_name", "username", "email", "phone", "mobile", "customer", "status", "active",
        "second_factor", "roles", "password", "conf_password",
    ]
    search_columns = ["username", "first_name", "last_name", "email", "customer_id", "status", "active"]
    text_filters = {"customer_id": CUSTOMER_FILTERS}
    order_columns = ["username", "first_name", "last_name", "status", "active"]
    base_order = ("username", "asc")
    label_columns = {
        "customer": _l("Customer"),
        "customer_id": _l("Customer"),
        "phone": _l("Phone"),
        "mobile": _l("Mobile"),
        "status": _l("Status"),
        "second_factor": _l("Second factor"),
        "locale": _l("Language"),
    }
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, "customer": _customer_field()}
    edit_form_extra_fields = {"customer": _customer_field()}
