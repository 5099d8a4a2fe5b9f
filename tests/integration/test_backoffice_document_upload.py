"""Service uploads documents and invoice files in the back office (R-BO-3, R-INV-2, R-DOC-1, QUALITY S12).

Size limit MAX_UPLOAD_BYTES (413 above it), type checked by content (PDF magic
bytes; an EVN CSV is UTF-8 text), stored under a server-made key with size and
SHA-256, file and row in one transaction: a refused upload leaves neither.
"""
from __future__ import annotations

import hashlib
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Document, Invoice
from app.models.enums import DocumentType
from app.security.roles import SALES, SERVICE
from app.services.errors import Invalid
from tests.factories import make_contract, make_customer
from tests.integration.backoffice_forms import flashes, form_data, staff_client

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
CSV = "\ufeffDatum;Uhrzeit;Rufnummer;Ziel;Dauer;Zone;Betrag\n05.01.2026;10:00;+49211;+4930;1:01;Festnetz;0,02\n"


@pytest.fixture
def world(app):
    with app.app_context():
        customer, other = make_customer(), make_customer()
        contract = make_contract(customer)
        foreign = make_contract(other)
        invoice = Invoice(customer_id=customer.id, invoice_number="R9000001", invoice_date=date(2026, 2, 1),
                          period_start=date(2026, 1, 1), period_end=date(2026, 1, 31), net_amount=100,
                          tax_amount=19, gross_amount=119, due_date=date(2026, 2, 15))
        db.session.add(invoice)
        db.session.commit()
        return {"customer": customer.id, "contract": contract.id, "foreign": foreign.id, "invoice": invoice.id}


@pytest.fixture
def service_client(app, client, login):
    return staff_client(app, client, login, SERVICE, "service-upload")


def _stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENT_STORAGE_DIR"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Document.id)))


def _post(client, world, data: bytes, filename="Rechnung Januar.pdf", **fields):
    values = dict(doc_type="invoice", customer=str(world["customer"]), contract="", order="",
                  invoice=str(world["invoice"]), title="Rechnung Januar 2026", document_date="2026-02-01",
                  released="y")
    values.update(fields)
    form = form_data(client, "/documents/add", **values)
    form["file"] = (io.BytesIO(data), filename)
    return client.post("/documents/add", data=form, content_type="multipart/form-data")


@pytest.mark.rule("R-BO-3", "S12")
def test_service_uploads_an_invoice_pdf(app, service_client, world):
    """R-BO-3, S12: stored under a server-made key with size and SHA-256; the row links the invoice."""
    before = _stored_files(app)
    response = _post(service_client, world, PDF, filename="../../etc/Rechnung Januar.pdf")
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert (document.doc_type, document.customer_id, document.invoice_id) == (
            DocumentType.INVOICE, world["customer"], world["invoice"])
        assert document.mime_type == "application/pdf" and document.released is True
        assert document.size_bytes == len(PDF) and document.sha256 == hashlib.sha256(PDF).hexdigest()
        assert document.filename == "Rechnung Januar.pdf"
        key = document.storage_key
    added = [p for p in _stored_files(app) if p not in before]
    assert len(added) == 1 and added[0].read_bytes() == PDF
    assert key.endswith(added[0].name) and "Rechnung" not in key and ".." not in key


@pytest.mark.rule("S12")
def test_an_evn_csv_is_utf8_text(app, service_client, world):
    response = _post(service_client, world, CSV.encode("utf-8"), filename="evn.csv", doc_type="evn_csv",
                     contract=str(world["contract"]), invoice="", title="EVN Januar 2026")
    assert response.status_code == 302, flashes(response.get_data(as_text=True))
    with app.app_context():
        document = db.session.scalar(select(Document))
        assert document.mime_type == "text/csv" and document.filename == "evn.csv"


@pytest.mark.rule("S12", "R7")
@pytest.mark.parametrize("data, fields, message", [
    (CSV.encode(), {}, "kein PDF"),  # an invoice must be a PDF, whatever the file is called
    (b"GIF89a\x01\x00\x01\x00\x00\xff\x00", {}, "kein PDF"),
    (PDF, dict(doc_type="evn_csv", contract="1", invoice=""), "UTF-8"),
    ("Datum;Uhrzeit\n".encode("utf-16"), dict(doc_type="evn_csv", contract="1", invoice=""), "UTF-8"),
    (b"", {}, "leer"),
])
def test_wrong_types_are_refused_by_content(app, service_client, world, data, fields, message):
    """S12, R7: the type is checked by content; a refused upload stores neither file nor row."""
    if fields.get("contract") == "1":
        fields["contract"] = str(world["contract"])
    before_files, before_rows = _stored_files(app), _count(app)
    response = _post(service_client, world, data, **fields)
    assert response.status_code == 422
    assert any(message in text for text in flashes(response.get_data(as_text=True))), \
        flashes(response.get_data(as_text=True))
    assert _stored_files(app) == before_files and _count(app) == before_rows


@pytest.mark.parametrize("fields, message", [
    (dict(invoice=""), "Rechnung"),
    (dict(doc_type="evn_pdf", invoice=""), "Vertrag"),
    (dict(doc_type="signed_order", invoice=""), "Vertrag oder"),
    (dict(doc_type="order_confirmation", invoice="", contract="foreign"), "anderen Kunden"),
])
def test_links_must_fit_the_type_and_the_customer(app, service_client, world, fields, message):
    """S1: a document never links another customer's contract; each type has the links it needs."""
    if fields.get("contract") == "foreign":
        fields["contract"] = str(world["foreign"])
    before = _stored_files(app)
    response = _post(service_client, world, PDF, **fields)
    assert response.status_code == 422
    assert any(message in text for text in flashes(response.get_data(as_text=True)))
    assert _count(app) == 0 and _stored_files(app) == before


@pytest.mark.rule("S12")
def test_oversized_upload_is_413_and_stores_nothing(app, service_client, world):
    """S12: above MAX_UPLOAD_BYTES the request is refused with 413 (translated page)."""
    limit, before = app.config["MAX_CONTENT_LENGTH"], _stored_files(app)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    try:
        response = _post(service_client, world, PDF + b"0" * (100 * 1024))
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "Datei zu groß" in response.get_data(as_text=True)
    assert _count(app) == 0 and _stored_files(app) == before


@pytest.mark.rule("S12")
def test_the_service_reads_no_more_than_the_limit(app_ctx, world):
    """S12: a stream larger than the limit is refused by the service too (e.g. a chunked body)."""
    from app.models import Customer
    from app.services.uploads import upload_document

    before = _stored_files(app_ctx)
    app_ctx.config["MAX_CONTENT_LENGTH"], limit = 1024, app_ctx.config["MAX_CONTENT_LENGTH"]
    try:
        with pytest.raises(Invalid) as refused:
            upload_document(customer=db.session.get(Customer, world["customer"]), doc_type=DocumentType.INVOICE,
                            title="Zu groß", stream=io.BytesIO(PDF + b"0" * 2048), filename="x.pdf",
                            invoice=db.session.get(Invoice, world["invoice"]))
    finally:
        app_ctx.config["MAX_CONTENT_LENGTH"] = limit
    assert "größer als" in str(refused.value)
    assert _stored_files(app_ctx) == before


def test_a_row_that_cannot_be_written_leaves_no_file(app_ctx, world):
    """No stored file without its row: the flush fails (no document type), the file is removed again."""
    from sqlalchemy.exc import IntegrityError

    from app.services.documents import create_document

    before = _stored_files(app_ctx)
    with pytest.raises(IntegrityError):
        create_document(customer_id=world["customer"], doc_type=None, title="Kaputt", filename="x.pdf",
                        mime_type="application/pdf", data=PDF, document_date=date(2026, 1, 1))
    db.session.rollback()
    assert _stored_files(app_ctx) == before


@pytest.mark.rule("R-BO-3")
def test_only_service_and_admin_may_upload(app, client, login, world):
    """R-BO-3: Service uploads; Sales have no document permissions at all."""
    sales = staff_client(app, client, login, SALES, "sales-upload")
    response = sales.get("/documents/add")
    assert response.status_code != 200 or "model_form" not in response.get_data(as_text=True)
    with app.app_context():
        sm = app.appbuilder.sm
        service = sm.find_role(SERVICE)
        assert sm.exist_permission_on_roles("DocumentView", "can_add", [service.id])
        assert not sm.exist_permission_on_roles("DocumentView", "can_add", [sm.find_role(SALES).id])
