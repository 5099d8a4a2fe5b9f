"""Back-office view of accounts (R-BO-4), extending FAB's user view with portal fields.

It shares the back office's safety net (404 for malformed ids, enum labels,
no N+1 in the list, no secret columns) and picks the customer of a portal
account with the server-searched select, never a dropdown of every customer.
"""
from __future__ import annotations

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.models import Customer
from app.roles import roles_text
from app.services.auth import account_edits
from app.views.backoffice.filters import CUSTOMER_FILTERS
from app.views.backoffice.list_rows import PageSearchWidget
from app.views.backoffice.safe_view import SafeViewMixin
from app.views.backoffice.widgets import AjaxRelationField, ReadOnlyRelationField


def _customer_field():
    return AjaxRelationField(
        _l("Customer"), model=Customer, lookup="customer", required=False,
        description=_l("Portal accounts only; leave empty for the carrier's staff."),
    )


class EServiceUserDBModelView(SafeViewMixin, UserDBModelView):
    """Staff and portal accounts; portal accounts name their customer."""

    add_template = "backoffice/add.html"
    # The new account's first password is typed once, hashed at once, never shown.
    write_only_secrets = ("password",)
    edit_template = "backoffice/edit.html"
    # The filter inputs' markup kept per language like every back-office list's (issue 20, P10): no
    # search column of this list takes its choices from the database.
    search_widget = PageSearchWidget
    page_size = 25
    list_columns = ["username", "first_name", "last_name", "customer", "roles", "status", "active"]
    formatters_columns = {"roles": roles_text}
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "first_name", "last_name", "email", "phone", "mobile"]}),
        (_l("Access"), {"fields": ["customer", "roles", "status", "active", "second_factor", "locale"]}),
        (_l("Audit"), {"fields": ["last_login", "login_count", "failed_sign_ins", "created_on", "changed_on"]}),
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
        "failed_sign_ins": _l("Failed sign-in steps (last 24 hours)"),
    }
    add_form_extra_fields = {**UserDBModelView.add_form_extra_fields, "customer": _customer_field()}
    # The company of an account never changes (app/services/integrity.py): shown, not edited.
    edit_form_extra_fields = {"customer": ReadOnlyRelationField(_l("Customer"), lookup="customer")}

    # --- the rules of app/services/auth/account_edits.py on every path that writes an account ---
    def pre_add(self, item):
        """Check the rules on the plain password, then let FAB hash it."""
        account_edits.check_account(item, item.password or "")
        super().pre_add(item)

    def pre_update(self, item):
        account_edits.check_account(item)
        super().pre_update(item)

    def update_item(self, item, form):
        """Apply the edit in one transaction: rules first, then an audit entry naming the changed fields."""

        def apply_changes():
            form.populate_obj(item)
            super(EServiceUserDBModelView, self).pre_update(item)

        account_edits.edit_account(item, self.edit_columns, apply_changes)
        self.post_update(item)
        return item
