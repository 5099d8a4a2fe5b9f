"""The porting tracker (issue 13 part 7): states, transitions, emails to the Portal Admins, audit, isolation."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, OrderItem, OutboxMessage
from app.models.enums import DocumentType
from app.models.porting_state import PortingState as S
from app.roles import PORTAL_ADMIN, SERVICE
from app.services import option_order as wizard, porting
from app.services.errors import Invalid, NotFound
from tests import option_order_world as world
from tests.factories import make_user


def ported_order(w, numbers=("0211 5550123",)):
    """An option order of `w` porting each of `numbers` (one form for all); returns (order, items)."""
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    for number in numbers:
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                          "porting": world.porting(number=number)})
    order = wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    items = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id,
                                                       OrderItem.porting_state.isnot(None))).all()
    return order, items


def _porting_mails(customer_id):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.customer_id == customer_id,
                                                          OutboxMessage.user_id.isnot(None))
                              .order_by(OutboxMessage.id)).all()


@pytest.mark.rule("R-PORT-1")
def test_a_submitted_porting_starts_as_form_received_with_one_state_per_item(app_ctx):
    w = world.build()
    _order, items = ported_order(w, numbers=("0211 5550123", "0211 5550124"))
    assert [i.porting_state for i in items] == [S.FORM_RECEIVED, S.FORM_RECEIVED]


@pytest.mark.rule("R-PORT-2")
def test_the_way_forward_to_ported_and_each_change_emails_every_portal_admin_and_is_audited(app_ctx):
    w = world.build()
    second = make_user(PORTAL_ADMIN, customer=w.customer, email=f"second{w.customer.id}@example.com")
    staff = make_user(SERVICE)
    db.session.commit()
    order, (item,) = ported_order(w)
    porting.change_state(item.id, S.SUBMITTED, staff)
    day = date.today() + timedelta(days=20)
    porting.change_state(item.id, S.DATE_CONFIRMED, staff, confirmed_date=day)
    db.session.refresh(item)
    assert (item.porting_state, item.porting_confirmed_date) == (S.DATE_CONFIRMED, day)
    porting.change_state(item.id, "ported", staff)
    db.session.refresh(item)
    assert (item.porting_state, item.porting_confirmed_date) == (S.PORTED, day)
    mails = _porting_mails(w.customer.id)
    assert len(mails) == 6 and {m.recipient for m in mails} == {w.user.email, second.email}
    assert all(order.order_number in m.subject and not m.sensitive for m in mails)
    confirmed = [m for m in mails if "bestätigt" in m.body]
    assert confirmed and all(f"{day:%d.%m.%Y}" in m.body for m in confirmed)
    entries = db.session.scalars(select(AuditLog).where(AuditLog.action == porting.STATE_CHANGED,
                                                        AuditLog.object_id == str(item.id))).all()
    assert len(entries) == 3 and all(e.user_id == staff.id for e in entries)


@pytest.mark.rule("R-PORT-2")
def test_no_jump_back_from_ported_and_no_skipping_a_state(app_ctx):
    w = world.build()
    staff = make_user(SERVICE)
    _order, (item,) = ported_order(w)
    with pytest.raises(Invalid):
        porting.change_state(item.id, S.PORTED, staff)
    with pytest.raises(Invalid):
        porting.change_state(item.id, S.DATE_CONFIRMED, staff, confirmed_date=date.today())
    porting.change_state(item.id, S.SUBMITTED, staff)
    porting.change_state(item.id, S.DATE_CONFIRMED, staff, confirmed_date=date.today())
    porting.change_state(item.id, S.PORTED, staff)
    before = len(_porting_mails(w.customer.id))
    for state in (S.FORM_RECEIVED, S.SUBMITTED, S.DATE_CONFIRMED, S.REJECTED, S.PORTED):
        with pytest.raises(Invalid) as refused:
            porting.change_state(item.id, state, staff, confirmed_date=date.today(), reason="x")
        assert "portiert" in str(refused.value)
    assert len(_porting_mails(w.customer.id)) == before
    db.session.refresh(item)
    assert item.porting_state is S.PORTED


@pytest.mark.rule("R-PORT-3")
def test_a_rejection_needs_its_reason_and_a_confirmation_its_date(app_ctx):
    w = world.build()
    staff = make_user(SERVICE)
    _order, (item,) = ported_order(w)
    for reason in (None, "", "   ", "x" * 501):
        with pytest.raises(Invalid) as refused:
            porting.change_state(item.id, S.REJECTED, staff, reason=reason)
        assert "reason" in refused.value.fields
    porting.change_state(item.id, S.SUBMITTED, staff)
    with pytest.raises(Invalid) as refused:
        porting.change_state(item.id, S.DATE_CONFIRMED, staff)
    assert "confirmed_date" in refused.value.fields
    with pytest.raises(Invalid) as refused:
        porting.change_state(item.id, S.DATE_CONFIRMED, staff, confirmed_date=date.today() - timedelta(days=400))
    assert "confirmed_date" in refused.value.fields
    porting.change_state(item.id, S.REJECTED, staff, reason="Inhaber stimmt nicht überein")
    db.session.refresh(item)
    assert (item.porting_state, item.porting_reason) == (S.REJECTED, "Inhaber stimmt nicht überein")
    assert "Inhaber stimmt nicht überein" in _porting_mails(w.customer.id)[-1].body
    # A corrected form starts it again; the reason goes.
    porting.change_state(item.id, S.FORM_RECEIVED, staff)
    db.session.refresh(item)
    assert (item.porting_state, item.porting_reason) == (S.FORM_RECEIVED, None)


@pytest.mark.rule("R-PORT-2")
def test_bad_input_is_refused_without_writing(app_ctx):
    w = world.build()
    staff = make_user(SERVICE)
    _order, (item,) = ported_order(w)
    before = len(_porting_mails(w.customer.id))
    with pytest.raises(Invalid):
        porting.change_state(item.id, "teleported", staff)
    for bad_id in ("abc", "0", "99999999", str(2**40)):
        with pytest.raises(NotFound):
            porting.change_state(bad_id, S.SUBMITTED, staff)
    # An item that ports nothing has no porting state to set.
    other = db.session.scalar(select(OrderItem).where(OrderItem.porting_state.is_(None)).limit(1))
    if other is not None:
        with pytest.raises(NotFound):
            porting.change_state(other.id, S.SUBMITTED, staff)
    assert len(_porting_mails(w.customer.id)) == before
