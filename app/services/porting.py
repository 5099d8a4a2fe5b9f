"""The porting tracker (issue 13 part 7, beyond the original manual, where customers had to call the hotline).

Each porting item of an order (a single number or a block, `NumberOrderKind.PORT_*`) carries one
state, set by Service in the back office:

    form received → submitted to the current provider → date confirmed → ported
    (any open state) → rejected, with a reason → form received again (a corrected form came in)

Ported is final (no jump back); a confirmed date is required for "date confirmed" and may be
moved by confirming again; a rejection needs its reason. The state lives on the item rather
than in a table per number: the losing carrier answers one porting request as a whole (one
date or one rejection for a number, or for a block with its extension range), so a per-number
state would only repeat the item's. Every change is one transaction: the compare-and-set
update (two clicks at once change it once), the audit entry and an email to each active
Portal Admin of the customer through the outbox.

Portal reads (`contract_portings`) go through `app/services/tenancy.py`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import EServiceUser, Order, OrderItem
from app.models.enums import Channel, NumberOrderKind, UserStatus
from app.models.porting_state import PortingState as S
from app.models.mixins import utcnow
from app.roles import PORTAL_ADMIN
from app.services import audit
from app.services.errors import Invalid, NotFound
from app.services.notifications import queue, recipient_locale
from app.services.notifications.messages import render_message
from app.services.tenancy import parse_id, scoped_template, tenant_params

PORTING_KINDS = (NumberOrderKind.PORT_BLOCK, NumberOrderKind.PORT_SINGLE)
STATE_CHANGED = "porting_state_changed"
REASON_MAX = 500
OPEN = (S.FORM_RECEIVED, S.SUBMITTED, S.DATE_CONFIRMED)

# Where each state may go next; ported is final.
TRANSITIONS: dict[S, frozenset[S]] = {
    S.FORM_RECEIVED: frozenset({S.SUBMITTED, S.REJECTED}),
    S.SUBMITTED: frozenset({S.DATE_CONFIRMED, S.REJECTED}),
    S.DATE_CONFIRMED: frozenset({S.DATE_CONFIRMED, S.PORTED, S.REJECTED}),
    S.REJECTED: frozenset({S.FORM_RECEIVED}),
    S.PORTED: frozenset(),
}


@dataclass(frozen=True)
class Change:
    """What a state change did, for the view's message."""

    item: OrderItem
    before: S
    after: S


def next_states(state: S | None) -> list[S]:
    """The states a porting item in `state` may move to, in the tracker's order."""
    allowed = TRANSITIONS.get(state, frozenset())
    return [s for s in S if s in allowed]


def _porting_item(raw_id) -> OrderItem:
    item = db.session.scalar(
        select(OrderItem).where(OrderItem.id == parse_id(raw_id), OrderItem.porting_state.isnot(None))
        .options(selectinload(OrderItem.order).selectinload(Order.contract))
    )
    if item is None:
        raise NotFound()
    return item


def _check(item: OrderItem, state: S, confirmed_date: date | None, reason: str | None) -> tuple[date | None, str | None]:
    """The new state's date and reason, checked; Invalid (by form field) when the change breaks a rule."""
    current = item.porting_state
    if state not in TRANSITIONS.get(current, frozenset()):
        if current is S.PORTED:
            raise Invalid(fields={"state": [_l("The number is ported; its porting state can no longer change.")]})
        raise Invalid(fields={"state": [_l("A porting in state \"%(current)s\" cannot move to \"%(state)s\".",
                                           current=current.label, state=state.label)]})
    reason = (reason or "").strip()
    if state is S.REJECTED:
        if not reason:
            raise Invalid(fields={"reason": [_l("Please enter why the current provider rejected the porting.")]})
        if len(reason) > REASON_MAX:
            raise Invalid(fields={"reason": [_l("Please keep the reason within %(max)s characters.",
                                                max=REASON_MAX)]})
        return item.porting_confirmed_date, reason
    ordered_on = item.order.created_at.date() if item.order and item.order.created_at else None
    if state is S.DATE_CONFIRMED:
        if confirmed_date is None:
            raise Invalid(fields={"confirmed_date": [_l("Please enter the porting date the current provider "
                                                        "confirmed.")]})
    if confirmed_date is not None and ordered_on is not None and confirmed_date < ordered_on:
        raise Invalid(fields={"confirmed_date": [_l("The porting date cannot be before the order (%(date)s).",
                                                    date=ordered_on.isoformat())]})
    if state is S.PORTED:
        return confirmed_date or item.porting_confirmed_date, None
    if state is S.DATE_CONFIRMED:
        return confirmed_date, None
    return None, None


def change_state(raw_item_id, state, user, *, confirmed_date: date | None = None, reason: str | None = None) -> Change:
    """Service sets a porting item's state (back office); audited, the Portal Admins emailed; committed."""
    try:
        state = S(state)
    except ValueError:
        raise Invalid(fields={"state": [_l("Please choose a porting state.")]}) from None
    item = _porting_item(raw_item_id)
    before = item.porting_state
    new_date, new_reason = _check(item, state, confirmed_date, reason)
    changed = db.session.execute(
        update(OrderItem).where(OrderItem.id == item.id, OrderItem.porting_state == before)
        .values(porting_state=state, porting_confirmed_date=new_date, porting_reason=new_reason,
                porting_changed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        db.session.rollback()
        raise Invalid(fields={"state": [_l("The porting state was changed meanwhile. Please check it again.")]})
    db.session.expire(item)
    order = item.order
    details = f"{order.order_number} {item.porting_numbers or ''}: {before.value} → {state.value}"
    if new_reason:
        details += f" ({new_reason})"
    audit.record(STATE_CHANGED, user, object_type="order_item", object_id=str(item.id), details=details[:500])
    _notify(item, order, state, new_date, new_reason)
    db.session.commit()
    return Change(item, before, state)


def portal_admins(customer_id: int) -> list[EServiceUser]:
    """The customer's active Portal Admins with an email address (the porting news goes to each)."""
    return db.session.scalars(
        select(EServiceUser).where(EServiceUser.customer_id == customer_id, EServiceUser.status == UserStatus.ACTIVE,
                                   EServiceUser.active.is_(True), EServiceUser.email.isnot(None),
                                   EServiceUser.roles.any(Role.name == PORTAL_ADMIN))
        .order_by(EServiceUser.id)
    ).all()


def _notify(item, order, state, confirmed_date, reason) -> None:
    contract = order.contract.contract_number if order.contract else ""
    for admin in portal_admins(item.customer_id):
        locale = recipient_locale(admin)
        subject, body = render_message(
            "email/porting_state.txt", locale, name=admin.full_name, order=order.order_number, contract=contract,
            numbers=item.porting_numbers or "", carrier=item.porting_carrier or "", state=state,
            confirmed_date=confirmed_date, reason=reason or "", hotline=current_app.config["HOTLINE_PHONE"],
        )
        queue(Channel.EMAIL, admin.email, subject, body, locale=locale, sensitive=False, user=admin)


def contract_portings(contract_id: int) -> list[OrderItem]:
    """The signed-in customer's porting items of one contract, newest first (the contract page's panel)."""
    return db.session.scalars(_CONTRACT_PORTINGS, tenant_params(contract_id=contract_id)).all()


# Built once per process (issue 20); the customer comes with tenant_params() on each request.
_CONTRACT_PORTINGS = (
    scoped_template(OrderItem).join(Order, Order.id == OrderItem.order_id)
    .where(Order.contract_id == bindparam("contract_id"), OrderItem.porting_state.isnot(None))
    .options(selectinload(OrderItem.order))
    .order_by(OrderItem.id.desc())
)
