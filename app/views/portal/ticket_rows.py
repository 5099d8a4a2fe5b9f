"""The ticket list's rows, rendered in Python (issue 20, P10).

Open tickets come 25 to a page plus the ten last closed ones; as Jinja each row cost some
twenty context look-ups, a badge and a date call through the template runtime. This writes the
same HTML, byte for byte, as the loop it replaces in portal/tickets.html (which calls
`ticket_rows`): the labels, the flag's text and the detail link's start once per table,
every value escaped.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day_formatter
from app.views.row_html import catalogue_text, catalogue_texts, joined, url_before_id
from app.views.template_globals import status_badge

ROW = ('\n      <tr><td data-label="{0}"><a href="{7}{8}">{9}</a></td>\n'
       '        <td data-label="{1}">{10}</td><td data-label="{2}">{11}</td>\n'
       '        <td data-label="{3}">{12}</td>\n'
       '        <td data-label="{4}">{13}</td><td data-label="{5}">{14}</td>\n'
       '        <td data-label="{6}">{15}</td></tr>\n    ')
LABELS = ("Ticket number", "Title", "Kind", "Concerns", "Status", "Created", "Contact support")
FLAG = '<i class="fa fa-flag text-danger" aria-hidden="true" title="{0}"></i><span class="sr-only">{0}</span>'


def ticket_rows(tickets) -> Markup:
    """The `<tbody>` content of a ticket table; `tickets` are rows of `services.portal.tickets.LIST_COLUMNS`."""
    if not tickets:
        return Markup('\n    <tr><td colspan="7">{}</td></tr>').format(catalogue_text("None."))
    labels = catalogue_texts(LABELS)
    show_url = url_before_id("PortalTicketView.show")
    flag = FLAG.format(catalogue_text("Please call our support about this ticket."))
    kinds = {}  # a kind's label (a lazy text) escaped once per table
    statuses = {}  # a status's badge once per table (the page's language is looked up once, issue 20, P9)
    day = day_formatter()
    parts = ["\n    "]
    for ticket in tickets:
        kind = kinds.get(ticket.kind)
        if kind is None:
            kind = kinds[ticket.kind] = escape(ticket.kind.label)
        status = statuses.get(ticket.status)
        if status is None:
            status = statuses[ticket.status] = status_badge(ticket.status)
        concerns = ticket.contract_number if ticket.contract_number is not None else (
            ticket.invoice_number if ticket.invoice_number is not None else "–")
        parts.append(ROW.format(
            *labels, show_url, ticket.id, escape(ticket.ticket_number), escape(ticket.title),
            kind, escape(concerns), status, escape(day(ticket.created_at)),
            flag if ticket.contact_support else "",
        ))
    return joined(parts)
