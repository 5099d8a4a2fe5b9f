"""Account-view permissions granted to roles: {role: {view permission name: (permissions…)}}."""
from app.security.roles_base import ALL_ROLES

# Every role has the user menu: My profile, Change password, authenticator app (R-AUTH-7..9).
ACCOUNT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    role: {"Account": ("can_access",)} for role in ALL_ROLES
}
