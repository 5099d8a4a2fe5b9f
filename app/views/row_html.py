"""Helpers of the list rows that views write in Python instead of Jinja loops (issue 20, P10).

The same trust as in the templates they replace, in one place each, so every row module
marks nothing safe on its own:
- `catalogue_text`: a translated text as Jinja's `_()` gives it under autoescape (newstyle gettext
  marks the catalogue's text safe: it comes from our .po files, never from a user);
- `joined`: a row module's parts, each already escaped (`markupsafe.escape`) or Markup itself.
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext, ngettext
from markupsafe import Markup, escape


def catalogue_text(msgid: str, **variables) -> Markup:
    """`gettext(msgid, **variables)` as markup, as the templates' `_()` returns it."""
    return Markup(gettext(msgid, **variables))  # nosec B704  # the catalogue's text, trusted as Jinja's `_()` trusts it


def catalogue_plural(singular: str, plural: str, num: int) -> Markup:
    """`ngettext` as markup, as the templates' `ngettext` returns it."""
    return Markup(ngettext(singular, plural, num))  # nosec B704  # the catalogue's text and a number


def joined(parts) -> Markup:
    """Row parts (each escaped or markup already) as one piece of markup."""
    return Markup("".join(parts))  # nosec B704  # callers escape every value they put into a part


def catalogue_texts(msgids) -> list[Markup]:
    """`catalogue_text` of each msgid (a table's column labels, once per page)."""
    return [catalogue_text(msgid) for msgid in msgids]


def url_before_id(endpoint: str) -> Markup:
    """The escaped URL of `endpoint` for a record up to its id, which ends it: a row appends its id."""
    return escape(url_for(endpoint, pk=0)[:-1])


def url_around_id(endpoint: str) -> tuple[Markup, Markup]:
    """The escaped URL of `endpoint` before and after "/<id>/" (e.g. a record's download link)."""
    before, after = url_for(endpoint, pk=0).rsplit("/0/", 1)
    return escape(before), escape(after)
