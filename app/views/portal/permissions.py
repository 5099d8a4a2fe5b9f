"""Portal permissions per portal role: {role: {view permission name: (permissions…)}}."""
from app.security.roles_base import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN  # noqa: F401

PORTAL_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    PORTAL_ADMIN: {},
    PBX_ADMIN: {},
    ACCOUNTING: {},
}
