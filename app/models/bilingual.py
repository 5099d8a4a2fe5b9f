"""Catalogue texts a customer reads, in German and English (issue: texts in the page's language).

The German column (`name`, `description`, `title`) is the text of record, as the manual
writes it; its `_en` twin holds the English text, edited beside it in the back office.
An English page shows the English text where one is filled in, otherwise the German;
a German page always shows the German.
"""
from __future__ import annotations

from flask import has_request_context
from flask_babel import get_locale
from sqlalchemy import func


def page_language() -> str:
    """"en" on an English page, else "de" (also outside a request: jobs, CLI, PDFs)."""
    if not has_request_context():
        return "de"
    locale = get_locale()
    return "en" if locale is not None and locale.language == "en" else "de"


def in_language(german, english, english_page: bool):
    """The text a page shows of a German/English pair: the English on an English page where it is
    filled in (not blank), else the German. `Localized` attributes and the plain-row lists choose so."""
    return english if english_page and english and english.strip() else german


def localized_column(german, english):
    """The same choice as `Localized`, as an SQL expression for column-only queries."""
    if page_language() == "en":
        return func.coalesce(func.nullif(english, ""), german)
    return german


class Localized:
    """Read-only attribute: column `base` in the page's language (`base_en` when English and filled)."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        english_page = page_language() == "en"
        return in_language(getattr(obj, self.base), getattr(obj, f"{self.base}_en", None) if english_page else None,
                           english_page)
