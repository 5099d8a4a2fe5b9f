"""Back-office view of accounts (R-BO-4), extending FAB's user view with portal fields.

It shares the back office's safety net (404 for malformed ids, enum labels,
no N+1 in the list, no secret columns) and picks the customer of a portal
account with the server-searched select, never a dropdown of every customer.
"""
from __future__ import annotations

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l

from app.models import Customer
from app.security.roles_base import roles_text
from app.views.backoffice.base import SafeViewMixin
from app.views.backoffice.filters import CUSTOMER_FILTERS
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
    # The company of an account never changes (app/models/integrity.py): shown, not edited.
    edit_form_extra_fields = {"customer": ReadOnlyRelationField(_l("Customer"), lookup="customer")}

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

    def update_item(self, item, form):
        """Apply the edit in one transaction: rules first, then an audit entry naming the changed fields.

        R-AUTH-10: an inactive account stays inactive. The audit entry lists field names only,
        never a value (issue 3 point 8; no secret is an edit column anyway, QUALITY S14).
        """
        from app.extensions import db
        from app.models.enums import UserStatus
        from app.services import audit
        from app.services.account_rules import INACTIVE_IS_FINAL
        from app.services.auth.account_events import actor_name
        from app.services.errors import Invalid

        before = {column: _comparable(item, column) for column in self.edit_columns}
        form.populate_obj(item)
        if before.get("status") is UserStatus.INACTIVE and item.status is not UserStatus.INACTIVE:
            raise Invalid(INACTIVE_IS_FINAL)
        self.pre_update(item)
        changed = [column for column in self.edit_columns if _comparable(item, column) != before[column]]
        if changed:
            audit.record(audit.USER_EDITED, item, details=f"changed: {', '.join(changed)} by {actor_name()}")
        db.session.commit()
        self.post_update(item)
        return item


def _comparable(item, column: str):
    """A field's value in a form that compares by content (related rows by their ids)."""
    value = getattr(item, column, None)
    if column == "roles":
        return tuple(sorted(role.id for role in value or []))
    if hasattr(value, "__table__"):
        return getattr(value, "id", None)
    if value == "":
        return None  # an empty form field for a column that was NULL is no change
    return value
