"""Staff upload documents and invoice files (R-BO-3, R-INV-2, R-DOC-1, QUALITY S12).

An upload is checked before anything is stored: size (MAX_UPLOAD_BYTES), type
by content (a PDF starts with `%PDF-`; an EVN CSV is UTF-8 text), the links
(contract, order, invoice) belong to the chosen customer and fit the document
type. Then the file is stored under a server-made key with its size and SHA-256
(`app.services.documents`) and its row committed in one transaction: if the
commit fails the file is removed again, so there is never a file without a row
or a row without a file.
"""
from __future__ import annotations

import re
from datetime import date
from typing import BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Contract, Customer, Document, Invoice, Order
from app.models.enums import CONTRACT_DOCUMENT_TYPES, DocumentType
from app.services.documents import create_document, discard_stored
from app.services.errors import Invalid, ServiceError

PDF_MAGIC = b"%PDF-"
PDF, CSV = "application/pdf", "text/csv"
EVN_TYPES = (DocumentType.EVN_PDF, DocumentType.EVN_CSV)


class StorageFailed(ServiceError):
    """The file could not be written; nothing was stored."""


def max_upload_bytes() -> int:
    """The configured limit (MAX_UPLOAD_BYTES, also Flask's MAX_CONTENT_LENGTH)."""
    return int(current_app.config.get("MAX_CONTENT_LENGTH") or 10 * 1024 * 1024)


def upload_limit_mb() -> str:
    """The limit in MB as the user's locale writes it (e.g. "10" or "0,5")."""
    from flask_babel import format_decimal

    return format_decimal(max_upload_bytes() / (1024 * 1024), format="#,##0.##")


def expected_type(doc_type: DocumentType) -> str:
    """The one MIME type a document type is stored as."""
    return CSV if doc_type is DocumentType.EVN_CSV else PDF


def read_limited(stream: BinaryIO, limit: int) -> bytes:
    """At most `limit` bytes of `stream`; Invalid when there are more (or none)."""
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise Invalid(_l("The file is larger than %(size)s MB.", size=upload_limit_mb()))
    if not data:
        raise Invalid(_l("The file is empty."))
    return data


def content_errors(doc_type: DocumentType, data: bytes) -> list[str]:
    """Whether the bytes are what the type says: checked by content, never by the file name."""
    if expected_type(doc_type) == PDF:
        if not data.startswith(PDF_MAGIC):
            return [str(_l("%(type)s needs a PDF file; the file sent is not a PDF.", type=doc_type.label))]
        return []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [str(_l("An itemised call record (CSV) must be a UTF-8 text file."))]
    if "\x00" in text or data.startswith(PDF_MAGIC):
        return [str(_l("An itemised call record (CSV) must be a UTF-8 text file."))]
    return []


def offered_filename(raw: str | None, doc_type: DocumentType) -> str:
    """The name the download offers: the uploader's base name, cleaned, with the stored type's extension.

    It is only ever shown (the file lives under a server-made key, S12).
    """
    name = re.split(r"[\\/]", raw or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|*?:]", "", name).strip(" .")
    extension = ".csv" if expected_type(doc_type) == CSV else ".pdf"
    stem = name[:-4] if name.lower().endswith(extension) else name
    stem = (stem or doc_type.value)[:180]
    return stem + extension


def link_errors(customer: Customer | None, doc_type: DocumentType | None, contract: Contract | None,
                order: Order | None, invoice: Invoice | None) -> list[str]:
    """The customer, type and links must fit together (each link belongs to the customer)."""
    errors: list[str] = []
    if customer is None:
        errors.append(str(_l("Please choose the customer.")))
    if doc_type is None:
        errors.append(str(_l("Please choose the document type.")))
    for related, label in ((contract, _l("Contract")), (order, _l("Order")), (invoice, _l("Invoice"))):
        if related is not None and customer is not None and related.customer_id != customer.id:
            errors.append(str(_l("The selected %(field)s belongs to another customer.", field=label)))
    if doc_type is DocumentType.INVOICE and invoice is None:
        errors.append(str(_l("An invoice PDF needs the invoice it belongs to.")))
    if doc_type in EVN_TYPES and contract is None:
        errors.append(str(_l("An itemised call record needs its contract.")))
    if doc_type in CONTRACT_DOCUMENT_TYPES and contract is None and order is None:
        errors.append(str(_l("A contract document needs its contract or order.")))
    return errors


def upload_document(*, customer: Customer | None, doc_type: DocumentType | None, title: str | None,
                    stream: BinaryIO | None, filename: str | None, document_date: date | None = None,
                    contract: Contract | None = None, order: Order | None = None,
                    invoice: Invoice | None = None, released: bool = True, title_en: str | None = None) -> Document:
    """Check everything, then store the file and commit its row together; raise Invalid listing what is wrong."""
    errors = link_errors(customer, doc_type, contract, order, invoice)
    title = (title or "").strip()
    if not title:
        errors.append(str(_l("Please enter a title.")))
    data = b""
    if stream is None:
        errors.append(str(_l("Please choose the file.")))
    else:
        try:
            data = read_limited(stream, max_upload_bytes())
        except Invalid as exc:
            errors += exc.messages
    if data and doc_type is not None:
        errors += content_errors(doc_type, data)
    if errors:
        db.session.rollback()
        raise Invalid(*errors)
    try:
        document = create_document(
            customer_id=customer.id, doc_type=doc_type, title=title[:200], title_en=(title_en or "").strip()[:200] or None,
            filename=offered_filename(filename, doc_type), mime_type=expected_type(doc_type), data=data,
            document_date=document_date or date.today(), contract=contract, order=order, invoice=invoice,
            released=bool(released),
        )
    except OSError:
        db.session.rollback()
        current_app.logger.exception("Could not store an uploaded document")
        raise StorageFailed(_l("The file could not be stored. Please try again.")) from None
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard_stored(document.storage_key)
        raise
    return document
