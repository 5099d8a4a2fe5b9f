"""The itemised call record (EVN) format, shared by the stored EVN files and the CSV export.

One row per call: date, time, caller, callee, duration, zone, charge. Texts follow
German conventions whatever the page's language (the carrier bills in Germany):
dd.mm.yyyy dates, m:ss durations, decimal commas, the charge to four places as billed.
CSV files are UTF-8 with a BOM, `;` separated with CRLF line ends, so German
spreadsheet programs open them as they are.

The database hands over the raw values (`evn_values`) and Python formats them
(`EvnFormatter`): dates, durations and amounts repeat across calls, so each distinct value is
formatted once per export and looked up after that; an export of a million calls then costs
the worker one f-string per call (QUALITY P6: formatting in SQL with strftime/printf cost the
database twice as much CPU). Stored EVN files and the CSV export use the same formatter.
SQLite and PostgreSQL are supported, as everywhere in the product.
"""
from __future__ import annotations

import csv
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import String, select, type_coerce
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.sqltypes import NullType

from app.extensions import db
from app.models import CallRecord

CSV_BOM = "\ufeff"


def evn_header() -> list[str]:
    """Column titles in the current language."""
    return [_("Date"), _("Time of day"), _("Line"), _("Destination"), _("Duration"), _("Zone"), _("Amount EUR")]


class _EvnText(FunctionElement):
    """A part of a call's start as text, made by the database."""

    type = String()
    inherit_cache = True


class evn_day(_EvnText):  # noqa: N801 - SQL function style
    """The calendar day of a timestamp as YYYY-MM-DD."""

    name = "evn_day"
    inherit_cache = True


class evn_clock(_EvnText):  # noqa: N801
    """The time of day of a timestamp as HH:MM:SS."""

    name = "evn_clock"
    inherit_cache = True


def _arg(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_EvnText)
def _unsupported(element, compiler, **kw):
    raise CompileError(f"EVN formatting is defined for SQLite and PostgreSQL, not {compiler.dialect.name}")


# SQLite keeps a DateTime as text 'YYYY-MM-DD HH:MM:SS.ffffff' (SQLAlchemy's storage format):
# cutting it is far cheaper than strftime, which parses every value.
@compiles(evn_day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    return f"substr({_arg(element, compiler, **kw)}, 1, 10)"


@compiles(evn_day, "postgresql")
def _day_pg(element, compiler, **kw):
    return f"to_char({_arg(element, compiler, **kw)}, 'YYYY-MM-DD')"


@compiles(evn_clock, "sqlite")
def _clock_sqlite(element, compiler, **kw):
    return f"substr({_arg(element, compiler, **kw)}, 12, 8)"


@compiles(evn_clock, "postgresql")
def _clock_pg(element, compiler, **kw):
    return f"to_char({_arg(element, compiler, **kw)}, 'HH24:MI:SS')"


def raw(column):
    """A column as the driver returns it, without SQLAlchemy's per-value result processing."""
    return type_coerce(column, NullType())


def evn_values() -> list:
    """The raw values of a call's EVN row, in header order, as `EvnFormatter` takes them: day
    (YYYY-MM-DD), time of day, caller, callee, duration in seconds, zone, charge."""
    return [evn_day(CallRecord.started_at), evn_clock(CallRecord.started_at), raw(CallRecord.caller),
            raw(CallRecord.callee), raw(CallRecord.duration_seconds), raw(CallRecord.zone),
            raw(CallRecord.charge)]


class _Memo(dict):
    """Texts by value, each made once by `make` on first use."""

    __slots__ = ("_make",)

    def __init__(self, make):
        super().__init__()
        self._make = make

    def __missing__(self, key):
        text = self[key] = self._make(key)
        return text


def _german_date(day: str) -> str:
    return f"{day[8:10]}.{day[5:7]}.{day[:4]}"


def _duration(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _amount(value) -> str:
    # float (SQLite) or Decimal (PostgreSQL) of a Numeric(10, 4): four places, decimal comma.
    if isinstance(value, str):  # SQLite keeps what a raw insert gave it
        value = Decimal(value)
    return f"{value:.4f}".replace(".", ",")


def _quoted(text: str) -> str:
    """Free text in CSV quotes, inner quotes doubled (RFC 4180)."""
    return '"' + text.replace('"', '""') + '"'


class EvnFormatter:
    """Formats raw EVN values (`evn_values`) as the EVN's texts; one instance per file, so its
    memo of dates, durations, amounts and quoted zones lives as long as the file is made."""

    def __init__(self):
        self.dates, self.durations, self.amounts = _Memo(_german_date), _Memo(_duration), _Memo(_amount)
        self.quoted = _Memo(_quoted)

    def rows(self, values) -> list[tuple[str, ...]]:
        """EVN rows (tuples of texts) of raw value rows."""
        dates, durations, amounts = self.dates, self.durations, self.amounts
        return [(dates[day], clock, caller, callee, durations[duration], zone, amounts[charge])
                for day, clock, caller, callee, duration, zone, charge in values]

    def csv_lines(self, values) -> str:
        """CSV lines, each ending in CRLF, of rows of a leading text (the contract number) and the raw
        values; every free-text field is quoted, the formatted ones never need it."""
        dates, durations, amounts, quoted = self.dates, self.durations, self.amounts, self.quoted
        lines = []
        append = lines.append
        for lead, day, clock, caller, callee, duration, zone, charge in values:
            if '"' in caller or '"' in callee:  # rare: double the inner quotes
                caller, callee = caller.replace('"', '""'), callee.replace('"', '""')
            append(f'{quoted[lead]};{dates[day]};{clock};"{caller}";"{callee}";{durations[duration]};'
                   f'{quoted[zone]};{amounts[charge]}\r\n')
        return "".join(lines)


def evn_rows(record_ids) -> list[tuple[str, ...]]:
    """EVN rows of the given (flushed) call records, oldest first — for the stored EVN files."""
    ids = list(record_ids)
    if not ids:
        return []
    statement = select(*evn_values()).where(CallRecord.id.in_(ids)).order_by(CallRecord.started_at,
                                                                              CallRecord.id)
    return EvnFormatter().rows(db.session.execute(statement))


def csv_writer(buffer):
    """A csv writer with the EVN dialect (`;`, CRLF)."""
    return csv.writer(buffer, delimiter=";", lineterminator="\r\n")
