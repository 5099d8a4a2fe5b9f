"""Customer portal views (SPEC §3-§13), scoped to the signed-in user's customer."""
from __future__ import annotations


def register_portal_views(appbuilder) -> None:
    """Add the portal views and their menu entries."""
