"""Sending a stored file (contract document, invoice, ticket attachment) to a browser (QUALITY S12).

One place for the portal and the back office: a server-made download name, the stored
MIME type, `nosniff`, never cached; a row whose file is gone is a 404, not a 500.
"""
from __future__ import annotations

from flask import Response, abort, send_file

from app.services.documents import DocumentFileMissing, open_document


def send_stored(row, *, as_attachment: bool, name: str) -> Response:
    """The file of `row` (anything with a storage key and `mime_type`) under the name `name`."""
    try:
        handle = open_document(row)
    except DocumentFileMissing:
        abort(404)
    response = send_file(handle, mimetype=row.mime_type, as_attachment=as_attachment, download_name=name,
                         max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def ticket_file_name(row) -> str:
    """A ticket attachment's download name: the ticket and file ids, the uploaded file's extension."""
    extension = row.filename.rsplit(".", 1)[-1] if "." in row.filename else "bin"
    return f"ticket_{row.ticket_id}_{row.id}.{extension}"
