"""Template fragments of fixed text written once per worker, language and key (issue 20, P9).

A list page's help texts and column headers are a dozen to two dozen `_()` calls on every
request, though they only change with the language (and, for sortable headers, with the
sort order and filter). A template wraps such a fragment in

    {% call fixed_html("contracts-help", accounting_phone) %} ... {% endcall %}

and this renders the block (`caller()`) only the first time for its name, the request's
language, the script root and the given key values; afterwards it returns the kept HTML.
The block may read nothing but fixed text and the key values, and a key value may never be
a customer's data (S1: nothing of a customer is kept across requests): configuration (the
accounting phone), a validated sort order or a status from a closed set are fine.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, request

from app.i18n import request_locale_code

# Per app (current_app.extensions): (name, language, script root, *key values) -> the block's markup.
_LIMIT = 2048  # a safety net: the keys come from closed sets, so this is never reached in practice


def fixed_html(name: str, *key, caller):
    """The block's HTML for `name` and `key` in the request's language, rendered once."""
    cache_key = (name, request_locale_code(), request.script_root, *key)
    fragments = current_app.extensions.setdefault("eservice_fixed_html", {})
    html = fragments.get(cache_key)
    if html is None:
        if len(fragments) >= _LIMIT:
            fragments.clear()
        html = fragments[cache_key] = caller()
    return html


def fixed_texts(name: str, build):
    """A page's fixed texts in the request's language as one namespace (`t.welcome` in its template), built
    from `build()` (attribute name -> catalogue text) once per app and language.

    The texts are the ones Jinja's `_()` gives (newstyle gettext: the catalogue's text formatted with no
    variables, "%%" -> "%"), so the HTML stays byte for byte the same. A closed set of our catalogue's texts,
    never a customer's data (S1).
    """
    cache = current_app.extensions.setdefault("eservice_fixed_texts", {})
    cache_key = (name, request_locale_code())
    texts = cache.get(cache_key)
    if texts is None:
        texts = cache[cache_key] = SimpleNamespace(**{attr: text % {} for attr, text in build().items()})
    return texts
