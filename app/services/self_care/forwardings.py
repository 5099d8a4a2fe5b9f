"""Failover (ecotel@once) and permanent forwarding as one set per contract (R-SIP-2, R-SIP-3).

The page edits the whole set of a kind: existing rows may be removed or get a new
target, new rows added; the set is checked as a whole (each row by the telephony
rules, no forwarding twice) and then sent as one change. Rows name phone numbers of
the contract only (ids are looked up among the contract's numbers).
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.extensions import db
from app.models import CallForwarding, PhoneNumber
from app.models.enums import ForwardingKind, ForwardingScope, NumberStatus
from app.services import telephony
from app.services.errors import Invalid


@dataclass
class RowInput:
    """One row as entered: `index` names its form row (errors are shown there)."""

    index: int
    scope: str
    phone_number_id: int | None
    extension: str
    target: str
    remove: bool = False

    @property
    def blank(self) -> bool:
        return not (self.target or "").strip() and not (self.extension or "").strip()


def numbers_of(contract) -> list[PhoneNumber]:
    """The contract's numbers a forwarding may name (not removed)."""
    return db.session.scalars(select(PhoneNumber).where(
        PhoneNumber.customer_id == contract.customer_id, PhoneNumber.contract_id == contract.id,
        PhoneNumber.status != NumberStatus.REMOVED).order_by(PhoneNumber.area_code, PhoneNumber.subscriber_number)).all()


def current(contract, kind: str) -> list[CallForwarding]:
    return db.session.scalars(select(CallForwarding).where(
        CallForwarding.customer_id == contract.customer_id, CallForwarding.contract_id == contract.id,
        CallForwarding.kind == ForwardingKind(kind)).order_by(CallForwarding.id)).all()


def as_rows(forwardings) -> list[dict]:
    return [{"scope": f.scope.value, "phone_number_id": f.phone_number_id, "extension": f.extension or "",
             "target": f.target} for f in forwardings]


def row_text(row: dict, numbers: dict[int, PhoneNumber]) -> str:
    """One forwarding in a language-neutral notation: "+49211555010-20 → +492115550199"."""
    number = numbers.get(row["phone_number_id"])
    source = number.e164 if number is not None else "?"
    if row["scope"] == ForwardingScope.BLOCK.value:
        source += "-*"
    elif row["scope"] == ForwardingScope.EXTENSION.value:
        source += f"-{row['extension']}"
    return f"{source} → {row['target']}"


def summary(rows: list[dict], numbers: dict[int, PhoneNumber]) -> str:
    return "; ".join(row_text(row, numbers) for row in rows) or "-"


def check(contract, kind: str, entered: list[RowInput]) -> list[dict]:
    """The new set of rows (normalised: E.164 targets, digits of extensions); Invalid naming each bad field.

    Field names are "rows-<index>-<field>" as the form names them.
    """
    numbers = {n.id: n for n in numbers_of(contract)}
    errors: dict[str, list] = {}
    result: list[dict] = []
    seen: dict[tuple, int] = {}
    for row in entered:
        if row.remove or row.blank:
            continue
        prefix = f"rows-{row.index}-"
        try:
            scope = ForwardingScope(row.scope)
        except ValueError:
            errors.setdefault(prefix + "scope", []).append(_l("Please choose what is forwarded."))
            continue
        number = numbers.get(row.phone_number_id) if row.phone_number_id else None
        if number is None:
            errors.setdefault(prefix + "phone_number_id", []).append(
                _l("Please choose the phone number the forwarding applies to."))
            continue
        forwarding = CallForwarding(kind=ForwardingKind(kind), scope=scope, extension=(row.extension or "").strip()
                                    or None, target=row.target)
        forwarding.phone_number = number
        with db.session.no_autoflush:
            problems = telephony.forwarding_errors(forwarding)
        if forwarding in db.session:
            db.session.expunge(forwarding)
        try:
            telephony.normalise_e164(row.target)
            target_problems = []
        except Invalid as exc:
            target_problems = exc.messages
        other = "extension" if scope is ForwardingScope.EXTENSION else "phone_number_id"
        for text in problems:
            errors.setdefault(prefix + ("target" if text in target_problems else other), []).append(text)
        if problems:
            continue
        key = (scope.value, number.id, forwarding.extension or "")
        if key in seen:
            errors.setdefault(prefix + "extension" if scope is ForwardingScope.EXTENSION else prefix + "phone_number_id",
                              []).append(_l("This forwarding is given twice; please keep one row for it."))
            continue
        seen[key] = row.index
        result.append({"scope": scope.value, "phone_number_id": number.id, "extension": forwarding.extension or "",
                       "target": forwarding.target})
    if errors:
        raise Invalid(fields=errors)
    if result == as_rows(current(contract, kind)):
        raise Invalid(_l("Nothing has changed: the forwardings are as before."))
    return result
