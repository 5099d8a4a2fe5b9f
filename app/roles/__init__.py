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


def role_label(name: str) -> str:
    """A role's name as the manual calls it, in the reader's language ("Administrator Kundenportal").

    Role names stay English in the database (they are FAB's keys); only what staff read is translated.
    """
    labels = {
        PORTAL_ADMIN: pgettext("role", "Portal Admin"),
        PBX_ADMIN: pgettext("role", "PBX Admin"),
        ACCOUNTING: pgettext("role", "Accounting"),
        SALES: pgettext("role", "Sales"),
        SERVICE: pgettext("role", "Service"),
        ADMIN: pgettext("role", "Admin"),
        PUBLIC: pgettext("role", "Public"),
    }
    return labels.get(name, name)


def roles_text(roles) -> str:
    """A list of role rows as translated names, comma-separated (back-office lists and pages)."""
    return ", ".join(role_label(role.name) for role in roles or [])
