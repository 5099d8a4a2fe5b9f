"""Steps 3 and 4 read option types, booked options and sites as plain values (issue 20, P9; R-WIZ-4, R-WIZ-5).

The values carry their models' attribute names and the same data; they see this session's changes not
yet flushed (as the ORM's autoflush would), and another customer's rows never (S1).
"""
from __future__ import annotations

from datetime import date

import pytest

from app.extensions import db
from app.models import ContractOption, Location
from app.services.option_order import catalogue_rows, options
from tests import option_order_world as world
from tests.factories import make_location, make_option


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
