"""The option-order wizard's pages (R-WIZ-1..7): each step in German and English, errors at their
fields with the entered values kept, isolation by URL and form (404), nothing foreign in any list,
and one order from a double submit (QUALITY R3)."""
from __future__ import annotations

import io
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


def _post(client, url, data, page_url=None, **kw):
    data = dict(data, csrf_token=_token(client, page_url or url))
    return client.post(url, data=data, **kw)


@pytest.mark.rule("R-WIZ-2", "R-WIZ-3", "R-WIZ-4", "R-WIZ-5", "R-WIZ-6", "R-WIZ-7")
def test_the_whole_wizard_places_one_order_and_says_who_got_the_confirmation(app, two, me):
    draft = _start(me, two["trunk"])
    base = f"/portal/option-order/{draft}"
    # A local-area-code block for the unverified site, with its address proof.
    pdf_bytes, _name = world_of.pdf()
    response = _post(me, f"{base}/numbers", {"kind": "new_block_local", "location_id": str(two["location"]),
                                             "file": (pdf_bytes, "nachweis.pdf")},
                     content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[-3000:]
    # A single number ported, with the form.
    port = world_of.porting()
    response = _post(me, f"{base}/numbers", {"kind": "port_single", **port, "file": (world_of.pdf()[0], "form.pdf")},
                     content_type="multipart/form-data")
    assert response.status_code == 302
    # One number marked for removal, then kept again, then marked (back and forth keeps it).
    for action in ("remove", "keep", "remove"):
        assert _post(me, f"{base}/numbers/change", {"action-csrf_token": _token(me, f"{base}/numbers"),
                                                    action: str(two["numbers"][0])},
                     page_url=f"{base}/numbers").status_code == 302
    page = me.get(f"{base}/numbers").get_data(as_text=True)
    assert "nachweis.pdf" in page and "form.pdf" in page and "Telekom" in page
    # Options: 8 → 11 channels, the router (term running) refused with its date.
    refused = _post(me, f"{base}/options", {f"total-booked:{two['channels']}": "11", "go": "next"})
    assert refused.status_code == 200
    text = refused.get_data(as_text=True)
    assert 'aria-invalid="true"' in text and "Router" in text and 'value="11"' in text  # entered value kept
    ok = _post(me, f"{base}/options", {f"total-booked:{two['channels']}": "11",
                                       f"total-booked:{two['router']}": "1", "go": "next"})
    assert ok.status_code == 302 and ok.headers["Location"].endswith(f"{base}/summary")
    summary = me.get(f"{base}/summary").get_data(as_text=True)
    assert "8 → 11" in summary and "Hinzugefügt" in summary and "Reduziert (gekündigt)" in summary
    assert "Geändert" in summary and "tk" in summary  # the telecom contact gets the confirmation
    wrong = _post(me, f"{base}/summary", {"hotline_password": "falsch"})
    assert wrong.status_code == 200 and 'id="hotline_password-error"' in wrong.get_data(as_text=True)
    placed = _post(me, f"{base}/summary", {"hotline_password": two["hotline"]})
    assert placed.status_code == 302 and "/portal/orders/" in placed.headers["Location"]
    order_page = me.get(placed.headers["Location"]).get_data(as_text=True)
    assert "Auftragsbestätigung" in order_page and "@example.com" in order_page
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.customer_id == two["customer"]))
        assert order.kind is OrderKind.OPTION_CHANGE
        assert db.session.scalar(select(func.count(OrderItem.id)).where(OrderItem.order_id == order.id)) == 4
        assert db.session.get(OrderDraft, draft) is None
    assert me.get(f"{base}/summary").status_code == 404


@pytest.mark.rule("R-WIZ-2", "S12")
def test_number_errors_stand_at_their_fields_and_keep_what_was_entered(app, two, me):
    draft = _start(me, two["trunk"])
    url = f"/portal/option-order/{draft}/numbers"
    response = _post(me, url, {"kind": "port_single", "carrier": "Telekom", "number": "12",
                               "desired_date": "2000-01-01"})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    for name in ("number", "owner", "desired_date", "file"):
        assert f'id="{name}-error"' in text, name
    assert 'value="Telekom"' in text
    response = _post(me, url, {"kind": "new_single_032", "count": "11"})
    assert 'id="count-error"' in response.get_data(as_text=True) and 'value="11"' in response.get_data(as_text=True)
    wrong_type = _post(me, url, {"kind": "port_single", **world_of.porting(), "file": (b"MZ\x90\x00", "x.pdf")},
                       content_type="multipart/form-data")
    assert wrong_type.status_code == 200 and 'id="file-error"' in wrong_type.get_data(as_text=True)
    # A proof uploaded with a mistake elsewhere is kept for the next try.
    first = _post(me, url, {"kind": "port_single", **world_of.porting(owner=""), "file": (world_of.pdf()[0], "f.pdf")},
                  content_type="multipart/form-data")
    kept = first.get_data(as_text=True)
    assert 'id="owner-error"' in kept and 'id="kept-upload"' in kept
    upload_id = re.search(r'name="upload_id" type="hidden" value="(\d+)"', kept) or re.search(
        r'id="upload_id" name="upload_id" type="hidden" value="(\d+)"', kept)
    assert upload_id
    again = _post(me, url, {"kind": "port_single", **world_of.porting(), "upload_id": upload_id.group(1)})
    assert again.status_code == 302


@pytest.mark.rule("S1", "R-WIZ-1", "R-WIZ-7")
def test_another_customers_ids_are_404_and_offered_nowhere(app, two, me):
    draft = _start(me, two["trunk"])
    base = f"/portal/option-order/{draft}"
    theirs = f"/portal/option-order/{two['theirs_draft']}"
    for url in (f"{theirs}/numbers", f"{theirs}/options", f"{theirs}/summary",
                f"/portal/option-order/?draft={two['theirs_draft']}",
                f"/portal/option-order/?contract={two['theirs_trunk']}"):
        assert me.get(url).status_code == 404, url
    token = _token(me, f"{base}/numbers")
    for url in (f"{theirs}/abandon", f"{theirs}/summary", f"{theirs}/numbers/change"):
        assert me.post(url, data={"csrf_token": token, "abandon-csrf_token": token}).status_code == 404, url
    assert _post(me, "/portal/option-order/", {"contract": str(two["theirs_trunk"])}).status_code == 200
    for field in ("remove", "keep"):
        response = _post(me, f"{base}/numbers/change", {"action-csrf_token": token, field: two["theirs_numbers"][0]},
                         page_url=f"{base}/numbers")
        assert response.status_code == 404
    response = _post(me, f"{base}/numbers", {"kind": "new_block_local", "location_id": str(two["theirs_location"])})
    assert response.status_code == 404
    response = _post(me, f"{base}/options", {f"total-booked:{two['theirs_channels']}": "3", "go": "next"})
    assert response.status_code == 404
    for url in ("/portal/option-order/", f"{base}/numbers", f"{base}/options", f"{base}/summary"):
        page = me.get(url).get_data(as_text=True)
        assert two["theirs_contract_number"] not in page
        assert f'id="contract-{two["theirs_trunk"]}"' not in page
        assert f'<option value="{two["theirs_location"]}"' not in page
        assert f'value="{two["theirs_numbers"][0]}"' not in page
    # Another user of the same company does not get the draft either.
    with app.app_context():
        from app.security.roles import PORTAL_ADMIN
        from app.models import Customer
        from tests.factories import make_user

        colleague = make_user(PORTAL_ADMIN, customer=db.session.get(Customer, two["customer"])).username
        db.session.commit()
    assert _client(app, colleague).get(f"{base}/numbers").status_code == 404


@pytest.mark.rule("R-WIZ-7")
def test_abandoning_deletes_the_draft_and_changes_nothing(app, two, me):
    draft = _start(me, two["trunk"])
    _post(me, f"/portal/option-order/{draft}/options", {f"total-booked:{two['channels']}": "11", "go": "next"})
    response = me.post(f"/portal/option-order/{draft}/abandon",
                       data={"abandon-csrf_token": _token(me, f"/portal/option-order/{draft}/summary"),
                             "confirm": "yes"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(OrderDraft, draft) is None
        assert db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == two["customer"])) == 0


@pytest.mark.rule("R-WIZ-6", "R3")
def test_a_double_submit_gives_one_order(app, two, me):
    draft = _start(me, two["trunk"])
    base = f"/portal/option-order/{draft}"
    _post(me, f"{base}/options", {f"total-booked:{two['channels']}": "11", f"total-booked:{two['router']}": "1",
                                  "go": "next"})
    token = _token(me, f"{base}/summary")
    first = me.post(f"{base}/summary", data={"csrf_token": token, "hotline_password": two["hotline"]})
    second = me.post(f"{base}/summary", data={"csrf_token": token, "hotline_password": two["hotline"]})
    assert first.status_code == 302 and second.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == two["customer"])) == 1
        assert db.session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.customer_id == two["customer"], OutboxMessage.subject.like("%" + "A%"))) >= 1


@pytest.mark.rule("R-WIZ-1")
def test_only_the_portal_admin_orders_and_a_pending_contract_carries_its_warning(app, two, me):
    with app.app_context():
        from app.models import Customer

        customer = db.session.get(Customer, two["customer"])
        pending = make_contract(customer, make_product(), status=ContractStatus.ACTIVE_PENDING)
        inactive = make_contract(customer, make_product(), status=ContractStatus.INACTIVE)
        db.session.commit()
        pending_id, inactive_id = pending.id, inactive.id
    page = me.get("/portal/option-order/").get_data(as_text=True)
    assert f'id="contract-warning-{pending_id}"' in page and f'value="{inactive_id}"' not in page
    assert me.get(f"/portal/option-order/?contract={inactive_id}").status_code == 404
    contract_page = me.get(f"/portal/contracts/{two['trunk']}").get_data(as_text=True)
    assert 'id="change-options"' in contract_page
    assert 'id="change-options"' not in me.get(f"/portal/contracts/{inactive_id}").get_data(as_text=True)


@pytest.mark.rule("R-WIZ-2")
def test_a_product_without_voice_skips_the_numbers_step(app, two, me):
    with app.app_context():
        from app.models import Customer
        from app.models.enums import ProductKind

        dsl = make_contract(db.session.get(Customer, two["customer"]), make_product(ProductKind.DSL),
                            status=ContractStatus.ACTIVE)
        db.session.commit()
        dsl_id = dsl.id
    page = me.get(f"/portal/option-order/?contract={dsl_id}")
    response = me.post("/portal/option-order/", data={"csrf_token": csrf_token_from(page.get_data(as_text=True)),
                                                      "contract": str(dsl_id)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/options")
    draft = int(re.search(r"/option-order/(\d+)/options", response.headers["Location"]).group(1))
    assert me.get(f"/portal/option-order/{draft}/numbers").headers["Location"].endswith("/options")
    options = me.get(f"/portal/option-order/{draft}/options").get_data(as_text=True)
    assert f"/portal/option-order/{draft}/numbers" not in options  # no step 2 in the steps, Back leads to step 1


@pytest.mark.rule("S12", "R-WIZ-2")
def test_an_oversize_upload_is_refused_with_a_clear_page_and_stores_nothing(app, two, me):
    draft = _start(me, two["trunk"])
    url = f"/portal/option-order/{draft}/numbers"
    token = _token(me, url)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 4096
    try:
        response = me.post(url, data={"csrf_token": token, "kind": "port_single", **world_of.porting(),
                                      "file": (io.BytesIO(world_of.PDF + b"0" * 8192), "gross.pdf")},
                           content_type="multipart/form-data")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)
    with app.app_context():
        from app.models import DraftUpload

        assert db.session.scalar(select(func.count(DraftUpload.id)).where(DraftUpload.draft_id == draft)) == 0
        assert db.session.get(OrderDraft, draft).data.get("additions") == []


@pytest.mark.rule("R-WIZ-7")
def test_back_to_step_one_and_forth_keeps_the_draft_and_another_contract_starts_afresh(app, two, me):
    draft = _start(me, two["trunk"])
    base = f"/portal/option-order/{draft}"
    _post(me, f"{base}/options", {f"total-booked:{two['channels']}": "11", f"total-booked:{two['router']}": "1",
                                  "go": "next"})
    step_one = me.get(f"/portal/option-order/?draft={draft}").get_data(as_text=True)
    assert f'id="contract-{two["trunk"]}" value="{two["trunk"]}" checked' in step_one
    again = me.post(f"/portal/option-order/?draft={draft}",
                    data={"csrf_token": csrf_token_from(step_one), "contract": str(two["trunk"])})
    assert again.headers["Location"].endswith(f"{base}/numbers")
    assert 'value="11"' in me.get(f"{base}/options").get_data(as_text=True)
    assert "8 → 11" in me.get(f"{base}/summary").get_data(as_text=True)


@pytest.mark.rule("R-WIZ-6", "R3")
def test_two_tabs_submitting_at_once_give_one_order(app, two, me):
    draft = _start(me, two["trunk"])
    base = f"/portal/option-order/{draft}"
    _post(me, f"{base}/options", {f"total-booked:{two['channels']}": "11", f"total-booked:{two['router']}": "1",
                                  "go": "next"})
    tabs = [me, _client(app, two["user"])]
    tokens = [_token(tab, f"{base}/summary") for tab in tabs]

    def submit(i):
        response = tabs[i].post(f"{base}/summary", data={"csrf_token": tokens[i], "hotline_password": two["hotline"]})
        return response.status_code

    codes = race(app, submit)
    assert sorted(codes) in ([302, 404], [200, 302]), codes  # the loser: the draft is gone, or "already submitted"
    with app.app_context():
        assert db.session.scalar(select(func.count(Order.id)).where(Order.customer_id == two["customer"])) == 1
