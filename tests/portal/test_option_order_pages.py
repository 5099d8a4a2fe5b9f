"""The option-order wizard's pages (R-WIZ-1..7): each step in German and English, errors at their
fields with the entered values kept, isolation by URL and form (404), nothing foreign in any list,
and one order from a double submit (QUALITY R3)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select

from app.extensions import db
from app.models import Order, OrderDraft, OrderItem, OutboxMessage
from app.models.enums import ContractStatus, OrderKind
from tests import option_order_world as world_of
from tests.auth_helpers import complete_login_with_pin
from tests.conftest import csrf_token_from
from tests.factories import make_contract, make_product
from tests.races import race
from tests.security.auth_fixtures import new_client

PASSWORD = "Sicher#Kennwort42"


@pytest.fixture
def two(app):
    with app.app_context():
        mine, theirs = world_of.build(prefix="6"), world_of.build(prefix="7")
        from app.services import option_order as wizard

        their_draft = wizard.start(theirs.customer, theirs.user, theirs.trunk.id)
        ids = {
            "customer": mine.customer.id, "user": mine.user.username, "trunk": mine.trunk.id,
            "location": mine.location.id, "verified": mine.verified_location.id,
            "channels": mine.channels.id, "router": mine.router.id, "numbers": [n.id for n in mine.numbers],
            "hotline": mine.customer.hotline_password, "theirs_trunk": theirs.trunk.id,
            "theirs_draft": their_draft.id, "theirs_numbers": [n.id for n in theirs.numbers],
            "theirs_location": theirs.location.id, "theirs_channels": theirs.channels.id,
            "theirs_contract_number": theirs.trunk.contract_number, "theirs_user": theirs.user.username,
        }
        db.session.commit()
    return ids


def _client(app, username, language="de"):
    client = new_client(app)
    response = complete_login_with_pin(client, username, PASSWORD, app=app)
    assert response.status_code == 302
    client.get(f"/lang/{language}") if language else None
    return client


@pytest.fixture
def me(app, two):
    return _client(app, two["user"])


def _start(client, contract_id) -> int:
    page = client.get(f"/portal/option-order/?contract={contract_id}")
    assert page.status_code == 200
    response = client.post("/portal/option-order/", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                          "contract": str(contract_id)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    match = re.search(r"/portal/option-order/(\d+)/numbers", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def _token(client, url) -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


@pytest.mark.rule("R-WIZ-1", "R-WIZ-2", "R-WIZ-4", "R-WIZ-6")
@pytest.mark.parametrize("language", ["de", "en"])
def test_every_step_renders_in_both_languages(app, two, language):
    client = _client(app, two["user"], language)
    words = {"de": ("Optionen ändern", "Rufnummern", "Neue Gesamtzahl", "Zusammenfassung"),
             "en": ("Change options", "Phone numbers", "New total", "Summary")}[language]
    first = client.get("/portal/option-order/").get_data(as_text=True)
    assert words[0] in first and f'value="{two["trunk"]}"' in first
    draft = _start(client, two["trunk"])
    numbers = client.get(f"/portal/option-order/{draft}/numbers")
    assert numbers.status_code == 200 and words[1] in numbers.get_data(as_text=True)
    options = client.get(f"/portal/option-order/{draft}/options")
    assert options.status_code == 200 and words[2] in options.get_data(as_text=True)
    summary = client.get(f"/portal/option-order/{draft}/summary")
    assert summary.status_code == 200 and words[3] in summary.get_data(as_text=True)
