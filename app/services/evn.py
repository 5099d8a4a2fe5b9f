"""The itemised call record (EVN) format, shared by the stored EVN files and the CSV export.

One row per call: date, time, caller, callee, duration, zone, charge. Texts follow
German conventions whatever the page's language (the carrier bills in Germany):
dd.mm.yyyy dates, m:ss durations, decimal commas, the charge to four places as billed.
CSV files are UTF-8 with a BOM, `;` separated with CRLF line ends, so German
spreadsheet programs open them as they are.

The database formats the rows (`evn_columns`): an export of a million calls then costs
the worker no per-value Python work, and every EVN — demo file or export — is made by the
same expressions. SQLite and PostgreSQL are supported, as everywhere in the product.
"""
from __future__ import annotations

import csv

from flask_babel import gettext as _
from sqlalchemy import String, func, literal_column, select
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.extensions import db
from app.models import CallRecord

CSV_BOM = "\ufeff"


def evn_header() -> list[str]:
    """Column titles in the current language."""
    return [_("Date"), _("Time of day"), _("Line"), _("Destination"), _("Duration"), _("Zone"), _("Amount EUR")]


class _EvnText(FunctionElement):
    """A value of a call formatted as EVN text by the database."""

    type = String()
    inherit_cache = True


class evn_date(_EvnText):  # noqa: N801 - SQL function style
    name = "evn_date"
    inherit_cache = True


class evn_time(_EvnText):  # noqa: N801
    name = "evn_time"
    inherit_cache = True


class evn_duration(_EvnText):  # noqa: N801
    name = "evn_duration"
    inherit_cache = True


class evn_charge(_EvnText):  # noqa: N801
    name = "evn_charge"
    inherit_cache = True


def _arg(element, compiler, **kw) -> str:
    return compiler.process(element.clauses, **kw)


@compiles(_EvnText)
def _unsupported(element, compiler, **kw):
    raise CompileError(f"EVN formatting is defined for SQLite and PostgreSQL, not {compiler.dialect.name}")


@compiles(evn_date, "sqlite")
def _date_sqlite(element, compiler, **kw):
    return f"strftime('%d.%m.%Y', {_arg(element, compiler, **kw)})"


@compiles(evn_date, "postgresql")
def _date_pg(element, compiler, **kw):
    return f"to_char({_arg(element, compiler, **kw)}, 'DD.MM.YYYY')"


@compiles(evn_time, "sqlite")
def _time_sqlite(element, compiler, **kw):
    return f"strftime('%H:%M:%S', {_arg(element, compiler, **kw)})"


@compiles(evn_time, "postgresql")
def _time_pg(element, compiler, **kw):
    return f"to_char({_arg(element, compiler, **kw)}, 'HH24:MI:SS')"


@compiles(evn_duration, "sqlite")
def _duration_sqlite(element, compiler, **kw):
    value = _arg(element, compiler, **kw)
    return f"(({value}) / 60) || ':' || printf('%02d', ({value}) % 60)"


@compiles(evn_duration, "postgresql")
def _duration_pg(element, compiler, **kw):
    value = _arg(element, compiler, **kw)
    # mod(), not %: psycopg2 reads a bare % as a parameter marker.
    return f"(({value}) / 60)::text || ':' || lpad(mod({value}, 60)::text, 2, '0')"


@compiles(evn_charge, "sqlite")
def _charge_sqlite(element, compiler, **kw):
    return f"replace(printf('%.4f', {_arg(element, compiler, **kw)}), '.', ',')"


@compiles(evn_charge, "postgresql")
def _charge_pg(element, compiler, **kw):
    return f"replace(to_char({_arg(element, compiler, **kw)}, 'FM999999990.0000'), '.', ',')"


def evn_columns() -> list:
    """The EVN row of a call as SQL expressions over `CallRecord`, in header order."""
    return [evn_date(CallRecord.started_at), evn_time(CallRecord.started_at), CallRecord.caller,
            CallRecord.callee, evn_duration(CallRecord.duration_seconds), CallRecord.zone,
            evn_charge(CallRecord.charge)]


def _text(sql: str):
    return literal_column(sql, String)


def _quoted(expression):
    """A free-text field in CSV quotes, inner quotes doubled (RFC 4180)."""
    return _text("'\"'") + func.replace(expression, '"', '""') + _text("'\"'")


def evn_csv_line(contract_number):
    """The whole CSV line of a call (without line end) as one SQL expression: the contract
    number, then the EVN row. Free text is quoted; the formatted values never need it.

    One string per call instead of eight keeps the worker's share of a large export small
    (QUALITY P6); the fields are those of `evn_columns`, so the files agree.
    """
    date, time, caller, callee, duration, zone, charge = evn_columns()
    fields = [_quoted(contract_number), date, time, _quoted(caller), _quoted(callee), duration, _quoted(zone),
              charge]
    line = fields[0]
    for field in fields[1:]:
        line = line + _text("';'") + field
    return line


def evn_rows(record_ids) -> list[tuple[str, ...]]:
    """EVN rows of the given (flushed) call records, oldest first — for the stored EVN files."""
    ids = list(record_ids)
    if not ids:
        return []
    statement = select(*evn_columns()).where(CallRecord.id.in_(ids)).order_by(CallRecord.started_at,
                                                                               CallRecord.id)
    return [tuple(row) for row in db.session.execute(statement)]


def csv_writer(buffer):
    """A csv writer with the EVN dialect (`;`, CRLF)."""
    return csv.writer(buffer, delimiter=";", lineterminator="\r\n")
