"""Tenant isolation of the option-order wizard (QUALITY S1, S3): every step and the draft itself.

Another customer's contract, number, location, option, draft or upload id behaves like an id
that does not exist (NotFound), changes nothing, and none of them is offered in any list.
A draft belongs to the user who started it, even within one company.
"""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderDraft
from app.models.enums import DocumentType
from app.security.roles import PORTAL_ADMIN
from app.services import option_order as wizard
from app.services.errors import NotFound
from tests import option_order_world as world
from tests.factories import make_user


@pytest.fixture
def two(app_ctx):
    mine, theirs = world.build(prefix="6"), world.build(prefix="7")
    their_draft = wizard.start(theirs.customer, theirs.user, theirs.trunk.id)
    their_upload = wizard.attach_upload(theirs.customer, theirs.user, their_draft.id, DocumentType.ADDRESS_PROOF,
                                        *world.pdf())
    my_draft = wizard.start(mine.customer, mine.user, mine.trunk.id)
    return mine, theirs, my_draft, their_draft, their_upload


@pytest.mark.rule("S1", "R-WIZ-1")
def test_nothing_of_another_customer_is_offered_in_any_step(two):
    mine, theirs, my_draft, _their_draft, _upload = two
    assert {c.contract.id for c in wizard.offered_contracts(mine.customer)} == {mine.trunk.id}
    step = wizard.number_step(mine.customer, mine.user, my_draft.id)
    assert {n.id for n in step.numbers} == {n.id for n in mine.numbers}
    assert {loc.id for loc in step.locations} == {mine.location.id, mine.verified_location.id}
    keys = {line.key for line in wizard.option_step(mine.customer, mine.user, my_draft.id)}
    assert not {f"booked:{theirs.channels.id}", f"booked:{theirs.router.id}"} & keys


@pytest.mark.rule("S1", "R-WIZ-2", "R-WIZ-3", "R-WIZ-4", "R-WIZ-7")
def test_ids_of_another_customer_are_not_found_and_change_nothing(two):
    mine, theirs, my_draft, their_draft, their_upload = two
    c, u = mine.customer, mine.user
    attempts = [
        lambda: wizard.start(c, u, theirs.trunk.id),
        lambda: wizard.load(c, u, their_draft.id),
        lambda: wizard.number_step(c, u, their_draft.id),
        lambda: wizard.option_step(c, u, their_draft.id),
        lambda: wizard.summary(c, u, their_draft.id),
        lambda: wizard.discard(c, u, their_draft.id),
        lambda: wizard.submit(c, u, their_draft.id, theirs.customer.hotline_password),
        lambda: wizard.attach_upload(c, u, their_draft.id, DocumentType.ADDRESS_PROOF, *world.pdf()),
        lambda: wizard.mark_removal(c, u, my_draft.id, theirs.numbers[0].id),
        lambda: wizard.unmark_removal(c, u, my_draft.id, theirs.numbers[0].id),
        lambda: wizard.add_numbers(c, u, my_draft.id, {"kind": "new_block_local", "location_id": theirs.location.id}),
        lambda: wizard.add_numbers(c, u, my_draft.id, {"kind": "new_block_local", "location_id": mine.location.id,
                                                       "upload_id": their_upload.id}),
        lambda: wizard.choose_options(c, u, my_draft.id, {f"booked:{theirs.channels.id}": 11}),
        lambda: wizard.choose_options(c, u, my_draft.id, {f"new:{theirs.failover_type.id}:": 1}),
        lambda: wizard.choose_options(c, u, my_draft.id, {f"new:{mine.failover_type.id}:{theirs.location.id}": 1}),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound):
            attempt()
    assert wizard.load(theirs.customer, theirs.user, their_draft.id).data == wizard.drafts.empty_data()
    assert [u.id for u in wizard.load(theirs.customer, theirs.user, their_draft.id).uploads] == [their_upload.id]
    assert wizard.load(c, u, my_draft.id).data == wizard.drafts.empty_data()
    assert db.session.scalar(select(func.count(Order.id))) == 0


@pytest.mark.rule("S1", "R-WIZ-7")
def test_a_draft_belongs_to_the_user_who_started_it(two):
    mine, _theirs, my_draft, _their_draft, _upload = two
    colleague = make_user(PORTAL_ADMIN, customer=mine.customer)
    db.session.commit()
    with pytest.raises(NotFound):
        wizard.load(mine.customer, colleague, my_draft.id)
    with pytest.raises(NotFound):
        wizard.submit(mine.customer, colleague, my_draft.id, mine.customer.hotline_password)
    assert db.session.get(OrderDraft, my_draft.id) is not None
