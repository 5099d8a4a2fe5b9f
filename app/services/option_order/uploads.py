"""Files uploaded in the wizard: address proofs and signed porting forms (R-WIZ-2, QUALITY S12).

Checked before anything is stored: the size limit (MAX_UPLOAD_BYTES) and the type
by content (PDF, JPEG or PNG by their first bytes, never by name or the browser's
claim). The file is stored under a server-made key outside the web root; the row
belongs to the draft, so only its owner can reference it. On submit it becomes a
contract document (R-DOC-2).
"""
from __future__ import annotations

import re
from typing import BinaryIO

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from app.extensions import db
from app.models import DraftUpload
from app.models.enums import DocumentType
from app.services.documents import discard_stored, store_bytes
from app.services.errors import Invalid
from app.services.portal.plain import current_rows
from app.services.uploads import max_upload_bytes, read_limited

from . import drafts

# The two kinds of upload the wizard asks for.
UPLOAD_TYPES = (DocumentType.ADDRESS_PROOF, DocumentType.SIGNED_PORTING_FORM)
# First bytes of the accepted formats, and the extension a download offers.
SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) of a PDF, JPEG or PNG by its content; None for anything else."""
    for magic, mime, extension in SIGNATURES:
        if data.startswith(magic):
            return mime, extension
    return None


def offered_name(raw: str | None, extension: str, doc_type: DocumentType) -> str:
    """The name a download offers: the uploader's base name, cleaned, with the real type's extension."""
    name = re.split(r"[\\/]", raw or "")[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"<>|*?:]", "", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return (stem or doc_type.value)[:180] + extension


def attach(customer, user, draft_id, doc_type, stream: BinaryIO | None, filename: str | None) -> DraftUpload:
    """Check and store one file for the draft (committed); Invalid (field `file`) names what is wrong."""
    draft = drafts.load(customer, user, draft_id)
    if doc_type not in UPLOAD_TYPES:
        raise drafts.invalid({"doc_type": [_l("Please choose what the file is: address proof or porting form.")]})
    if stream is None:
        raise drafts.invalid({"file": [_l("Please choose the file.")]})
    try:
        data = read_limited(stream, max_upload_bytes())
    except Invalid as exc:
        raise drafts.invalid({"file": exc.messages}) from None
    kind = sniff(data)
    if kind is None:
        raise drafts.invalid({"file": [_l("Please upload a PDF, JPEG or PNG file; the file sent is none of these.")]})
    mime, extension = kind
    storage_key, size, sha256 = store_bytes(data)
    upload = DraftUpload(customer_id=customer.id, draft=draft, doc_type=doc_type, storage_key=storage_key,
                         filename=offered_name(filename, extension, doc_type), mime_type=mime,
                         size_bytes=size, sha256=sha256)
    try:
        db.session.add(upload)
        drafts.save(draft, drafts.data_of(draft))
    except Exception:
        db.session.rollback()
        discard_stored(storage_key)
        raise
    return upload


def owned_upload(draft, upload_id, doc_type, files=None):
    """The draft's own upload of this type with that id (a row of `draft_uploads`); None otherwise (another
    draft's id looks absent). `files`: the draft's uploads when the caller has read them already."""
    try:
        ident = int(upload_id)
    except (TypeError, ValueError):
        return None
    files = draft_uploads(draft) if files is None else files
    return next((u for u in files if u.id == ident and u.doc_type is doc_type), None)


# The draft's uploads, built once per process with the customer and draft as bound parameters (issue 20, P10).
_UPLOADS = (select(DraftUpload.id, DraftUpload.doc_type, DraftUpload.filename, DraftUpload.storage_key,
                   DraftUpload.mime_type, DraftUpload.size_bytes, DraftUpload.sha256)
            .where(DraftUpload.customer_id == bindparam("customer_id_"), DraftUpload.draft_id == bindparam("draft_id_"))
            .order_by(DraftUpload.id))


def draft_uploads(draft) -> list:
    """The draft's uploads by id, as rows of the columns above: what step 2 shows, what the checks look up and
    what the submit turns into documents. Nothing is changed through them, so they are read as plain rows (issue
    20, P9), after this session's pending changes (an upload just attached) are flushed (`current_rows`)."""
    return current_rows(_UPLOADS, {"customer_id_": draft.customer_id, "draft_id_": draft.id}).all()
