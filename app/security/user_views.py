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
    # The new account's first password is typed once, hashed at once, never shown.
    write_only_secrets = ("password",)
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

    # --- rules on every path that sets a username or password (R-AUTH-1/2) ---
    def _account_errors(self, item, password: str | None) -> list[str]:
        from app.security.roles_base import PORTAL_ROLES
        from app.services.account_rules import password_errors, username_errors
        from app.services.auth import usernames

        errors = username_errors(item.username or "")
        if not errors and usernames.username_taken(item.username, exclude_user_id=item.id):
            errors.append(usernames.taken_message(item.username))
        if password is not None:
            errors += password_errors(password, item.username)
        portal = any(role.name in PORTAL_ROLES for role in item.roles or [])
        staff = any(role.name not in PORTAL_ROLES for role in item.roles or [])
        if portal and staff:
            errors.append(str(_l("An account is either a customer's portal account or a staff account, not both.")))
        elif portal and item.customer is None:
            errors.append(str(_l("A portal account needs its customer.")))
        elif staff and item.customer is not None:
            errors.append(str(_l("A staff account must not belong to a customer.")))
        return errors

    def pre_add(self, item):
        """Check the rules on the plain password, then let FAB hash it."""
        from app.services.errors import Invalid

        errors = self._account_errors(item, item.password or "")
        if errors:
            raise Invalid(*errors)
        super().pre_add(item)

    def pre_update(self, item):
        from app.services.errors import Invalid

        errors = self._account_errors(item, None)
        if errors:
            raise Invalid(*errors)
        super().pre_update(item)
