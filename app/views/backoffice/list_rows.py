"""What a back-office list page works out once per page instead of once per row or cell (issue 20, P10).

FAB's list widget built three record links per row with `url_for` (plus its link-filter suffix),
translated every column label once per cell and every button title once per row. Here:

- each column's label is translated once per page (`list_cells`);
- each formatter translates a value (an enum's label, yes/no) once per distinct value (`_per_page`;
  dates are kept by app.i18n itself);
- each record link is built once per page with a marker in place of the row's id, and the
  row's id is put in with the same quoting Werkzeug's default converter uses (`record_links`).

Which links a row shows is still decided by the user's permissions, once per page, in the
template (`is_item_visible`, as FAB's base list does) — nothing here decides access.
"""
from __future__ import annotations

from enum import Enum
import re
from time import monotonic
from urllib.parse import quote

from flask import request, url_for
from flask_appbuilder._compat import as_unicode
from flask_appbuilder.fields import QuerySelectField, QuerySelectMultipleField
from flask_appbuilder.widgets import RenderTemplateWidget, SearchWidget
from flask_babel import get_locale, gettext
from flask_babel.speaklater import LazyString
from markupsafe import Markup, escape

from app.i18n import day, request_locale_code, timestamp

_MARK = "pk-marker-e2f1"
_PLAIN = re.compile(r"[A-Za-z0-9_.]+")
_QUERY_FIELDS = (QuerySelectField, QuerySelectMultipleField)
# FAB's security metadata: permission names ("can_list") and view names, both written only by FAB's
# start-up sync; not a customer's data, and no user edits them (issue 20: cached per view and language).
_FAB_METADATA = frozenset({"Permission", "ViewMenu"})
# Werkzeug's BaseConverter.to_url: the URL path segment's safe characters.
_PATH_SAFE = "!$&'()*+,/:;=@"


def row_values(datamodel, rows, columns) -> list[dict]:
    """FAB's `get_values` (each row's {column: value}) with the lookup decided once per column.

    FAB's `_get_attr_value` asks every cell whether the attribute exists and is callable (three
    reads of it); a column or relation of the model is read once here, an enum member given by its
    stored value as FAB does. Anything else (a method, a dotted path) still goes through FAB's lookup.
    """
    mapped = datamodel.obj.__mapper__.attrs
    getters = []
    for column in columns:
        if column in mapped:
            getters.append((column, None))
        else:
            getters.append((column, datamodel._get_attr_value))
    out = []
    for item in rows:
        values = {}
        for column, fab_lookup in getters:
            if fab_lookup is not None:
                values[column] = fab_lookup(item, column)
                continue
            value = getattr(item, column)
            values[column] = value.value if isinstance(value, Enum) else value
        out.append(values)
    return out


def list_cells(view) -> list[tuple[str, str, object]]:
    """(column, translated label, formatter or None) for each listed column of a model view.

    The labels are fixed texts: translated once per view and language, kept with the view. The
    formatters' memory is per page (the values they see are the page's rows)."""
    labels = view.__dict__.setdefault("_bo_list_labels", {})
    locale = request_locale_code()
    names = labels.get(locale)
    if names is None:
        names = labels[locale] = [str(view.label_columns.get(column)) for column in view.list_columns]
    formatters = {**view.formatters_columns, **(view.list_formatters or {})}
    return [(column, label, _per_page(formatters.get(column))) for column, label in zip(view.list_columns, names)]


def _per_page(formatter):
    """A column's formatter for one page: other values than dates (enum labels, yes/no) translated once
    per distinct value. Same text as the formatter gives; a translated label stays markup, as Jinja
    treats a lazy string."""
    if formatter is None:
        return None
    if formatter is timestamp or formatter is day:
        return formatter  # app.i18n keeps each formatted date per value, language and time zone
    memo = {}

    def cached(value):
        try:
            return memo[value]
        except KeyError:
            result = formatter(value)
            if isinstance(result, LazyString):
                result = Markup(result.__html__())  # nosec B704  # what Jinja makes of a lazy label: its __html__, trusted as it is there
            memo[value] = result
            return result
        except TypeError:  # an unhashable value
            return formatter(value)

    return cached


def _link_filters(path: str, filters) -> str:
    """FAB's `set_link_filters` template filter: a related view's filter carried into the link."""
    for flt, value in filters.get_filters_values():
        if flt.is_related_view:
            path += ("&" if "?" in path else "?") + "_flt_0_" + flt.column_name + "=" + str(value)
    return path


def _safe_url(endpoint: str, pk, filters) -> str | None:
    """FAB's `safe_url_for` (+ `set_link_filters`): None when the endpoint does not build."""
    try:
        path = url_for(endpoint, pk=pk)
    except Exception:  # noqa: BLE001 - as FAB's safe_url_for: a link that does not build is left out
        return None
    return path if filters is None else _link_filters(path, filters)


def _builder(endpoint: str, filters=None):
    """A function pk -> URL: one url_for per page where the route takes any string as id."""
    path = _safe_url(endpoint, _MARK, filters)
    if path is None or _MARK not in path:
        # E.g. an <int:pk> route, which cannot take the marker: build each row's link on its own.
        return lambda pk: _safe_url(endpoint, pk, filters)
    head, _, tail = path.partition(_MARK)
    return lambda pk: head + quote(str(pk), safe=_PATH_SAFE) + tail


def order_links(modelview_name: str, columns) -> dict[str, str]:
    """FAB's `link_order` filter (the column headers' sort links) for each column, one url_for per page.

    FAB sets `_oc_<view>` to the column and flips `_od_<view>` the same way for every column; the
    column goes in where the marker was (a column name is a plain identifier, never quoted)."""
    order_column, order_direction = "_oc_" + modelview_name, "_od_" + modelview_name
    args = request.args.copy()
    if order_column in args:
        args[order_column] = _MARK
        args[order_direction] = "desc" if args.get(order_direction) == "asc" else "asc"
    else:
        args[order_column] = _MARK
        args[order_direction] = "asc"
    path = url_for(request.endpoint, **dict(list(request.view_args.items()) + list(args.to_dict().items())))
    head, found, tail = path.partition(_MARK)
    if not found or _MARK in tail:
        return {}  # the template falls back to FAB's filter
    return {column: head + column + tail for column in columns if _PLAIN.fullmatch(column)}


def record_links(modelview_name: str, pks, filters) -> list[tuple[str | None, str | None, str | None]]:
    """(show, edit, delete) URL of each row; None where the view has no such endpoint."""
    show = _builder(modelview_name + ".show", filters)
    edit = _builder(modelview_name + ".edit", filters)
    delete = _builder(modelview_name + ".delete")
    return [(show(pk), edit(pk), delete(pk)) for pk in pks]


class PageSearchWidget(SearchWidget):
    """FAB's search widget, with the filter inputs' markup rendered once per view and language.

    FAB renders every search field (selects with all their translated options, date pickers) on
    every list request only to embed them as JSON for its filter script. The markup depends on the
    view's search form and the language only (no request data, no CSRF token: FAB builds the search
    form empty). A field with choices from the database (FAB's relation selects) is never kept but
    for FAB's own permission and view names (`_FAB_METADATA`); the others are kept at most a minute,
    so a date field's default ("now") stays current to the minute. The page's script and its CSP
    nonce are still rendered per request. The labels (the view's, per language) are kept with them.
    """

    _fields: dict = {}
    max_age = 60.0

    def __call__(self, **kwargs):
        form = self.template_args["form"]
        include_cols = self.template_args["include_cols"]
        dict_filters = self.filters.get_search_filters()
        key = (self.template_args.get("route_base"), tuple(include_cols), str(get_locale()))
        cached = self._fields.get(key)
        now = monotonic()
        if cached is None or now - cached[0] > self.max_age:
            # Choices read from the database (roles, customers, ...) are rendered per request.
            cached = (now, {col: form[col]() for col in include_cols if self._keepable(form[col], col)},
                      {col: as_unicode(form[col].label.text) for col in include_cols})
            self._fields[key] = cached
        kept = cached[1]
        # The form itself is built only for a field rendered per request (LazySearchForm, list_view.py).
        kwargs["label_columns"] = dict(cached[2])
        kwargs["form_fields"] = {col: kept[col] if col in kept else form[col]() for col in include_cols}
        kwargs["search_filters"] = {col: [as_unicode(flt.name) for flt in dict_filters[col]] for col in include_cols}
        kwargs["active_filters"] = self.filters.get_filters_values_tojson()
        return RenderTemplateWidget.__call__(self, **kwargs)

    def _keepable(self, field, column: str) -> bool:
        """A field whose markup may be kept: no choices from the database, or only FAB's permission names
        and view names (written by FAB's start-up sync, never by a user: the filters of "permissions on
        views")."""
        if not isinstance(field, _QUERY_FIELDS):
            return True
        datamodel = self.filters.datamodel
        return datamodel.is_relation(column) and datamodel.get_related_model(column).__name__ in _FAB_METADATA


def rows_html(rows, pks, links, cells, actions, can_show, can_edit, can_delete) -> Markup:
    """The list's table rows, as the widget template wrote them cell by cell (same HTML; issue 20, P10).

    `rows` are FAB's value dicts, `links` and `cells` from `record_links` and `list_cells`; which
    checkboxes and record buttons show is the template's (the user's permissions, once per page).
    Every value is escaped as Jinja's autoescape does; the translated texts are put in as the template's
    `_()` did (unescaped, the catalogue's own).
    """
    check = gettext("Select row %(number)s") if actions else ""
    buttons = can_show or can_edit or can_delete
    if buttons:
        t_show, t_show_title = gettext("Show"), gettext("Show record")
        t_edit, t_edit_title = gettext("Edit"), gettext("Edit record")
        t_delete, delete_title = gettext("Delete"), gettext("Delete record")
        t_confirm = gettext("Are you sure you want to delete this item?")
        show = (f'" class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" title="{t_show_title}">'
                f'<span class="sr-only">{t_show}</span><i class="fa fa-search" aria-hidden="true"></i></a>')
        edit = (f'" class="btn btn-sm btn-default" data-toggle="tooltip" rel="tooltip" title="{t_edit_title}">'
                f'<span class="sr-only">{t_edit}</span><i class="fa fa-edit" aria-hidden="true"></i></a>')
        delete = (f'" data-delete-confirm="{t_confirm}"><span class="sr-only">{t_delete}</span>'
                  f'<i class="fa fa-trash" aria-hidden="true"></i></a>')
    heads = [f'\n                <td data-label="{escape(label)}">' for _column, label, _formatter in cells]
    out = []
    for index, (row, pk) in enumerate(zip(rows, pks)):
        out.append("\n            <tr>")
        if actions:
            pk_text = escape(pk)
            out.append(f'\n                <td>\n                    <input id="{pk_text}" class="action_check" '
                       f'name="rowid" value="{pk_text}" type="checkbox"\n                           aria-label="'
                       f'{check % {"number": index + 1}}">\n                </td>')
        if buttons:
            show_url, edit_url, delete_url = links[index]
            out.append('\n                <td class="list-record-buttons"><div class="btn-group btn-group-xs" '
                       'style="display: flex;">')
            if can_show and show_url:
                out.append(f'\n                    <a href="{escape(show_url)}{show}')
            if can_edit and edit_url:
                out.append(f'\n                    <a href="{escape(edit_url)}{edit}')
            if can_delete and delete_url:
                url = escape(delete_url)
                out.append(f'\n                    <a id="btn-delete-{url}" href="#" '
                           f'class="btn btn-sm btn-default confirm" rel="tooltip" title="{delete_title}" '
                           f'data-delete-url="{url}{delete}')
            out.append("\n                </div></td>")
        for head, (column, _label, formatter) in zip(heads, cells):
            value = row[column]
            out.append(f"{head}{escape(formatter(value) if formatter else value)}</td>")
        out.append("\n            </tr>")
    # Every value above is escaped; the texts are the catalogue's, as the template put them in.
    return Markup("".join(out))  # nosec B704
