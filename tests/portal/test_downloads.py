"""Downloads of invoices, call records and contract documents (R-INV-1/2, R-DOC-1, QUALITY S12):
attachment with a server-made name, the stored MIME type, nosniff, no-store; only released
documents of the right area; a missing or damaged file is a translated 404, never a 500."""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import Document, Invoice
from app.models.enums import DocumentType
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.documents import create_document


def _add_document(app, customer_id, doc_type, mime_type="application/pdf", released=True, data=b"%PDF-1.4\n"):
    with app.app_context():
        links = {}
        if doc_type is DocumentType.INVOICE:  # an invoice PDF belongs to its invoice (as the back office demands)
            links["invoice"] = Invoice(customer_id=customer_id, invoice_number=f"R-DL-{customer_id}-{released}",
                                       invoice_date=date(2026, 11, 2), period_start=date(2026, 10, 1),
                                       period_end=date(2026, 10, 31), net_amount=10, tax_amount=1.9,
                                       gross_amount=11.9, due_date=date(2026, 11, 16))
        document = create_document(customer_id=customer_id, doc_type=doc_type, title=f"Dok {doc_type.value}",
                                   filename="../../Kunde Upload.exe", mime_type=mime_type, data=data,
                                   document_date=date(2026, 11, 2), released=released, **links)
        db.session.commit()
        return document.id


def _assert_safe_download(response, mime_type, name, disposition="attachment"):
    assert response.status_code == 200
    assert response.mimetype == mime_type
    assert response.headers["Content-Disposition"] == f"{disposition}; filename={name}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.rule("R-INV-2")
@pytest.mark.parametrize("doc_type, mime_type, extension", [
    (DocumentType.INVOICE, "application/pdf", "pdf"),
    (DocumentType.EVN_PDF, "application/pdf", "pdf"),
    (DocumentType.EVN_CSV, "text/csv", "csv"),
])
def test_billing_downloads(app, world, signed_in, doc_type, mime_type, extension):
    a = world["a"]
    doc_id = _add_document(app, a.customer_id, doc_type, mime_type)
    for role in (PORTAL_ADMIN, ACCOUNTING):
        client = signed_in(a.users[role])
        listing = client.get(f"/portal/invoices/?type={doc_type.value}").get_data(as_text=True)
        assert f"/portal/invoices/{doc_id}/download" in listing
        response = client.get(f"/portal/invoices/{doc_id}/download")
        _assert_safe_download(response, mime_type, f"{doc_type.value}_2026-11-02_{doc_id}.{extension}")
        assert response.data.startswith(b"%PDF")
    assert signed_in(a.users[PBX_ADMIN]).get(f"/portal/invoices/{doc_id}/download").status_code == 403


@pytest.mark.rule("R-INV-2")
def test_the_filter_defaults_to_invoices_and_ignores_odd_types(app, world, signed_in):
    a = world["a"]
    invoice_doc, evn_csv, contract_doc = a.ids["document"]
    client = signed_in(a.users[ACCOUNTING])
    for query in ("", "?type=", "?type=bogus", f"?type={DocumentType.ORDER_CONFIRMATION.value}", "?type[]=x"):
        html = client.get(f"/portal/invoices/{query}").get_data(as_text=True)
        assert f"/{invoice_doc}/download" in html and f"/{evn_csv}/download" not in html, query
        assert f"/{contract_doc}/download" not in html, query


@pytest.mark.rule("R-DOC-1")
def test_contract_documents_view_inline_and_download(app, world, signed_in):
    a = world["a"]
    contract_doc = a.ids["document"][2]
    sepa = _add_document(app, a.customer_id, DocumentType.SEPA_MANDATE)
    client = signed_in(a.users[PORTAL_ADMIN])
    listing = client.get(f"/portal/documents/?type={DocumentType.SEPA_MANDATE.value}").get_data(as_text=True)
    assert f"/portal/documents/{sepa}/view" in listing and f"/portal/documents/{contract_doc}/view" not in listing
    _assert_safe_download(client.get(f"/portal/documents/{sepa}/view"), "application/pdf",
                          f"sepa_mandate_2026-11-02_{sepa}.pdf", disposition="inline")
    _assert_safe_download(client.get(f"/portal/documents/{sepa}/download"), "application/pdf",
                          f"sepa_mandate_2026-11-02_{sepa}.pdf")
    # Billing documents are not contract documents, and the reverse.
    assert client.get(f"/portal/documents/{a.ids['document'][0]}/download").status_code == 404
    assert client.get(f"/portal/invoices/{sepa}/download").status_code == 404
    assert signed_in(a.users[ACCOUNTING]).get(f"/portal/documents/{sepa}/download").status_code == 403


@pytest.mark.rule("S12")
def test_a_non_pdf_is_never_shown_inline(app, world, signed_in):
    a = world["a"]
    doc_id = _add_document(app, a.customer_id, DocumentType.SIGNED_ORDER, "text/html", data=b"<script>x</script>")
    response = signed_in(a.users[PORTAL_ADMIN]).get(f"/portal/documents/{doc_id}/view")
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].endswith(f"_{doc_id}.bin")


def test_unreleased_documents_are_not_there(app, world, signed_in):
    a = world["a"]
    hidden_invoice = _add_document(app, a.customer_id, DocumentType.INVOICE, released=False)
    hidden_contract = _add_document(app, a.customer_id, DocumentType.ORDER_CONFIRMATION, released=False)
    client = signed_in(a.users[PORTAL_ADMIN])
    assert f"/{hidden_invoice}/download" not in client.get("/portal/invoices/").get_data(as_text=True)
    assert f"/{hidden_contract}/" not in client.get("/portal/documents/").get_data(as_text=True)
    assert client.get(f"/portal/invoices/{hidden_invoice}/download").status_code == 404
    for action in ("view", "download"):
        assert client.get(f"/portal/documents/{hidden_contract}/{action}").status_code == 404


@pytest.mark.rule("R7")
@pytest.mark.parametrize("damage", ["missing", "bad-key"])
def test_a_missing_file_is_a_translated_404(app, world, signed_in, damage):
    a = world["a"]
    doc_id = a.ids["document"][0]
    with app.app_context():
        document = db.session.get(Document, doc_id)
        if damage == "missing":
            from app.services.documents import document_path

            document_path(document).unlink()
        else:
            document.storage_key = "../../../etc/passwd"
            db.session.commit()
    response = signed_in(a.users[ACCOUNTING]).get(f"/portal/invoices/{doc_id}/download")
    assert response.status_code == 404
    assert "Seite nicht gefunden" in response.get_data(as_text=True)


@pytest.mark.rule("S12")
@pytest.mark.parametrize("probe", [
    "/portal/invoices/..%2F..%2Fetc%2Fpasswd/download", "/portal/invoices/%2e%2e/download",
    "/portal/documents/1%00/view", "/portal/documents/1;2/download", "/portal/invoices/0x1/download",
    "/portal/documents/%20{id}/download",
])
def test_path_probes_are_404(app, world, signed_in, probe):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    assert client.get(probe.format(id=world["a"].ids["document"][2])).status_code == 404
