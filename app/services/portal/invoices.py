"""The customer's invoices (R-INV-1/2): number, date, period, amount, due date, state and the PDF.

The list reads invoices, not documents: an invoice is shown with its amount and due date
even before its PDF is stored. One page costs three statements whatever its length
(a count, and the page with the PDFs of its invoices; QUALITY P5).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from app.models import Document, Invoice
from app.models.enums import DocumentType, InvoiceState
from app.services.portal.paging import KeptPages, Page
from app.services.tenancy import scoped_template, tenant_params


@dataclass(frozen=True)
class InvoiceRow:
    invoice: object  # a row of LIST_COLUMNS: Invoice's names, no ORM entity (issue 20, P9)
    state: InvoiceState
    document_id: int | None  # the released invoice PDF to download, if stored


def list_invoices(page: int, today: date) -> Page:
    """One page of the customer's invoices, newest first, each with its state and PDF."""
    result = _INVOICES.page(tenant_params(), page)
    result.items = [InvoiceRow(row, Invoice.state(row, today), row.pdf) for row in result.items]
    return result


# What the list shows of an invoice, and what its state follows from (`Invoice.state`).
LIST_COLUMNS = (Invoice.id, Invoice.invoice_number, Invoice.invoice_date, Invoice.period_start, Invoice.period_end,
                Invoice.gross_amount, Invoice.due_date, Invoice.paid_on)


# The newest released invoice PDF of each listed invoice, as a column of the page's statement (was a statement
# of its own per page); the document is the customer's too.
_PDF = scoped_template(Document, func.max(Document.id)).where(
    Document.invoice_id == Invoice.id, Document.doc_type == DocumentType.INVOICE, Document.released.is_(True),
).correlate(Invoice).scalar_subquery()
# Built once per process (issue 20); run with tenant_params().
_INVOICES = KeptPages(scoped_template(Invoice, *LIST_COLUMNS, _PDF.label("pdf"))
                      .order_by(Invoice.invoice_date.desc(), Invoice.id.desc()),
                      counted=scoped_template(Invoice, Invoice.id), rows=True)
