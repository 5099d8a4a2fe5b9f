"""Summary and submit of the option order (R-WIZ-6, R-WIZ-3, R-DOC-2): one order, its items, steps,
documents, audit entry and confirmation email; the customer password counted like a sign-in."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    AuditLog, AuthFailure, ContactPerson, Document, DraftUpload, Order, OrderDraft, OrderItem, OutboxMessage,
    PhoneNumber,
)
from app.models.enums import DocumentType, ItemChange, NumberOrderKind, NumberStatus, OrderKind, OrderStatus
from app.services import option_order as wizard
from app.services.documents import _path_for_key
from app.services.errors import Forbidden, Invalid, NotFound
from tests import option_order_world as world


def _full_draft(w):
    """The journey of the issue: +3 voice channels, a local block with a proof, a ported number, an option
    cancelled after its term, a number removed."""
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    proof = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.ADDRESS_PROOF, *world.pdf("Nachweis.pdf"))
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "new_block_local", "location_id": w.location.id,
                                                      "upload_id": proof.id})
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                      "porting": world.porting()})
    wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 11,
                                                         f"new:{w.failover_type.id}:": 1})
    return draft, proof, form


@pytest.mark.rule("R-WIZ-6")
def test_summary_marks_each_change_with_before_after_prices_and_the_new_total(app_ctx):
    w = world.build()
    draft, _proof, _form = _full_draft(w)
    summary = wizard.summary(w.customer, w.user, draft.id)
    marks = {(str(c.change.label), c.before, c.after) for c in summary.changes}
    assert ("Geändert", 8, 11) in marks and ("Hinzugefügt", 0, 1) in marks and ("Reduziert (gekündigt)", 1, 0) in marks
    assert [c.number_kind for c in summary.changes if c.number_kind] == [NumberOrderKind.NEW_BLOCK_LOCAL,
                                                                          NumberOrderKind.PORT_SINGLE]
    channels = next(c for c in summary.changes if c.contract_option is not None)
    assert (channels.monthly_before, channels.monthly_after) == (Decimal("39.20"), Decimal("53.90"))
    failover = next(c for c in summary.changes if c.option_type and c.option_type.id == w.failover_type.id)
    assert (failover.unit_monthly, failover.one_time) == (Decimal("2.50"), Decimal("10.00"))
    # Before: 29.90 product + 8 × 4.90 + 7.90 router + 1.00 legacy = 78.00; after: + 3 × 4.90 + 2.50.
    assert (summary.monthly_before, summary.monthly_after) == (Decimal("78.00"), Decimal("95.20"))
    assert summary.one_time_total == Decimal("10.00")
    assert summary.recipient.email == f"tk{w.customer.id}@example.com" and not summary.recipient.fallback
    assert any("keine Preise für Rufnummern" in note for note in summary.notes)


@pytest.mark.rule("R-WIZ-6", "R-WIZ-3", "R-DOC-2")
def test_submit_creates_one_option_change_order_with_everything_in_it(app_ctx):
    w = world.build()
    draft, proof, form = _full_draft(w)
    draft_id, proof_key = draft.id, proof.storage_key
    order = wizard.submit(w.customer, w.user, draft_id, w.customer.hotline_password)
    assert (order.kind, order.status, order.contract_id) == (OrderKind.OPTION_CHANGE, OrderStatus.PROVISIONING,
                                                             w.trunk.id)
    items = db.session.scalars(select(OrderItem).where(OrderItem.order_id == order.id).order_by(OrderItem.id)).all()
    assert len(items) == 5 and {i.customer_id for i in items} == {w.customer.id}
    assert [i.change for i in items].count(ItemChange.ADDED) == 3
    ported = next(i for i in items if i.number_order_kind is NumberOrderKind.PORT_SINGLE)
    assert (ported.porting_carrier, ported.porting_owner) == ("Telekom", "Rheinland Logistik GmbH")
    assert ported.porting_numbers == "+49 211 5550123" and ported.effective_date is not None
    # R-DOC-2: both uploads are contract documents of the contract, linked to their items, same file.
    documents = {d.id: d for d in db.session.scalars(select(Document).where(Document.order_id == order.id))}
    assert {d.doc_type for d in documents.values()} == {DocumentType.ADDRESS_PROOF, DocumentType.SIGNED_PORTING_FORM}
    assert {i.document_id for i in items if i.document_id} == set(documents)
    assert all(d.contract_id == w.trunk.id and d.released for d in documents.values())
    assert proof_key in {d.storage_key for d in documents.values()} and _path_for_key(proof_key).exists()
    # R-WIZ-3: the removal is carried out with the order.
    assert db.session.get(PhoneNumber, w.numbers[0].id).status is NumberStatus.REMOVAL_ORDERED
    steps = order.steps
    assert steps[0].name == "Auftrag eingegangen" and steps[0].completed_at is not None
    assert "Portierung beim abgebenden Anbieter beauftragt" in [s.name for s in steps]
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == f"tk{w.customer.id}@example.com" and message.customer_id == w.customer.id
    assert order.order_number in message.subject and "8 → 11" in message.body and w.customer.hotline_password \
        not in message.body
    assert db.session.scalar(select(func.count(AuditLog.id)).where(AuditLog.action == "option_order_submitted")) == 1
    # The draft is consumed: no second order from it.
    assert db.session.scalar(select(func.count(OrderDraft.id))) == 0
    assert db.session.scalar(select(func.count(DraftUpload.id))) == 0
    with pytest.raises(NotFound):
        wizard.submit(w.customer, w.user, draft_id, w.customer.hotline_password)
    assert db.session.scalar(select(func.count(Order.id))) == 1


@pytest.mark.rule("R-WIZ-6")
def test_without_a_telecom_contact_the_portal_admin_gets_the_confirmation_and_the_summary_says_so(app_ctx):
    w = world.build(telecom_contact=False)
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 9})
    summary = wizard.summary(w.customer, w.user, draft.id)
    assert summary.recipient.fallback and summary.recipient.email == w.user.email
    assert any("Administrator Kundenportal" in note and w.user.full_name in note for note in summary.notes)
    wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    assert db.session.scalars(select(OutboxMessage.recipient)).all() == [w.user.email]


@pytest.mark.rule("R-WIZ-6", "S6")
def test_wrong_customer_passwords_are_counted_and_limited_like_sign_in_failures(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "HOTLINE_PASSWORD_FAILURE_LIMIT", 3)
    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 9})
    for wrong in ("falsch", "", None):
        with pytest.raises(Invalid) as refused:
            wizard.submit(w.customer, w.user, draft.id, wrong)
        assert "Kundenkennwort anzeigen" in refused.value.fields["hotline_password"][0]
    assert db.session.scalar(select(func.count(AuthFailure.id)).where(AuthFailure.step == "hotline")) == 3
    with pytest.raises(Forbidden) as blocked:  # even the right password now waits for the window
        wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    assert "15 Minuten" in str(blocked.value)
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert wizard.load(w.customer, w.user, draft.id) is not None


@pytest.mark.rule("R-WIZ-6", "R-WIZ-1")
def test_an_empty_draft_or_a_contract_no_longer_offered_is_refused_at_submit(app_ctx):
    from app.models.enums import ContractStatus

    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    with pytest.raises(Invalid) as empty:
        wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    assert "keine Änderung" in str(empty.value)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 9})
    w.trunk.status = ContractStatus.BLOCKED
    db.session.commit()
    with pytest.raises(Invalid) as blocked:
        wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    assert "nicht mehr geändert" in str(blocked.value)
    assert db.session.scalar(select(func.count(Order.id))) == 0


@pytest.mark.rule("R-WIZ-3", "R-WIZ-6")
def test_a_removal_that_would_leave_no_number_is_refused_at_submit_too(app_ctx):
    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
    # Meanwhile the other number went (e.g. ported away by the back office).
    db.session.get(PhoneNumber, w.numbers[1].id).status = NumberStatus.REMOVED
    db.session.add(ContactPerson(customer_id=w.customer.id, role=w.customer.contact_persons[0].role,
                                 first_name="X", last_name="Y"))
    db.session.commit()
    with pytest.raises(Invalid) as refused:
        wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    assert refused.value.fields["removals"] == ["Mindestens eine Rufnummer muss im Vertrag bleiben."]
    assert db.session.get(PhoneNumber, w.numbers[0].id).status is NumberStatus.ACTIVE


@pytest.mark.rule("R-DOC-2", "R-WIZ-2")
def test_one_porting_form_for_two_numbers_is_one_document_linked_to_both_items(app_ctx):
    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    unused = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.ADDRESS_PROOF, *world.pdf())
    unused_path = _path_for_key(unused.storage_key)
    for number in ("0211 5550123", "0211 5550124"):
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                          "porting": world.porting(number=number)})
    order = wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    document, = db.session.scalars(select(Document).where(Document.order_id == order.id)).all()
    assert [i.document_id for i in order.items] == [document.id, document.id]
    assert not unused_path.exists()  # uploaded, used by no change: it went with the draft


@pytest.mark.rule("R-WIZ-6")
def test_the_summary_speaks_the_users_language_and_the_stored_order_the_products(app, app_ctx):
    from flask_babel import force_locale

    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "new_single_032", "count": 3})
    with force_locale("en"):
        names = [c.name for c in wizard.summary(w.customer, w.user, draft.id).changes]
        assert names[0] == "New single number (area code 032) × 3" and names[1].startswith("Remove number +49")
        order = wizard.submit(w.customer, w.user, draft.id, w.customer.hotline_password)
    descriptions = [i.description for i in order.items]
    assert descriptions[0] == "Hinzugefügt: Neue Einzelrufnummer (Vorwahl 032) × 3"
    assert descriptions[1].startswith("Reduziert (gekündigt): Rufnummer +49")
    assert "Rufnummer +49" in db.session.scalars(select(OutboxMessage.body)).one()
