"""Document files: server-made keys, size and checksum, no path tricks (QUALITY S12)."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest

from app.models import Document
from app.models.enums import DocumentType
from app.services.documents import DocumentFileMissing, create_document, document_path, open_document, storage_root
from tests.factories import make_customer


@pytest.mark.rule("S12")
def test_stored_file_round_trips_with_size_and_checksum(app_ctx):
    customer = make_customer()
    data = "Rechnung für Müller & Söhne – Januar\n".encode()
    document = create_document(customer_id=customer.id, doc_type=DocumentType.INVOICE, title="Rechnung",
                               filename="../../etc/passwd", mime_type="application/pdf", data=data,
                               document_date=date(2026, 1, 31))
    assert document.size_bytes == len(data)
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    path = document_path(document)
    assert storage_root() in path.parents and "passwd" not in str(path)
    with open_document(document) as handle:
        assert handle.read() == data


@pytest.mark.rule("S12")
@pytest.mark.parametrize("key", ["../secret", "ab/cd/../../x", "/etc/passwd", "", "AB/CD/EF", "ab/cd"])
def test_foreign_storage_keys_are_refused(app_ctx, key):
    with pytest.raises(DocumentFileMissing):
        document_path(Document(storage_key=key))


@pytest.mark.rule("R7")
def test_missing_file_is_reported_not_crashed(app_ctx):
    document = Document(storage_key="ab/cd/abcdef0123456789")
    with pytest.raises(DocumentFileMissing):
        open_document(document)
