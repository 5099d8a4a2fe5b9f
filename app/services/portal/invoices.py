"""The customer's invoices (R-INV-1/2): number, date, period, amount, due date, state and the PDF.

The list reads invoices, not documents: an invoice is shown with its amount and due date
even before its PDF is stored. One page costs three statements whatever its length
(a count, the page, the PDFs of the page's invoices; QUALITY P5).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func

from app.extensions import db
from app.models import Document, Invoice
from app.models.enums import DocumentType, InvoiceState
from app.services.tenancy import scoped
from app.services.portal.paging import Page, paginate


@dataclass(frozen=True)
class InvoiceRow:
    invoice: Invoice
    state: InvoiceState
    document_id: int | None  # the released invoice PDF to download, if stored


def list_invoices(page: int, today: date) -> Page:
    """One page of the customer's invoices, newest first, each with its state and PDF."""
    result = paginate(scoped(Invoice).order_by(Invoice.invoice_date.desc(), Invoice.id.desc()), page)
    ids = [invoice.id for invoice in result.items]
    pdfs = {}
    if ids:
        pdfs = dict(db.session.execute(
            scoped(Document, Document.invoice_id, func.max(Document.id))
            .where(Document.invoice_id.in_(ids), Document.doc_type == DocumentType.INVOICE,
                   Document.released.is_(True))
            .group_by(Document.invoice_id)).all())
    result.items = [InvoiceRow(invoice, invoice.state(today), pdfs.get(invoice.id)) for invoice in result.items]
    return result
