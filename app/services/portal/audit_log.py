"""The company's own audit log (beyond the manual): the Portal Admin reads and exports it.

Only entries of the signed-in user's company (`tenancy.scoped`), filtered by user, kind and
date range, paged, newest first; the CSV export streams the same filter in chunks. What is
shown: when, who (the username as recorded, a pseudonym for deleted accounts), what (the
action's label and the object), from which IP. The `details` column is never shown: it may
name the carrier's staff or hold notes meant for the back office only.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, EServiceUser
from app.services import audit
from app.services.portal.paging import paginate
from app.services.tenancy import get_owned_or_404, scoped

CSV_CHUNK = 500
CSV_LIMIT = 100_000


@dataclass
class AuditFilter:
    user_id: int | None = None
    action: str | None = None
    date_from: date | None = None
    date_to: date | None = None


def parse_filter(user_raw, action_raw, date_from: date | None, date_to: date | None) -> AuditFilter:
    """The filter from the query string; a user id of another company is a 404 (S1), an unknown kind is "all"."""
    user_id = get_owned_or_404(EServiceUser, user_raw).id if user_raw else None
    action = action_raw if action_raw in audit.ACTION_LABELS else None
    return AuditFilter(user_id=user_id, action=action, date_from=date_from, date_to=date_to)


def _statement(f: AuditFilter):
    statement = scoped(AuditLog)
    if f.user_id is not None:
        statement = statement.where(AuditLog.user_id == f.user_id)
    if f.action:
        statement = statement.where(AuditLog.action == f.action)
    if f.date_from:
        statement = statement.where(AuditLog.occurred_at >= datetime.combine(f.date_from, time.min))
    if f.date_to:
        statement = statement.where(AuditLog.occurred_at < datetime.combine(f.date_to + timedelta(days=1), time.min))
    return statement.order_by(AuditLog.occurred_at.desc(), AuditLog.id.desc())


def entries(f: AuditFilter, page: int):
    return paginate(_statement(f), page)


def user_choices() -> list[tuple[int, str]]:
    """(id, username) of the company's accounts, for the user filter."""
    return [(row.id, row.username) for row in db.session.execute(
        scoped(EServiceUser, EServiceUser.id, EServiceUser.username).order_by(EServiceUser.username))]


def what(entry: AuditLog) -> str:
    label = audit.action_label(entry.action)
    if entry.object_type and entry.object_type != "user":
        return f"{label} ({audit.object_type_label(entry.object_type)} {entry.object_id or ''})".strip()
    return label


CSV_HEADER = ("occurred_at_utc", "username", "action", "what", "client_ip")


def csv_chunks(f: AuditFilter, header_labels):
    """The filtered entries as CSV text, in chunks read from a server-side cursor (P6).

    The statement (and with it the tenant) is fixed now, while the request is bound; the rows
    are read while the response streams.
    """
    statement = _statement(f).limit(CSV_LIMIT).execution_options(yield_per=CSV_CHUNK)
    return _rows_as_csv(statement, header_labels)


def _rows_as_csv(statement, header_labels):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([str(label) for label in header_labels])
    count = 0
    for entry in db.session.scalars(statement):
        writer.writerow([f"{entry.occurred_at:%Y-%m-%d %H:%M:%S}", _safe(entry.username or ""), entry.action,
                         _safe(what(entry)), entry.client_ip or ""])
        count += 1
        if count % CSV_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _safe(value: str) -> str:
    """No spreadsheet formula injection: a cell starting with = + - @ gets a leading apostrophe."""
    return "'" + value if value[:1] in ("=", "+", "-", "@") else value
