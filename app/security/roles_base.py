"""Role names and permission bundles, shared by every permission module."""

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
