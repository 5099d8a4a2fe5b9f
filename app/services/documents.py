"""Stored document files: invoices, EVN, contract documents (R-INV, R-DOC, QUALITY S12).

Files live under DOCUMENT_STORAGE_DIR by a server-made random `storage_key`
(two-level fan-out, never the user's filename); the Document row keeps what
the download offers (filename, MIME type) and the size and SHA-256 of the
bytes, so a damaged or swapped file is noticed.
"""
from __future__ import annotations

import hashlib
import secrets
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from app.extensions import db
from app.models import Document


class DocumentFileMissing(LookupError):
    """The row exists but its file is not in the storage."""


def storage_root() -> Path:
    """The configured storage directory (created when missing)."""
    root = Path(current_app.config["DOCUMENT_STORAGE_DIR"])
    root.mkdir(parents=True, exist_ok=True)
    return root


def _path_for_key(storage_key: str) -> Path:
    # Keys are made here: "ab/cd/<hex>"; anything else (e.g. "../") is refused.
    parts = (storage_key or "").split("/")
    if len(parts) != 3 or not all(p and all(c in "0123456789abcdef" for c in p) for p in parts):
        raise DocumentFileMissing(storage_key)
    return storage_root().joinpath(*parts)


def store_bytes(data: bytes) -> tuple[str, int, str]:
    """Write `data` under a new random key; return (storage_key, size, sha256)."""
    token = secrets.token_hex(16)
    storage_key = f"{token[:2]}/{token[2:4]}/{token}"
    path = _path_for_key(storage_key)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".part")
    temporary.write_bytes(data)
    temporary.replace(path)
    return storage_key, len(data), hashlib.sha256(data).hexdigest()


def discard_stored(storage_key: str) -> None:
    """Remove a stored file whose row was never committed (no file without its row)."""
    try:
        _path_for_key(storage_key).unlink(missing_ok=True)
    except DocumentFileMissing:
        pass


def document_path(document: Document) -> Path:
    """Where the file of `document` is (whether or not it exists)."""
    return _path_for_key(document.storage_key)


def open_document(document: Document) -> BinaryIO:
    """The file of `document`, opened for reading; DocumentFileMissing when it is gone."""
    try:
        return document_path(document).open("rb")
    except FileNotFoundError:
        raise DocumentFileMissing(document.storage_key) from None


def create_document(*, customer_id: int, doc_type, title: str, filename: str, mime_type: str, data: bytes,
                    document_date, **links) -> Document:
    """Store `data` and add (not commit) its Document row; `links`: contract/order/invoice, released.

    If the row cannot be flushed the file is removed again; a caller whose commit
    fails removes it with `discard_stored(document.storage_key)`.
    """
    storage_key, size, sha256 = store_bytes(data)
    try:
        document = Document(
            customer_id=customer_id, doc_type=doc_type, title=title, filename=filename, mime_type=mime_type,
            storage_key=storage_key, size_bytes=size, sha256=sha256, document_date=document_date, **links,
        )
        db.session.add(document)
        db.session.flush()
    except Exception:
        # The row was refused: do not keep its file either.
        discard_stored(storage_key)
        raise
    return document
