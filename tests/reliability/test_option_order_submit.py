"""The option order's submit is all or nothing (QUALITY R2) and happens once per draft (R3).

R2: a fault injected at each stage of the submit's transaction leaves no order, item,
document, message or audit entry, the numbers and options as they were, and the draft
with its uploads in place to submit again. R3: two submits of one draft at once (two
tabs, a double click), held together after both passed every check: exactly one order.
"""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditLog, Customer, Document, DraftUpload, EServiceUser, Order, OrderDraft, OrderItem, OrderStep, OutboxMessage,
    PhoneNumber,
)
from app.models.enums import DocumentType, NumberStatus
from app.services import option_order as wizard
from app.services.documents import _path_for_key
from app.services.errors import Invalid, NotFound
from app.services.option_order import changes as summaries, confirmation, submission as submitting
from tests import option_order_world as world
from tests.races import race

COUNTED = (Order, OrderItem, OrderStep, Document, OutboxMessage)


def _counts() -> dict:
    counts = {m.__name__: db.session.scalar(select(func.count(m.id))) for m in COUNTED}
    counts["audit"] = db.session.scalar(select(func.count(AuditLog.id)).where(
        AuditLog.action == "option_order_submitted"))
    return counts


def _draft(w):
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                      "porting": world.porting()})
    wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 11})
    return draft.id, form.storage_key


class Fault(RuntimeError):
    pass


def _fail(*_args, **_kwargs):
    raise Fault("injected")


# Each stage of the transaction: the document, the removal, the audit entry, the email, the commit itself.
STAGES = {
    "document": (submitting, "_document"),
    "removal": (submitting, "_mark_removals"),
    "audit": (submitting.audit, "record"),
    "email": (confirmation, "queue"),
}


@pytest.mark.rule("R2", "R-WIZ-6")
@pytest.mark.parametrize("stage", [*STAGES, "commit"])
def test_a_fault_anywhere_in_the_submit_leaves_nothing_behind(app_ctx, monkeypatch, stage):
    w = world.build()
    draft_id, form_key = _draft(w)
    before = _counts()
    if stage == "commit":
        original = db.session.commit

        def failing_commit():
            if any(isinstance(o, Order) for o in db.session.identity_map.values()):
                raise Fault("injected at commit")
            return original()
        monkeypatch.setattr(db.session, "commit", failing_commit)
    else:
        monkeypatch.setattr(*STAGES[stage], _fail)
    with pytest.raises(Fault):
        wizard.submit(w.customer, w.user, draft_id, w.customer.hotline_password)
    monkeypatch.undo()
    db.session.rollback()
    assert _counts() == before
    assert db.session.get(PhoneNumber, w.numbers[0].id).status is NumberStatus.ACTIVE
    assert db.session.scalar(select(func.count(OrderDraft.id))) == 1
    assert db.session.scalar(select(func.count(DraftUpload.id))) == 1 and _path_for_key(form_key).exists()
    # Nothing was lost: the same draft submits once the fault is gone.
    order = wizard.submit(w.customer, w.user, draft_id, w.customer.hotline_password)
    assert len(order.items) == 3 and _counts()["Document"] == before["Document"] + 1


@pytest.mark.rule("R3", "R-WIZ-6")
def test_two_submits_of_one_draft_at_once_make_exactly_one_order(app, monkeypatch):
    with app.test_request_context():
        w = world.build()
        draft_id, _key = _draft(w)
        customer_id, user_id, password = w.customer.id, w.user.id, w.customer.hotline_password
        db.session.remove()
    barrier = threading.Barrier(2, timeout=20)
    original = summaries.plan

    def held(*args, **kwargs):
        result = original(*args, **kwargs)
        barrier.wait()  # both have passed every check before either writes
        return result

    monkeypatch.setattr(summaries, "plan", held)

    def work(_i):
        customer, user = db.session.get(Customer, customer_id), db.session.get(EServiceUser, user_id)
        return wizard.submit(customer, user, draft_id, password).order_number

    results = race(app, work, in_request=True)
    winners = [r for r in results if isinstance(r, str)]
    losers = [r for r in results if not isinstance(r, str)]
    assert len(winners) == 1 and len(losers) == 1, results
    assert isinstance(losers[0], (Invalid, NotFound)), losers[0]
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id))) == 1
        assert db.session.scalar(select(func.count(OrderItem.id))) == 3
        assert db.session.scalar(select(func.count(Document.id))) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 1
        db.session.remove()
