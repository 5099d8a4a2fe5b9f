"""Invoices, call records (R-INV-1..2) and contract documents (R-DOC-1) of the signed-in customer."""
from __future__ import annotations

from sqlalchemy.orm import joinedload

from app.models import Document
from app.models.enums import BILLING_DOCUMENT_TYPES, CONTRACT_DOCUMENT_TYPES, DocumentType
from app.services.errors import NotFound
from app.services.portal.paging import Page, paginate, with_contract_number
from app.services.tenancy import get_owned_or_404, scoped

PORTAL_CONTRACT_TYPES = tuple(CONTRACT_DOCUMENT_TYPES)


def parse_type(raw, allowed, default=None):
    """The document type chosen in the filter, if it is one of `allowed`."""
    for doc_type in allowed:
        if raw == doc_type.value:
            return doc_type
    return default


def list_documents(allowed, doc_type: DocumentType | None, page: int) -> Page:
    statement = (
        scoped(Document)
        .where(Document.released.is_(True), Document.doc_type.in_(allowed))
        .options(with_contract_number(Document.contract), joinedload(Document.invoice))
        .order_by(Document.document_date.desc(), Document.id.desc())
    )
    if doc_type is not None:
        statement = statement.where(Document.doc_type == doc_type)
    return paginate(statement, page)


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
