"""Itemised calls as a streamed CSV export (R-INV-1/2, QUALITY P6, S1, S12).

The export holds exactly the signed-in customer's calls of the chosen range (and
contract), in the EVN format; bad dates are a translated message, never a 500; another
customer's contract is a 404; only Portal Admin and Accounting may export; each export
is audited.
"""
from __future__ import annotations

import csv
import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, CallRecord
from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN, SALES
from app.services.portal import call_records

URL = "/portal/invoices/call-records.csv"
HEADER_DE = "Vertrag;Datum;Uhrzeit;Anschluss;Ziel;Dauer;Zone;Betrag EUR"
HEADER_EN = "Contract;Date;Time of day;Line;Destination;Duration;Zone;Amount EUR"
TODAY = date.today()


def _calls(app, tenant, contract_index, days_ago, count, callee_prefix):
    with app.app_context():
        contract_id = tenant.ids["contract"][contract_index]
        for n in range(count):
            started = datetime.combine(TODAY - timedelta(days=days_ago), datetime.min.time()) + timedelta(
                hours=8, minutes=n, seconds=5)
            db.session.add(CallRecord(customer_id=tenant.customer_id, contract_id=contract_id, started_at=started,
                                      caller="+4921112345", callee=f"{callee_prefix}{n:03d}",
                                      duration_seconds=65 + n, zone="Festnetz national",
                                      charge=Decimal("0.0125") * (n + 1), created_at=started))
        db.session.commit()


@pytest.fixture
def calls(app, world):
    a, b = world["a"], world["b"]
    _calls(app, a, 0, 3, 3, "+49301")      # trunk, in the default range
    _calls(app, a, 1, 10, 2, "+49302")     # cloud.phone contract
    _calls(app, a, 0, 200, 1, "+49309")    # older than the default range
    _calls(app, b, 0, 3, 4, "+49399")      # the other customer
    return world


def _lines(response) -> list[str]:
    body = response.get_data()
    assert body.startswith("\ufeff".encode()), "BOM for German spreadsheet programs"
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    return text.split("\r\n")[:-1]


def _rows(lines: list[str]) -> list[list[str]]:
    return list(csv.reader(lines, delimiter=";"))


def _contract_number(app, contract_id):
    from app.models import Contract

    with app.app_context():
        return db.session.get(Contract, contract_id).contract_number


@pytest.mark.rule("R-INV-2")
def test_export_streams_exactly_the_customers_calls_of_the_default_range(app, calls, signed_in):
    a = calls["a"]
    trunk = _contract_number(app, a.ids["contract"][0])
    for role in (PORTAL_ADMIN, ACCOUNTING):
        response = signed_in(a.users[role]).get(URL)
        assert response.status_code == 200
        assert response.is_streamed
        assert response.mimetype == "text/csv"
        start = TODAY - timedelta(days=180)
        assert response.headers["Content-Disposition"] == f'attachment; filename="EVN_{start}_{TODAY}.csv"'
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in response.headers["Cache-Control"]
        lines = _lines(response)
        assert lines[0] == HEADER_DE
        assert len(lines) == 6, lines
        assert not any("+49399" in line or "+49309" in line for line in lines)
        rows = _rows(lines[1:])
        # Oldest first; German formats: dd.mm.yyyy, m:ss, decimal comma to four places.
        assert [row[4] for row in rows] == ["+49302000", "+49302001", "+49301000", "+49301001", "+49301002"]
        day = TODAY - timedelta(days=3)
        assert rows[2] == [trunk, f"{day:%d.%m.%Y}", "08:00:05", "+4921112345", "+49301000", "1:05",
                           "Festnetz national", "0,0125"]


@pytest.mark.rule("R-INV-2")
def test_range_and_contract_filters(app, calls, signed_in):
    a = calls["a"]
    client = signed_in(a.users[ACCOUNTING])
    old = TODAY - timedelta(days=200)
    rows = _rows(_lines(client.get(f"{URL}?from={old:%d.%m.%Y}&to={old.isoformat()}"))[1:])
    assert len(rows) == 1 and rows[0][4] == "+49309000"
    trunk = a.ids["contract"][0]
    response = client.get(f"{URL}?contract={trunk}")
    number = _contract_number(app, trunk)
    assert f"EVN_{number}_" in response.headers["Content-Disposition"]
    rows = _rows(_lines(response)[1:])
    assert len(rows) == 3 and all(row[0] == number for row in rows)


def test_free_text_is_quoted_so_columns_stay_in_place(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        db.session.add(CallRecord(customer_id=a.customer_id, contract_id=a.ids["contract"][0],
                                  started_at=datetime.combine(TODAY, datetime.min.time()), caller="+49211",
                                  callee="+4930", duration_seconds=5, zone='Ausland; "Zone 2"',
                                  charge=Decimal("1.5"), created_at=datetime.combine(TODAY, datetime.min.time())))
        db.session.commit()
    lines = _lines(signed_in(a.users[PORTAL_ADMIN]).get(URL))
    assert _rows(lines[1:])[0][5:] == ["0:05", 'Ausland; "Zone 2"', "1,5000"]


@pytest.mark.rule("S1")
def test_another_customers_contract_is_not_found_and_not_audited(app, calls, signed_in):
    a, b = calls["a"], calls["b"]
    client = signed_in(a.users[PORTAL_ADMIN])
    for raw in (b.ids["contract"][0], b.ids["contract"][1], "x", "-1", "99999999999", "1e3"):
        assert client.get(f"{URL}?contract={raw}").status_code == 404, raw
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == call_records.CALL_RECORDS_EXPORTED)) \
            is None


@pytest.mark.rule("R7")
@pytest.mark.parametrize("query, message", [
    ("from=gestern", "ist kein Datum"),
    ("to=31.02.2026", "ist kein Datum"),
    ("from=0001-01-01", "ist kein Datum"),
    ("from=2026-11-02&to=2026-11-01", "Das Anfangsdatum darf nicht nach dem Enddatum liegen."),
])
def test_bad_dates_say_what_is_wrong(app, calls, signed_in, query, message):
    client = signed_in(calls["a"].users[PORTAL_ADMIN])
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/invoices/?type=evn_csv")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert message in page
    assert 'id="call-record-export"' in page


@pytest.mark.rule("R-INV-1")
def test_only_portal_admin_and_accounting_may_export(app, calls, signed_in):
    a = calls["a"]
    assert signed_in(a.users[PBX_ADMIN]).get(URL).status_code == 403
    assert signed_in(calls["staff"][SALES]).get(URL).status_code == 404
    anonymous = app.test_client()
    response = anonymous.get(URL)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_each_export_is_audited(app, calls, signed_in):
    a = calls["a"]
    signed_in(a.users[ACCOUNTING]).get(f"{URL}?from=2026-01-01&to=2026-12-31").get_data()
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == call_records.CALL_RECORDS_EXPORTED))
        assert entry.username == a.users[ACCOUNTING]
        assert entry.customer_id == a.customer_id
        assert entry.details == "2026-01-01..2026-12-31"


@pytest.mark.rule("P6")
def test_rows_arrive_in_chunks_from_the_cursor(app, calls, signed_in, monkeypatch):
    monkeypatch.setattr(call_records, "CHUNK_ROWS", 2)
    response = signed_in(calls["a"].users[PORTAL_ADMIN]).get(URL, buffered=False)
    chunks = list(response.response)
    response.close()
    # BOM + header, then 5 calls in chunks of 2.
    assert [chunk.count(b"\r\n") for chunk in chunks] == [1, 2, 2, 1]
    assert b"".join(chunks).count(b"\r\n") == 6


@pytest.mark.rule("R-INV-2", "S1")
def test_the_form_shows_on_call_record_types_with_own_contracts_only(app, calls, signed_in):
    a, b = calls["a"], calls["b"]
    client = signed_in(a.users[ACCOUNTING])
    assert 'id="call-record-export"' not in client.get("/portal/invoices/").get_data(as_text=True)
    page = client.get("/portal/invoices/?type=evn_pdf").get_data(as_text=True)
    assert 'id="call-record-export"' in page
    assert "Einzelverbindungen als CSV exportieren" in page
    for contract_id in a.ids["contract"]:
        assert f'<option value="{contract_id}">{_contract_number(app, contract_id)}</option>' in page
    for contract_id in b.ids["contract"]:
        assert _contract_number(app, contract_id) not in page


def test_the_header_follows_the_language(app, calls, signed_in):
    client = signed_in(calls["a"].users[PORTAL_ADMIN])
    client.get("/lang/en")
    assert _lines(client.get(URL))[0] == HEADER_EN


def test_the_contract_dropdown_is_bounded(app, calls, signed_in, monkeypatch):
    """A customer can have thousands of contracts: above CONTRACT_CHOICES_MAX the form asks for the number."""
    a = calls["a"]
    client = signed_in(a.users[ACCOUNTING])
    assert call_records.CONTRACT_CHOICES_MAX == 100
    monkeypatch.setattr(call_records, "CONTRACT_CHOICES_MAX", 1)  # a has calls on two contracts
    page = client.get("/portal/invoices/?type=evn_csv").get_data(as_text=True)
    form = page[page.index('id="call-record-export"'):page.index("</form>", page.index('id="call-record-export"'))]
    assert '<select name="contract"' not in form and "<option" not in form
    assert 'name="contract_number"' in form and "Vertragsnummer (leer: alle Verträge)" in form
    monkeypatch.setattr(call_records, "CONTRACT_CHOICES_MAX", 2)
    assert '<select name="contract"' in client.get("/portal/invoices/?type=evn_csv").get_data(as_text=True)


@pytest.mark.rule("R-INV-2")
def test_export_by_contract_number(app, calls, signed_in):
    a, b = calls["a"], calls["b"]
    client = signed_in(a.users[ACCOUNTING])
    number = _contract_number(app, a.ids["contract"][0])
    response = client.get(f"{URL}?contract_number={number.lower()}")
    rows = _rows(_lines(response)[1:])
    assert len(rows) == 3 and all(row[0] == number for row in rows)
    assert client.get(f"{URL}?contract_number=").status_code == 200  # empty: every contract
    for unknown in (_contract_number(app, b.ids["contract"][0]), "V0000000"):
        response = client.get(f"{URL}?contract_number={unknown}")
        assert response.status_code == 302 and "type=evn_csv" in response.headers["Location"], unknown
        flashed = client.get(response.headers["Location"]).get_data(as_text=True)
        assert f"Du hast keinen Vertrag mit der Nummer „{unknown}“." in flashed
        assert "EVN_" not in flashed
    with app.app_context():
        audited = db.session.scalars(select(AuditLog).where(AuditLog.action == call_records.CALL_RECORDS_EXPORTED))
        assert len(audited.all()) == 2  # the two exports that ran


@pytest.mark.rule("R-INV-2")
def test_a_bad_date_stands_at_its_field_with_what_was_typed(app, calls, signed_in):
    """R-INV-2: back on the list, the export form shows the typed values and the error at the date field
    (aria-invalid, aria-describedby); the next visit shows the fresh form again."""
    client = signed_in(calls["a"].users[PORTAL_ADMIN])
    response = client.get(f"{URL}?from=gestern&to=2026-11-01")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    start = re.search(r'<input[^>]*id="export-from"[^>]*>', page).group(0)
    assert 'value="gestern"' in start and 'aria-invalid="true"' in start
    assert 'aria-describedby="export-from-error"' in start
    assert "ist kein Datum" in re.search(r'id="export-from-error"[^>]*>(.*?)</p>', page, re.S).group(1)
    end = re.search(r'<input[^>]*id="export-to"[^>]*>', page).group(0)
    assert 'value="2026-11-01"' in end and "aria-invalid" not in end
    fresh = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "ist kein Datum" not in fresh and 'value="gestern"' not in fresh


@pytest.mark.rule("R-INV-2", "R-ORD-1")
def test_the_filters_keep_the_choice(app, calls, signed_in):
    """R-INV-2, R-ORD-1: the chosen type and status stay selected; an unknown value shows everything."""
    client = signed_in(calls["a"].users[PORTAL_ADMIN])
    page = client.get("/portal/invoices/?type=evn_pdf").get_data(as_text=True)
    assert re.search(r'<option selected value="evn_pdf">', page)
    assert re.search(r'<option selected value="invoice">', client.get("/portal/invoices/?type=x").get_data(
        as_text=True)), "R-INV-2: invoices by default"
    orders = client.get("/portal/orders/?status=offer_created&sort=-number").get_data(as_text=True)
    assert re.search(r'<option selected value="offer_created">', orders)
    assert re.search(r'<input[^>]*name="sort"[^>]*value="-number"', orders)
    assert client.get("/portal/orders/?status=nonsense").status_code == 200
