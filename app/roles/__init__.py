"""The product's roles, declared once: names, permission bundles and the names staff read.

This package sits below services and security (README, Architecture): the grants of
each role are in `app/roles/grants.py`, `flask --app run roles sync`
(`app/security/roles.py`) applies them to the database.
"""
from flask_babel import pgettext

PORTAL_ADMIN = "Portal Admin"
PBX_ADMIN = "PBX Admin"
ACCOUNTING = "Accounting"
SALES = "Sales"
SERVICE = "Service"
ADMIN = "Admin"
PUBLIC = "Public"

PORTAL_ROLES = (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING)
BACKOFFICE_ROLES = (SALES, SERVICE, ADMIN)
ALL_ROLES = PORTAL_ROLES + BACKOFFICE_ROLES

# Portal roles that must pass the SMS PIN step after the password (R-AUTH-6).
SMS_PIN_ROLES = (PORTAL_ADMIN, ACCOUNTING)

READ = ("can_list", "can_show")
WRITE = READ + ("can_add", "can_edit")
FULL = WRITE + ("can_delete",)


# Each label translated only when asked for (a user list asks once per role of each row, issue 20);
# the literal calls keep the strings in the catalogue.
_LABELS = {
    PORTAL_ADMIN: lambda: pgettext("role", "Portal Admin"),
    PBX_ADMIN: lambda: pgettext("role", "PBX Admin"),
    ACCOUNTING: lambda: pgettext("role", "Accounting"),
    SALES: lambda: pgettext("role", "Sales"),
    SERVICE: lambda: pgettext("role", "Service"),
    ADMIN: lambda: pgettext("role", "Admin"),
    PUBLIC: lambda: pgettext("role", "Public"),
}


def role_label(name: str) -> str:
    """A role's name as the manual calls it, in the reader's language ("Administrator Kundenportal").

    Role names stay English in the database (they are FAB's keys); only what staff read is translated.
    """
    label = _LABELS.get(name)
    return label() if label is not None else name


def roles_text(roles) -> str:
    """A list of role rows as translated names, comma-separated (back-office lists and pages)."""
    return ", ".join(role_label(role.name) for role in roles or [])
