"""The EVN CSV export is byte for byte the manual's format (R-INV-2, QUALITY P6): a golden file
made by the export before it was rewritten for speed, with the values that are easy to get wrong
(quotes and semicolons in free text, umlauts, microseconds before midnight, durations past an hour,
amounts with four places, a credit) and the contract number filled in."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest

from app.extensions import db
from app.models import CallRecord
from app.roles import PORTAL_ADMIN

GOLDEN = Path(__file__).parent / "golden" / "evn_export.csv"
URL = "/portal/invoices/call-records.csv?from=01.03.2026&to=31.03.2026"
CALLS = [
    # started_at, caller, callee, duration, zone, charge
    (datetime(2026, 3, 1, 0, 0, 0), "+4921112345", "+49301234567", 0, "Festnetz national", Decimal("0")),
    (datetime(2026, 3, 1, 8, 5, 9, 500000), "+4921112345", "+491701234567", 59, "Mobilfunk", Decimal("0.0125")),
    (datetime(2026, 3, 2, 12, 0, 0), 'a"b', "x;y", 60, 'Ausland; "Zone 2"', Decimal("1.5")),
    (datetime(2026, 3, 9, 13, 14, 15), "+4921112345", '"', 3599, "Sonderrufnummer Ö", Decimal("1234.5")),
    (datetime(2026, 3, 15, 23, 59, 59, 999999), "", "+44207", 7265, "", Decimal("999999.9999")),
    (datetime(2026, 3, 20, 6, 7, 8), "+4921112345", "+4989", 100_000, "Festnetz national", Decimal("0.0001")),
    (datetime(2026, 3, 31, 23, 59, 59), "+4921112345", "+4930", 61, "Festnetz national", Decimal("-0.5")),
    (datetime(2026, 4, 1, 0, 0, 0), "+4921112345", "+4930", 1, "outside the range", Decimal("1")),
]


@pytest.mark.rule("R-INV-2", "P6")
def test_the_export_is_byte_identical_to_the_golden_file(app, world, signed_in):
    a = world["a"]
    contract_id = a.ids["contract"][0]
    with app.app_context():
        from app.models import Contract

        number = db.session.get(Contract, contract_id).contract_number
        for started, caller, callee, duration, zone, charge in CALLS:
            db.session.add(CallRecord(customer_id=a.customer_id, contract_id=contract_id, started_at=started,
                                      caller=caller, callee=callee, duration_seconds=duration, zone=zone,
                                      charge=charge, created_at=started))
        db.session.commit()
    body = signed_in(a.users[PORTAL_ADMIN]).get(URL).get_data()
    assert body == GOLDEN.read_bytes().replace(b"{contract}", number.encode())
