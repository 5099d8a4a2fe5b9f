"""Steps 3 and 4 read option types, booked options and sites as plain values (issue 20, P9; R-WIZ-4, R-WIZ-5).

The values carry their models' attribute names and the same data; they see this session's changes not
yet flushed (as the ORM's autoflush would), and another customer's rows never (S1).
"""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import ContractOption, Document, Location
from app.models.enums import DocumentType
from app.services import option_order as wizard
from app.services.option_order import catalogue_rows, options, plan_option
from tests import option_order_world as world
from tests.factories import make_location, make_option
from tests.sql_counting import statements_of


@pytest.mark.rule("R-WIZ-4")
def test_plain_values_carry_what_the_entities_hold(app_ctx):
    w = world.build()
    today = date.today()
    booked = {o.id: o for o in options.booked_options(w.trunk, today)}
    assert set(booked) == {w.channels.id, w.router.id, w.legacy.id}
    for entity in (w.channels, w.router, w.legacy):
        value = booked[entity.id]
        for name in catalogue_rows.BOOKED_FIELDS:
            assert getattr(value, name) == getattr(entity, name), name
        for name in catalogue_rows.TYPE_FIELDS:
            assert getattr(value.option_type, name) == getattr(entity.option_type, name), name
        assert value.option_type.display_name == entity.option_type.display_name
        assert str(value) == str(entity)
    # Each option type is made once per read, as the identity map gave one object per row.
    assert len({id(o.option_type) for o in booked.values()}) == 3
    sites = options.locations(w.trunk)
    assert [s.id for s in sites] == [w.verified_location.id, w.location.id]  # by name: Lager, Zentrale
    for site, entity in zip(sites, (w.verified_location, w.location)):
        assert [getattr(site, n) for n in catalogue_rows.LOCATION_FIELDS] == \
            [getattr(entity, n) for n in catalogue_rows.LOCATION_FIELDS]
        assert str(site) == str(entity)
    offered = options.bookable_types(w.trunk)
    assert {t.id for t in offered} == {w.channel_type.id, w.failover_type.id, w.router.option_type_id}
    assert [t.name for t in offered] == ["Failover", "Router", "Sprachkanal"]  # by name, as before


@pytest.mark.rule("R-WIZ-5")
def test_a_change_not_yet_flushed_is_read(app_ctx):
    """A POST's service that changed something first reads it back, as `session.execute` would."""
    w = world.build()
    with db.session.no_autoflush:
        site = Location(customer_id=w.customer.id, contract_id=w.trunk.id, name="Aaa-Neu", street="Weg 1",
                        zip_code="40210", city="Düsseldorf")
        db.session.add(site)
        w.channels.quantity = 9
        assert site.id is None
    assert options.locations(w.trunk)[0].name == "Aaa-Neu"
    booked = {o.id: o for o in options.booked_options(w.trunk, date.today())}
    assert booked[w.channels.id].quantity == 9
    db.session.rollback()


def test_another_customers_rows_are_never_read(app_ctx):
    mine, theirs = world.build(), world.build(prefix="6")
    # Rows of the other customer that name my contract's id (as a forged or broken row would).
    make_location(mine.trunk, name="Fremd", customer_id=theirs.customer.id)
    make_option(mine.trunk, mine.channel_type, customer_id=theirs.customer.id)
    db.session.commit()
    assert "Fremd" not in {s.name for s in options.locations(mine.trunk)}
    booked = options.booked_options(mine.trunk, date.today())
    assert {o.id for o in booked} == {mine.channels.id, mine.router.id, mine.legacy.id}
    assert db.session.query(ContractOption).filter_by(contract_id=mine.trunk.id).count() == 4


def _reads_of(app, table: str, action) -> int:
    statements, _ = statements_of(app, action)
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT") and f"FROM {table}" in s)


def test_a_direct_booking_reads_the_steps_lines_once_before_its_check(app_ctx):
    """The line of the option and its rule come from one read of step 3's lines; the plan reads them once more."""
    w = world.build()
    reads = _reads_of(app_ctx, "option_type JOIN product_option_type",
                      lambda: plan_option(w.customer, w.user, w.trunk.id, w.failover_type.id, 1))
    # bookable_types (the option's type), the line, the plan's lines: three reads of the offered types.
    assert reads == 3


def test_the_submit_reads_the_drafts_uploads_once(app_ctx):
    """The checks and the order take the draft's uploads from one read (R-WIZ-6, R-DOC-2)."""
    w = world.build()
    draft = wizard.start(w.customer, w.user, w.trunk.id)
    stored = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": stored.id,
                                                      "porting": world.porting()})
    password = w.customer.hotline_password
    reads = _reads_of(app_ctx, "order_draft_upload", lambda: wizard.submit(w.customer, w.user, draft.id, password))
    assert reads == 1
    assert db.session.scalar(select(func.count(Document.id)).where(Document.contract_id == w.trunk.id)) == 1
