"""The invoice list's rows, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/invoices.html (which
calls `invoice_rows`): labels and link parts once per page, every value escaped (catalogue
texts trusted, their variables escaped, as Jinja's `_()` does), amounts and dates through
app.i18n, the state through template_globals.invoice_state.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day_formatter, money_formatter
from app.views.row_html import catalogue_text, catalogue_texts, joined, url_around_id
from app.views.template_globals import invoice_state

ROW = ('\n      \n      <tr class="invoice-row" data-invoice="{7}">\n'
       '        <td data-label="{0}" class="invoice-number">{7}</td>\n'
       '        <td data-label="{1}" class="text-right text-nowrap invoice-amount"><strong>{8}</strong></td>\n'
       '        <td data-label="{2}" class="text-nowrap">\n          {9}\n        </td>\n'
       '        <td data-label="{3}" class="text-nowrap">{10}</td>\n'
       '        <td data-label="{4}" class="text-nowrap">{11} – {12}</td>\n'
       '        <td data-label="{5}" class="text-nowrap invoice-due">{13}</td>\n'
       '        <td data-label="{6}">{14}</td>\n      </tr>\n    ')
LABELS = ("Invoice number", "Amount", "Invoice (PDF)", "Invoice date", "Billing period", "Due date", "Status")
DOWNLOAD = ('\n          <a href="{0}/{1}/{2}" class="document-download invoice-download"><i class="fa fa-download" '
            'aria-hidden="true"></i> {3}<span class="sr-only"> {4}</span></a>\n          ')


def invoice_rows(rows) -> Markup:
    """The `<tbody>` content of the invoice table; `rows` are services.portal.invoices.InvoiceRow."""
    labels = catalogue_texts(LABELS)
    prefix, suffix = url_around_id("PortalInvoiceView.download")
    download, sr_text = catalogue_text("Download"), catalogue_text("Invoice %(number)s")
    pdf_follows = '<span class="text-muted">{}</span>'.format(catalogue_text("PDF follows"))
    day, money = day_formatter(), money_formatter()
    days = {}  # invoices share their dates (periods, due days): each distinct one written once per table

    def day_text(value):
        text = days.get(value)
        if text is None:
            text = days[value] = escape(day(value))
        return text

    parts = ["\n    "]
    for row in rows:
        invoice = row.invoice
        number = escape(invoice.invoice_number)
        pdf = DOWNLOAD.format(prefix, row.document_id, suffix, download, sr_text % {"number": invoice.invoice_number}) \
            if row.document_id else pdf_follows
        parts.append(ROW.format(
            *labels, number, escape(money(invoice.gross_amount)), pdf, day_text(invoice.invoice_date),
            day_text(invoice.period_start), day_text(invoice.period_end), day_text(invoice.due_date),
            invoice_state(row.state),
        ))
    return joined(parts)
