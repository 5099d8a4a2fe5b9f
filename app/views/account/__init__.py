"""Sign-in steps and the user menu views (SPEC §2): PIN, links, profile, password."""
from __future__ import annotations


def register_account_views(appbuilder) -> None:
    """Add the account views (user menu entries live in the navbar, not the menu)."""
