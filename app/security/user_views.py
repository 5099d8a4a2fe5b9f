"""Back-office view of accounts (R-BO-4), extending FAB's user view with portal fields."""
from __future__ import annotations

from flask_appbuilder.security.views import UserDBModelView
from flask_babel import lazy_gettext as _l


class EServiceUserDBModelView(UserDBModelView):
    """Staff and portal accounts; portal accounts name their customer."""

    list_columns = ["username", "first_name", "last_name", "customer", "roles", "status", "active"]
    show_fieldsets = [
        (_l("User info"), {"fields": ["username", "first_name", "last_name", "email", "phone", "mobile"]}),
        (_l("Access"), {"fields": ["customer", "roles", "status", "active", "second_factor", "locale"]}),
        (_l("Audit"), {"fields": ["last_login", "login_count", "fail_login_count", "created_on", "changed_on"]}),
    ]
    edit_columns = [
        "first_name", "last_name", "username", "email", "phone", "mobile", "status", "active",
        "second_factor", "roles",
    ]
    add_columns = [
        "first_name", "last_name", "username", "email", "phone", "mobile", "status", "active",
        "second_factor", "roles", "password", "conf_password",
    ]
    search_columns = ["username", "first_name", "last_name", "email", "status", "active"]
    label_columns = {
        "customer": _l("Customer"),
        "phone": _l("Phone"),
        "mobile": _l("Mobile"),
        "status": _l("Status"),
        "second_factor": _l("Second factor"),
        "locale": _l("Language"),
    }
