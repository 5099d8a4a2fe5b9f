"""Back-office CRUD views (R-BO-1..4)."""
from __future__ import annotations


def register_backoffice_views(appbuilder) -> None:
    """Add the back-office views to the menu, grouped by area."""
