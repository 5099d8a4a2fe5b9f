"""Account-view permissions granted to roles: {role: {view permission name: (permissions…)}}."""
from app.security.roles_base import ALL_ROLES  # noqa: F401

ACCOUNT_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {}
