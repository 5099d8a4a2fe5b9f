"""The order list's rows, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/orders.html (which
calls `order_rows`): labels and the detail link's start once per page, every value escaped,
the badge through template_globals.status_badge, dates through app.i18n.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day
from app.views.row_html import catalogue_texts, joined, url_before_id
from app.views.template_globals import status_badge

ROW = ('\n      <tr>\n        <td data-label="{0}"><a href="{6}{7}">{8}</a></td>\n'
       '        <td data-label="{1}">{9}</td>\n        <td data-label="{2}">{10}</td>\n'
       '        <td data-label="{3}">{11}</td>\n        <td data-label="{4}">{12}</td>\n'
       '        <td data-label="{5}">{13}</td>\n      </tr>\n    ')
LABELS = ("Order number", "Kind", "Status", "Contract", "Created", "Completed")


def order_rows(orders) -> Markup:
    """The `<tbody>` content of the order table; `orders` are rows of `services.portal.orders.LIST_COLUMNS`."""
    labels = catalogue_texts(LABELS)
    show_url = url_before_id("PortalOrderView.show")
    kinds = {}  # a kind's label (a lazy text) escaped once per table, not per row
    parts = ["\n    "]
    for order in orders:
        kind = kinds.get(order.kind)
        if kind is None:
            kind = kinds[order.kind] = escape(order.kind.label)
        parts.append(ROW.format(
            *labels, show_url, order.id, escape(order.order_number), kind,
            status_badge(order.status), escape(order.contract_number if order.contract_number is not None else "–"),
            escape(day(order.created_at)), escape(day(order.completed_at)),
        ))
    return joined(parts)
