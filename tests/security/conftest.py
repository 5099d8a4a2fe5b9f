"""Fixtures of the security tests that need the portal's two-customer world (QUALITY S1, S2)."""
from tests.portal.conftest import signed_in, world  # noqa: F401  - fixtures
