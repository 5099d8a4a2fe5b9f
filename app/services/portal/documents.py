"""Invoices, call records (R-INV-1..2) and contract documents (R-DOC-1) of the signed-in customer."""
from __future__ import annotations

from functools import lru_cache

from app.models import Contract, Document, Invoice
from app.models.enums import BILLING_DOCUMENT_TYPES, CONTRACT_DOCUMENT_TYPES, DocumentType
from app.services.errors import NotFound
from app.services.portal.paging import KeptPages, Page
from app.services.tenancy import get_owned_or_404, scoped_template, tenant_params

PORTAL_CONTRACT_TYPES = tuple(CONTRACT_DOCUMENT_TYPES)


def parse_type(raw, allowed, default=None):
    """The document type chosen in the filter, if it is one of `allowed`."""
    for doc_type in allowed:
        if raw == doc_type.value:
            return doc_type
    return default


def list_documents(allowed, doc_type: DocumentType | None, page: int) -> Page:
    """One page of the customer's released documents of the `allowed` types (or of `doc_type`), newest first;
    the items are rows of the shown columns (DocumentRow: id, date, title, title_en, type, mime type, size,
    contract number, invoice number)."""
    return _kept_list(tuple(allowed), doc_type).page(tenant_params(), page)


@lru_cache(maxsize=None)
def _kept_list(allowed: tuple, doc_type: DocumentType | None) -> KeptPages:
    """The list's statements for one filter, built once per process (issue 20, P10); no customer's data:
    the customer comes with tenant_params() on each request (S1)."""
    counted = scoped_template(Document, Document.id).where(Document.released.is_(True), Document.doc_type.in_(allowed))
    if doc_type is not None:
        counted = counted.where(Document.doc_type == doc_type)
    shown = counted.with_only_columns(
        Document.id, Document.document_date, Document.title, Document.title_en, Document.doc_type,
        Document.mime_type, Document.size_bytes, Contract.contract_number, Invoice.invoice_number,
    ).outerjoin(Contract, Contract.id == Document.contract_id).outerjoin(Invoice, Invoice.id == Document.invoice_id) \
        .order_by(Document.document_date.desc(), Document.id.desc())
    return KeptPages(shown, counted=counted, rows=True)


def owned_document(raw_id, allowed) -> Document:
    """A released document of the customer of one of the `allowed` types, else NotFound (404)."""
    document = get_owned_or_404(Document, raw_id)
    if not document.released or document.doc_type not in allowed:
        raise NotFound()
    return document


def download_name(document: Document) -> str:
    """A server-made file name: type, date, id and the stored extension (never the uploader's name)."""
    extension = {"application/pdf": "pdf", "text/csv": "csv", "image/jpeg": "jpg",
                 "image/png": "png"}.get(document.mime_type, "bin")
    return f"{document.doc_type.value}_{document.document_date:%Y-%m-%d}_{document.id}.{extension}"


__all__ = ["BILLING_DOCUMENT_TYPES", "PORTAL_CONTRACT_TYPES", "list_documents", "owned_document", "parse_type",
           "download_name"]
