"""A portal list's controls written in Python: status/type filter, sortable column headers, pager (issue 20, P9).

They were Jinja macros in `portal/_macros.html` (each a frame, a context and a `url_for`) and a
WTForms select; this writes the same HTML, byte for byte. What is fixed per language (labels,
the filter's options, the pager's texts: no customer data) is written once per worker and
language; per request only the chosen option, the sort marks and the links' query strings
are filled in, every value escaped. Markup is made only through `app.views.row_html`.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import current_app, request, url_for
from markupsafe import escape

from app.i18n import request_locale_code
from app.views.row_html import catalogue_text, joined

# Per app (current_app.extensions["eservice_list_html"]):
# (filter name, its members, with "All"?, language) -> (label and select's head, {value: (option, selected option)});
# ("pager", language) -> the pager's fixed parts.


def _cache() -> dict:
    return current_app.extensions.setdefault("eservice_list_html", {})


def _base_url(endpoint: str) -> str:
    """`url_for(endpoint)` without arguments, once per worker, endpoint and script root."""
    cache = current_app.extensions.setdefault("eservice_list_urls", {})
    key = (endpoint, request.script_root)
    url = cache.get(key)
    if url is None:
        url = cache[key] = url_for(endpoint)
    return url


def list_url(endpoint: str, **query) -> str:
    """`url_for(endpoint, **query)` as Flask writes it: arguments in the given order, None left out."""
    url = _base_url(endpoint)
    items = [(k, v) for k, v in query.items() if v is not None]
    return url + "?" + urlencode(items, safe="!$'()*,/:;?@") if items else url  # werkzeug's _urlencode


def _option(value, label, selected: bool) -> str:
    return '<option {}value="{}">{}</option>'.format("selected " if selected else "", escape(value), escape(label))


def _filter_parts(form) -> tuple:
    cache = _cache()
    key = (form.name, form.members, form.all_label is not None, request_locale_code())
    parts = cache.get(key)
    if parts is None:
        name = escape(form.name)
        head = f'<label for="{name}">{escape(form.label)}</label>\n    <select name="{name}" class="form-control" id="{name}">'
        choices = ([("", form.all_label)] if form.all_label is not None else []) + [(m.value, m.label) for m in form.members]
        options = {value: (_option(value, label, False), _option(value, label, True)) for value, label in choices}
        parts = cache[key] = (head, options)
    return parts


def filter_fields(form):
    """The filter's `<label>` and `<select>` (app.forms.portal.ChoiceFilter), its value selected
    when it names a choice, as WTForms' SelectField wrote them."""
    head, options = _filter_parts(form)
    value = form.value
    return joined([head, *(pair[value == choice] for choice, pair in options.items()), "</select>"])


def status_filter(form):
    """The status filter of a list (GET; keeps the sort order), as the `status_filter` macro wrote it."""
    hidden = f'<input type="hidden" name="sort" value="{escape(form.sort)}">' if form.sort else ""
    return joined(['<form method="get" class="form-inline portal-filter">\n    ', hidden, "\n    ",
                   filter_fields(form), '\n    <button class="btn btn-default" type="submit">',
                   catalogue_text("Search"), "</button>\n  </form>"])


def sort_th(label, key: str, sort, endpoint: str, **query):
    """A sortable column header (R-ORD-1): a click sorts by it, a second click reverses."""
    url = escape(list_url(endpoint, sort=sort.toggle(key), **query))
    if sort.key != key:
        return joined(['<th>\n    <a href="', url, '" class="sort-link" data-sort="', escape(key), '">',
                       escape(label), "</a></th>"])
    order, arrow = ("descending", "down") if sort.descending else ("ascending", "up")
    return joined([f'<th aria-sort="{order}">\n    <a href="', url, '" class="sort-link" data-sort="', escape(key),
                   '">', escape(label), f' <i class="fa fa-sort-{arrow}" aria-hidden="true"></i></a></th>'])


def _pager_parts() -> tuple:
    cache = _cache()
    key = ("pager", request_locale_code())
    parts = cache.get(key)
    if parts is None:
        parts = cache[key] = (
            f'\n  <nav aria-label="{catalogue_text("Pages")}">\n    <ul class="pager">\n      ',
            f'">&larr; {catalogue_text("Previous")}</a></li>',
            f'">{catalogue_text("Next")} &rarr;</a></li>',
        )
    return parts


def pager(page, endpoint: str, **query):
    """Previous / "Page 2 of 7" / next links of a list with more than one page, as the `pager` macro wrote them."""
    if page.pages <= 1:
        return joined([])
    head, previous, following = _pager_parts()
    parts = [head]
    if page.has_prev:
        parts += ['<li class="previous"><a href="', escape(list_url(endpoint, page=page.page - 1, **query)), previous]
    parts += ["\n      <li><span>", catalogue_text("Page %(page)d of %(pages)d") % {"page": page.page, "pages": page.pages},
              "</span></li>\n      "]
    if page.has_next:
        parts += ['<li class="next"><a href="', escape(list_url(endpoint, page=page.page + 1, **query)), following]
    parts.append("\n    </ul>\n  </nav>\n  ")
    return joined(parts)
