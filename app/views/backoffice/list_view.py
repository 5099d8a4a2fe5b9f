"""The list page of every back-office view: FAB's list widget, paged safely, its rows worked out once (issue 20).

Split from safe_view.py, whose `SafeViewMixin._get_list_widget` (FAB's `_get_list_widget` replaced:
re-check it on a FAB upgrade, tests/fab_forks.json) calls `list_widgets` here.
"""
from __future__ import annotations

from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args

from app.views.backoffice.list_rows import list_cells, order_links, record_links, row_values, rows_html


class LazySearchForm:
    """The view's search form, built (FAB's `search_form.refresh()`) on first use only.

    A list page builds the empty search form only to hand its fields to the search widget, and
    `PageSearchWidget` (list_rows.py) keeps the fields' markup and labels per view and language:
    most requests never look at the form (issue 20, P10). Field access as on the form itself.
    """

    def __init__(self, search_form):
        self._search_form = search_form
        self._form = None

    def _built(self):
        if self._form is None:
            self._form = self._search_form.refresh()
        return self._form

    def __getitem__(self, name):
        return self._built()[name]

    def __contains__(self, name):
        return name in self._built()

    def __iter__(self):
        return iter(self._built())

    def __getattr__(self, name):
        return getattr(self._built(), name)


def list_page(view, **kwargs):
    """FAB's `BaseCRUDView._list` (its order, page and filter arguments, list widget, page history,
    search widget), with the search form built lazily (`LazySearchForm`)."""
    name = type(view).__name__
    order_column, order_direction = get_order_args().get(name) or ("", "")
    page = get_page_args().get(name)
    page_size = get_page_size_args().get(name)
    get_filter_args(view._filters)
    widgets = view._get_list_widget(
        filters=view._filters,
        order_column=order_column,
        order_direction=order_direction,
        page=page,
        page_size=page_size,
        **kwargs,
    )
    form = LazySearchForm(view.search_form)
    view.update_redirect()
    return view._get_search_widget(form=form, widgets=widgets)


def list_widgets(view, filters, actions=None, order_column="", order_direction="", page=None,
                 page_size=None, widgets=None, **kwargs):
    """FAB's list widget of `view`, with a capped page size and list-only formatters."""
    widgets = widgets or {}
    actions = actions or view.actions
    try:
        page_size = min(max(int(page_size or view.page_size), 1), view.max_page_size)
        page = max(int(page or 0), 0)
    except (TypeError, ValueError):
        page_size, page = view.page_size, 0
    if not order_column and view.base_order:
        order_column, order_direction = view.base_order
    if order_column and order_column not in (view.order_columns or []) and (
        not view.base_order or order_column != view.base_order[0]
    ):
        order_column, order_direction = view.base_order or ("", "")
    joined_filters = filters.get_joined_filters(view._base_filters)
    count, rows = view.datamodel.query(
        joined_filters, order_column, order_direction, page=page, page_size=page_size,
    )
    pks = [view._serialize_pk_if_composite(pk) for pk in view.datamodel.get_keys(rows)]
    widgets["list"] = view.list_widget(  # cells, links: worked out once per page (list_rows.py)
        label_columns=view.label_columns,
        include_columns=view.list_columns,
        cells=list_cells(view),
        links=record_links(type(view).__name__, pks, filters),
        order_links=order_links(type(view).__name__, view.order_columns or ()),
        rows_html=rows_html,
        value_columns=row_values(view.datamodel, rows, view.list_columns),
        order_columns=view.order_columns,
        formatters_columns={**view.formatters_columns, **(view.list_formatters or {})},
        page=page,
        page_size=page_size,
        count=count,
        pks=pks,
        actions=actions,
        filters=filters,
        modelview_name=type(view).__name__,
        **kwargs,
    )
    return widgets
