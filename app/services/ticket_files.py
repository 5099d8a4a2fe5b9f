"""Files sent with a ticket or a reply: PDF, JPEG, PNG or a text log (R-TIC-1, R-TIC-5, QUALITY S12).

The same checks as every upload of the product (`app.services.uploads.read_limited`
for the size limit, `option_order.uploads.sniff` for PDF/JPEG/PNG by their first
bytes), extended by text logs: UTF-8 (or Latin-1) text without control bytes other
than tab, line feed and carriage return, stored as text/plain. Never judged by the
file's name or the browser's claim. Files are stored under server-made keys; the
caller's commit keeps them, `discard` removes them when the transaction fails.
"""
from __future__ import annotations

import re
from typing import BinaryIO, Iterable

from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import TicketAttachment
from app.services.documents import discard_stored, store_bytes
from app.services.errors import Invalid
from app.services.option_order.uploads import sniff
from app.services.uploads import max_upload_bytes, read_limited

TEXT = ("text/plain", ".txt")
MAX_FILES = 5
TOO_MANY = _l("Please attach at most %(count)d files.", count=MAX_FILES)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def text_log(data: bytes) -> bool:
    """Plain text: decodes as UTF-8 (else Latin-1) and holds no control bytes but tab and line ends."""
    if data.startswith((b"%PDF-", b"\xff\xd8\xff", b"\x89PNG")):
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
        if any(0x80 <= b <= 0x9f for b in data):
            return False
    return not _CONTROL.search(text)


def kind_of(data: bytes) -> tuple[str, str] | None:
    """(MIME type, extension) by content; None for anything not accepted."""
    return sniff(data) or (TEXT if text_log(data) else None)


def _base_name(raw: str | None) -> str:
    name = re.split(r"[\\/]", raw or "")[-1]
    return re.sub(r"[\x00-\x1f\x7f\"<>|*?:]", "", name).strip(" .")


def offered_name(raw: str | None, extension: str) -> str:
    """The name a download offers: the uploader's base name, cleaned, with the real type's extension.

    A text log keeps its own extension (.log, .txt, .csv) when it has one of those.
    """
    name = _base_name(raw)
    stem, _, ext = name.rpartition(".") if "." in name else (name, "", "")
    if extension == ".txt" and ext.lower() in ("log", "txt", "csv"):
        extension = "." + ext.lower()
    return (stem or "attachment")[:180] + extension


def checked(files: Iterable[tuple[BinaryIO, str | None]]) -> list[tuple[bytes, str, str]]:
    """[(bytes, mime type, offered name)] of the sent files; Invalid naming every file that is refused."""
    files = [(stream, name) for stream, name in files if stream is not None and (name or "").strip()]
    if len(files) > MAX_FILES:
        raise Invalid(TOO_MANY)
    accepted, errors = [], []
    for stream, name in files:
        try:
            data = read_limited(stream, max_upload_bytes())
        except Invalid as exc:
            errors += [f"{_base_name(name)}: {message}" for message in exc.messages]
            continue
        kind = kind_of(data)
        if kind is None:
            errors.append(str(_l("Please attach a PDF, JPEG or PNG file or a text log; \"%(name)s\" is none "
                                 "of these.", name=_base_name(name))))
            continue
        accepted.append((data, kind[0], offered_name(name, kind[1])))
    if errors:
        raise Invalid(*errors)
    return accepted


def store(ticket, comment, files: list[tuple[bytes, str, str]]) -> list[TicketAttachment]:
    """Store the checked files and add their rows to the caller's transaction (no commit)."""
    rows = []
    for data, mime, name in files:
        key, size, sha256 = store_bytes(data)
        row = TicketAttachment(customer_id=ticket.customer_id, ticket=ticket, comment=comment, filename=name,
                               storage_key=key, mime_type=mime, size_bytes=size, sha256=sha256)
        db.session.add(row)
        rows.append(row)
    return rows


def discard(rows: list[TicketAttachment]) -> None:
    """Remove the files of rows whose transaction failed (no file without its row)."""
    for row in rows:
        discard_stored(row.storage_key)


def save_with_files(ticket, comment, files: list[tuple[bytes, str, str]], notify) -> list[TicketAttachment]:
    """Add `comment` with its files, call `notify(stored)` (the outbox email), commit: one transaction.

    A failure anywhere rolls all of it back and removes the files already written (QUALITY R2).
    """
    stored: list[TicketAttachment] = []
    try:
        db.session.add(comment)
        stored = store(ticket, comment, files)
        db.session.flush()
        notify(stored)
        db.session.commit()
    except Exception:
        db.session.rollback()
        discard(stored)
        raise
    return stored
