"""The EVN row format made by the database (app/services/evn.py), on SQLite and PostgreSQL:
German date and time, m:ss durations, the charge to four places with a decimal comma."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import CallRecord
from app.services import evn
from tests.factories import make_contract, make_customer

CASES = [
    # started_at, duration, charge → date, time, duration, charge
    (datetime(2026, 1, 2, 3, 4, 5), 0, Decimal("0"), "02.01.2026", "03:04:05", "0:00", "0,0000"),
    (datetime(2026, 12, 31, 23, 59, 59, 999999), 59, Decimal("0.0125"), "31.12.2026", "23:59:59", "0:59",
     "0,0125"),
    (datetime(2026, 2, 28, 0, 0, 0), 60, Decimal("12.3456"), "28.02.2026", "00:00:00", "1:00", "12,3456"),
    (datetime(2026, 7, 1, 12, 30, 0, 500000), 3599, Decimal("1234.5"), "01.07.2026", "12:30:00", "59:59",
     "1234,5000"),
    (datetime(2026, 7, 1, 12, 31, 0), 7265, Decimal("0.0001"), "01.07.2026", "12:31:00", "121:05", "0,0001"),
]


@pytest.fixture
def records(app):
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer)
        ids = []
        for n, (started, duration, charge, *_expected) in enumerate(CASES):
            record = CallRecord(customer=customer, contract=contract, started_at=started, caller="+4921155501",
                                callee=f"+49301234{n}", duration_seconds=duration, zone="Mobilfunk", charge=charge,
                                created_at=started)
            db.session.add(record)
            db.session.flush()
            ids.append(record.id)
        db.session.commit()
        yield ids


def test_rows_are_formatted_by_the_database_as_the_evn_requires(app, records):
    with app.app_context():
        rows = evn.evn_rows(records)
    expected = [(date, time, "+4921155501", f"+49301234{n}", duration, "Mobilfunk", charge)
                for n, (_s, _d, _c, date, time, duration, charge) in enumerate(CASES)]
    assert rows == sorted(expected, key=lambda row: (row[0][6:], row[0][3:5], row[0][:2], row[1]))


def test_no_ids_no_rows(app):
    with app.app_context():
        assert evn.evn_rows([]) == []


def test_the_header_is_german_by_default(app):
    with app.test_request_context():
        assert evn.evn_header() == ["Datum", "Uhrzeit", "Anschluss", "Ziel", "Dauer", "Zone", "Betrag EUR"]
