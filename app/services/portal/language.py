"""The page's language for portal code that reads plain rows of German/English pairs (issue 20, P10).

Views may not import `app.models` (tests/portal/test_tenancy_guard.py), so the row modules in
app/views/portal/ take the choice from here: `english_page()` once per table, then
`in_language(german, english, english)` per value, the same rule as `Localized` attributes.
"""
from __future__ import annotations

from app.models.bilingual import in_language, page_language

__all__ = ["english_page", "in_language"]


def english_page() -> bool:
    """Whether this page shows catalogue texts in English."""
    return page_language() == "en"
