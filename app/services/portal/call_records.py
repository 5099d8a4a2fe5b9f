"""Itemised call records as a CSV export (R-INV-1/2, QUALITY P6).

The export covers the signed-in customer's calls in a date range, optionally of one
contract, in the EVN format of `app.services.evn` with the contract number in front.
It is streamed in chunks of `CHUNK_ROWS` rows straight from the database cursor
(server-side on PostgreSQL), so a million calls never sit in memory at once.
"""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _

from app.extensions import db
from app.models import CallRecord, Contract
from app.services import audit, evn
from app.services.tenancy import get_owned_or_404, scoped

CHUNK_ROWS = 5_000
# The export form offers a dropdown of contracts up to this many; above it a text field for the
# contract number (a customer can have thousands of contracts: the page must stay small, P2).
CONTRACT_CHOICES_MAX = 100
RETENTION_DAYS = 180  # R-INV-3: nothing older is kept, so the default range covers all there is
CALL_RECORDS_EXPORTED = "call_records_exported"


class InvalidExportFilter(ValueError):
    """The filter cannot be used; the message says why, in the user's language."""


@dataclass(frozen=True)
class ExportFilter:
    date_from: date
    date_to: date
    contract: Contract | None = None

    @property
    def filename(self) -> str:
        """A server-made file name: range and, if chosen, the contract number."""
        scope = f"_{self.contract.contract_number}" if self.contract else ""
        return f"EVN{scope}_{self.date_from:%Y-%m-%d}_{self.date_to:%Y-%m-%d}.csv"


def default_range(today: date) -> tuple[date, date]:
    """Everything still kept: the last 180 days up to today."""
    return today - timedelta(days=RETENTION_DAYS), today


def parse_date(raw: str | None, default: date) -> date:
    """A date from the form: ISO (the browser's date field) or German dd.mm.yyyy; empty is `default`."""
    text = (raw or "").strip()
    if not text:
        return default
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            value = datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if value.year >= 1900:
            return value
    raise InvalidExportFilter(_("“%(value)s” is not a date. Please enter it as DD.MM.YYYY.", value=text[:20]))


def parse_filter(args, today: date) -> ExportFilter:
    """The export filter from query arguments `from`, `to`, `contract` (404 for a contract not the user's)."""
    default_from, default_to = default_range(today)
    date_from = parse_date(args.get("from"), default_from)
    date_to = parse_date(args.get("to"), default_to)
    if date_from > date_to:
        raise InvalidExportFilter(_("The start date must not be after the end date."))
    raw_contract = (args.get("contract") or "").strip()
    if raw_contract:
        return ExportFilter(date_from, date_to, get_owned_or_404(Contract, raw_contract))
    number = (args.get("contract_number") or "").strip()
    return ExportFilter(date_from, date_to, _contract_by_number(number) if number else None)


def _contract_by_number(number: str) -> Contract:
    """The customer's contract with this number, typed into the form; another customer's is "no such contract"."""
    contract = db.session.scalar(scoped(Contract).where(Contract.contract_number == number.upper()[:20]))
    if contract is None:
        raise InvalidExportFilter(_("You have no contract with the number “%(number)s”.", number=number[:20]))
    return contract


def contract_choices(limit: int | None = None) -> list[tuple[int, str]] | None:
    """(id, contract number) of the customer's contracts that have call records, for the form's dropdown.

    None when there are more than `limit` (default CONTRACT_CHOICES_MAX): the form then asks for the
    contract number instead.
    """
    limit = CONTRACT_CHOICES_MAX if limit is None else limit
    has_calls = scoped(CallRecord, CallRecord.id).where(CallRecord.contract_id == Contract.id).exists()
    statement = (scoped(Contract, Contract.id, Contract.contract_number)
                 .where(has_calls).order_by(Contract.contract_number).limit(limit + 1))
    rows = [(row.id, row.contract_number) for row in db.session.execute(statement)]
    return None if len(rows) > limit else rows


def record_export(user, export: ExportFilter) -> None:
    """Audit the export (call records are personal data) and commit before streaming starts."""
    details = f"{export.date_from:%Y-%m-%d}..{export.date_to:%Y-%m-%d}"
    if export.contract:
        details += f" {export.contract.contract_number}"
    audit.record(CALL_RECORDS_EXPORTED, user, object_type="customer", object_id=str(user.customer_id),
                 details=details)
    db.session.commit()


def csv_chunks(export: ExportFilter) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks: BOM and header first, then `CHUNK_ROWS` calls per chunk.

    The statement and header are made now, in the request; the rows are read as the
    response is sent (wrap the iterator in `stream_with_context`). The database hands over
    plain values (no ORM objects, no per-value result processing) through a server-side
    cursor where there is one; `evn.EvnFormatter` writes a chunk's lines with one f-string
    per call, every date, duration and amount formatted once per export.
    """
    start = datetime.combine(export.date_from, datetime.min.time())
    end = datetime.combine(export.date_to + timedelta(days=1), datetime.min.time())
    statement = (
        scoped(CallRecord, evn.raw(Contract.contract_number), *evn.evn_values())
        .select_from(CallRecord)
        .join(Contract, Contract.id == CallRecord.contract_id)
        .where(CallRecord.started_at >= start, CallRecord.started_at < end)
        .order_by(CallRecord.started_at, CallRecord.id)
    )
    if export.contract is not None:
        statement = statement.where(CallRecord.contract_id == export.contract.id)
    header = [_("Contract"), *evn.evn_header()]
    return _stream(statement, header)


def _stream(statement, header: list[str]) -> Iterator[bytes]:
    buffer = io.StringIO()
    evn.csv_writer(buffer).writerow(header)
    yield (evn.CSV_BOM + buffer.getvalue()).encode("utf-8")
    formatter = evn.EvnFormatter()
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        # pysqlite reads rows from the database as they are fetched: plain tuples straight from the
        # DBAPI cursor, without a Row object per call (a quarter of the export's time at 1,000,000).
        result = connection.execute(statement)
        chunks = iter(lambda: result.cursor.fetchmany(CHUNK_ROWS), [])
    else:  # a server-side cursor, CHUNK_ROWS rows per round trip
        result = connection.execute(statement.execution_options(yield_per=CHUNK_ROWS))
        chunks = result.partitions()
    try:
        for rows in chunks:
            yield formatter.csv_lines(rows).encode("utf-8")
    finally:
        result.close()
