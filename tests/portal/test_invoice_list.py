"""The invoice list (R-INV-1/2, issue 17 point 5): number, date, period, amount, due date, state, PDF.

Amount and download follow the number, each cell labelled for the phone layout (data-label).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Invoice
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN


def _headings(html: str) -> list[str]:
    table = html[html.index('id="invoice-list"'):html.index("</thead>", html.index('id="invoice-list"'))]
    return [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]


def _row(html: str, number: str) -> list[tuple[str, str]]:
    """(data-label, text) of each cell of the invoice's row."""
    start = html.index(f'data-invoice="{number}"')
    row = html[start:html.index("</tr>", start)]
    return [(label, " ".join(re.sub(r"<[^>]+>", " ", text).split()))
            for label, text in re.findall(r'<td data-label="([^"]+)"[^>]*>(.*?)</td>', row, re.S)]


def _number(app, tenant) -> str:
    with app.app_context():
        return db.session.scalar(select(Invoice.invoice_number).where(Invoice.customer_id == tenant.customer_id))


def test_columns_and_values_in_german_and_english(app, world, signed_in):
    a = world["a"]
    number = _number(app, a)
    client = signed_in(a.users[ACCOUNTING])
    html = client.get("/portal/invoices/").get_data(as_text=True)
    assert _headings(html) == ["Rechnungsnummer", "Betrag", "Rechnung (PDF)", "Rechnungsdatum", "Leistungszeitraum",
                               "Fällig am", "Status"]
    cells = _row(html, number)
    assert cells == [
        ("Rechnungsnummer", number), ("Betrag", "119,00 €"), ("Rechnung (PDF)", f"Herunterladen Rechnung {number}"),
        ("Rechnungsdatum", "01.10.2026"), ("Leistungszeitraum", "01.09.2026 – 30.09.2026"),
        ("Fällig am", "15.10.2026"), ("Status", "Überfällig"),
    ]
    assert f'href="/portal/invoices/{a.named["invoice_doc"]}/download"' in html

    client.get("/lang/en")
    html = client.get("/portal/invoices/").get_data(as_text=True)
    assert _headings(html) == ["Invoice number", "Amount", "Invoice (PDF)", "Invoice date", "Billing period",
                               "Due date", "Status"]
    assert [text for _, text in _row(html, number)][1:] == [
        "€119.00", f"Download Invoice {number}", "Oct 1, 2026", "Sep 1, 2026 – Sep 30, 2026", "Oct 15, 2026",
        "Overdue"]


def test_states_and_an_invoice_whose_pdf_is_not_stored_yet(app, world, signed_in):
    a = world["a"]
    number = _number(app, a)
    with app.app_context():
        db.session.scalar(select(Invoice).where(Invoice.invoice_number == number)).paid_on = date(2026, 10, 12)
        db.session.add(Invoice(customer_id=a.customer_id, invoice_number="R-NEU", invoice_date=date.today(),
                               period_start=date(2026, 10, 1), period_end=date(2026, 10, 31), net_amount=1000,
                               tax_amount=190, gross_amount=1190, due_date=date.today() + timedelta(days=14)))
        db.session.commit()
    html = signed_in(a.users[PORTAL_ADMIN]).get("/portal/invoices/").get_data(as_text=True)
    assert dict(_row(html, number))["Status"] == "Bezahlt"
    fresh = dict(_row(html, "R-NEU"))
    assert fresh["Status"] == "Offen" and fresh["Betrag"] == "1.190,00 €" and fresh["Rechnung (PDF)"] == "PDF folgt"
    # Newest first.
    assert html.index('data-invoice="R-NEU"') < html.index(f'data-invoice="{number}"')


def test_other_document_types_keep_the_document_list(app, world, signed_in):
    a = world["a"]
    html = signed_in(a.users[ACCOUNTING]).get("/portal/invoices/?type=evn_csv").get_data(as_text=True)
    assert 'id="invoice-list"' not in html and f'/portal/invoices/{a.named["evn_csv"]}/download' in html


def test_only_portal_admin_and_accounting_see_invoices(app, world, signed_in):
    """R-INV-1."""
    a, b = world["a"], world["b"]
    assert signed_in(a.users[PBX_ADMIN]).get("/portal/invoices/").status_code == 403
    html = signed_in(a.users[PORTAL_ADMIN]).get("/portal/invoices/").get_data(as_text=True)
    assert _number(app, b) not in html
