"""The portal's ticket list: every open ticket, the last ten closed ones, the support flag (R-TIC-4)."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.models import Contract, Ticket
from app.models.enums import TicketKind, TicketStatus, TicketSubject
from app.security.roles import PBX_ADMIN


def _table(html: str, table_id: str) -> str:
    match = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S)
    assert match, f"no table {table_id}"
    return match.group(0)


def _ticket(customer_id: int, contract: Contract, number: str, status: TicketStatus, **extra) -> Ticket:
    return Ticket(customer_id=customer_id, ticket_number=number, kind=TicketKind.CLAIM, subject=TicketSubject.CONTRACT,
                  contract=contract, title=f"Titel {number}", description="…", status=status, **extra)


@pytest.mark.rule("R-TIC-4")
def test_open_tickets_and_the_last_ten_closed_with_the_support_flag(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        contract = db.session.get(Contract, a.named["trunk"])
        start = datetime(2026, 1, 1, 9, 0)
        # Twelve closed tickets, closed one day apart: only the ten closed last are listed.
        for day in range(12):
            db.session.add(_ticket(a.customer_id, contract, f"TC{day:02d}", TicketStatus.CLOSED,
                                   closed_at=start + timedelta(days=day)))
        db.session.add(_ticket(a.customer_id, contract, "TOFLAG", TicketStatus.IN_PROGRESS, contact_support=True))
        db.session.commit()

    html = signed_in(a.users[PBX_ADMIN]).get("/portal/tickets/").get_data(as_text=True)

    open_table, closed_table = _table(html, "open-tickets"), _table(html, "closed-tickets")
    assert "TOFLAG" in open_table and "TC" not in open_table
    listed = re.findall(r">(TC\d\d)<", closed_table)
    assert listed == [f"TC{day:02d}" for day in range(11, 1, -1)]  # newest first, TC00 and TC01 left out
    # The flag sits in the row of the flagged ticket only (the world's own open ticket has none).
    rows = re.findall(r"<tr>.*?</tr>", open_table, re.S)
    flagged = [row for row in rows if "fa-flag" in row]
    assert len(flagged) == 1 and "TOFLAG" in flagged[0]
