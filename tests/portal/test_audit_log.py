"""The company's own audit log: only its entries, filters, paging, CSV streamed, never staff-only details."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, EServiceUser
from app.models.mixins import utcnow
from app.roles import ACCOUNTING, PORTAL_ADMIN


def _entry(customer_id, action, username, user_id=None, details=None, days_ago=0):
    db.session.add(AuditLog(customer_id=customer_id, action=action, username=username, user_id=user_id,
                            client_ip="203.0.113.9", details=details,
                            occurred_at=utcnow() - timedelta(days=days_ago)))


@pytest.fixture
def entries(app, world):
    with app.app_context():
        a, b = world["a"].customer_id, world["b"].customer_id
        accounting = db.session.scalar(select(EServiceUser.id).where(
            EServiceUser.username == world["a"].users[ACCOUNTING]))
        _entry(a, "sign_in_failed", world["a"].users[ACCOUNTING], accounting, details="STAFF-ONLY-NOTE", days_ago=3)
        _entry(a, "company_data_changed", world["a"].users[PORTAL_ADMIN], details="by staff.secret")
        _entry(b, "sign_in", "fremder.nutzer.b")
        db.session.commit()
        return accounting


@pytest.mark.rule("S1")
def test_only_own_entries_and_no_details(app, world, signed_in, entries):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    page = client.get("/portal/audit-log/").get_data(as_text=True)
    assert world["a"].users[ACCOUNTING] in page and "203.0.113.9" in page
    assert "fremder.nutzer.b" not in page
    assert "STAFF-ONLY-NOTE" not in page and "staff.secret" not in page


def test_filters_by_user_kind_and_dates_and_a_foreign_user_is_404(app, world, signed_in, entries):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    page = client.get(f"/portal/audit-log/?user={entries}").get_data(as_text=True)
    assert page.count("203.0.113.9") == 1
    page = client.get("/portal/audit-log/?type=company_data_changed").get_data(as_text=True)
    assert page.count("203.0.113.9") == 1
    today = utcnow().date()
    page = client.get(f"/portal/audit-log/?from={today - timedelta(days=1)}&to={today}").get_data(as_text=True)
    assert page.count("203.0.113.9") == 1  # the failed sign-in of three days ago is outside the range
    assert client.get("/portal/audit-log/?from=not-a-date").status_code == 200
    with app.app_context():
        foreign = db.session.scalar(select(EServiceUser.id).where(
            EServiceUser.username == world["b"].users[PORTAL_ADMIN]))
    assert client.get(f"/portal/audit-log/?user={foreign}").status_code == 404
    assert client.get(f"/portal/audit-log/export.csv?user={foreign}").status_code == 404


def test_csv_export_is_streamed_with_the_filter(app, world, signed_in, entries):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    response = client.get("/portal/audit-log/export.csv?type=sign_in_failed")
    assert response.is_streamed and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True)), delimiter=";"))
    assert len(rows) == 2 and rows[1][1] == world["a"].users[ACCOUNTING] and rows[1][2] == "sign_in_failed"
    assert "STAFF-ONLY-NOTE" not in response.get_data(as_text=True)
