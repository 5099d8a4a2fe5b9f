"""The option-order wizard's steps as services (R-WIZ-1..5, R-WIZ-7, S12): real database, no views."""
from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from flask_babel import format_date
from sqlalchemy import func, select

from app.extensions import db
from app.models import ContractOption, DraftUpload, Order, OrderDraft, PhoneNumber
from app.models.enums import ContractStatus, DocumentType, NumberStatus, ProductKind
from app.models.mixins import utcnow
from app.services import option_order as wizard
from app.services.contract_terms import earliest_reduction_date, option_reduction_date
from app.services.documents import _path_for_key
from app.services.errors import Invalid, NotFound
from app.services.jobs.registry import run_job
from tests import option_order_world as world
from tests.factories import make_contract, make_product


def _draft(w):
    return wizard.start(w.customer, w.user, w.trunk.id)


# --- step 1 -------------------------------------------------------------------
@pytest.mark.rule("R-WIZ-1")
def test_only_active_and_active_pending_contracts_are_offered_with_the_pending_warning(app_ctx):
    w = world.build()
    pending = make_contract(w.customer, status=ContractStatus.ACTIVE_PENDING)
    others = [make_contract(w.customer, status=s) for s in
              (ContractStatus.BLOCKED, ContractStatus.INACTIVE_PENDING, ContractStatus.INACTIVE)]
    db.session.commit()
    offered = {c.contract.id: c.warning for c in wizard.offered_contracts(w.customer)}
    assert set(offered) == {w.trunk.id, pending.id}
    assert offered[w.trunk.id] is None
    assert "Bereitstellungsauftrag" in offered[pending.id] and "Kosten" in offered[pending.id]
    assert wizard.start(w.customer, w.user, pending.id).contract_id == pending.id
    for contract in others:
        with pytest.raises(NotFound):
            wizard.start(w.customer, w.user, contract.id)
    for bad in ("x", None, -1, 2**40):
        with pytest.raises(NotFound):
            wizard.start(w.customer, w.user, bad)


# --- step 2 -------------------------------------------------------------------
@pytest.mark.rule("R-WIZ-2")
def test_numbers_step_is_skipped_for_non_voice_and_adding_is_for_sip_products_only(app_ctx):
    w = world.build()
    dsl = make_contract(w.customer, make_product(ProductKind.DSL))
    smart = make_contract(w.customer, make_product(ProductKind.VOICE_SMART))
    db.session.commit()
    dsl_draft = wizard.start(w.customer, w.user, dsl.id)
    assert wizard.number_step(w.customer, w.user, dsl_draft.id).applies is False
    smart_draft = wizard.start(w.customer, w.user, smart.id)
    step = wizard.number_step(w.customer, w.user, smart_draft.id)
    assert step.applies is True and step.can_add is False
    with pytest.raises(Invalid) as refused:
        wizard.add_numbers(w.customer, w.user, smart_draft.id, {"kind": "new_block_032"})
    assert "SIP-Trunk" in str(refused.value)
    trunk_step = wizard.number_step(w.customer, w.user, _draft(w).id)
    assert trunk_step.can_add and len(trunk_step.kinds) == 6
    assert {label for _, label in trunk_step.kinds} >= {"Neuer Rufnummernblock (Vorwahl 032)",
                                                        "Neue Portierung Einzelrufnummer"}


@pytest.mark.rule("R-WIZ-2", "R7")
@pytest.mark.parametrize("count, ok", [(0, False), (1, True), (10, True), (11, False), ("drei", False)])
def test_single_numbers_come_one_to_ten_at_a_time(app_ctx, count, ok):
    w = world.build()
    draft = _draft(w)
    entry = {"kind": "new_single_032", "count": count}
    if ok:
        assert wizard.add_numbers(w.customer, w.user, draft.id, entry)["count"] == count
    else:
        with pytest.raises(Invalid) as refused:
            wizard.add_numbers(w.customer, w.user, draft.id, entry)
        assert refused.value.fields["count"] == ["Einzelrufnummern können zu 1 bis 10 Stück hinzugebucht werden."]
        assert wizard.load(w.customer, w.user, draft.id).data["additions"] == []


@pytest.mark.rule("R-WIZ-2", "S12")
def test_local_numbers_need_a_location_and_a_proof_unless_its_address_is_verified(app_ctx):
    w = world.build()
    draft = _draft(w)
    with pytest.raises(Invalid) as no_location:
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "new_block_local"})
    assert "location_id" in no_location.value.fields
    with pytest.raises(Invalid) as no_proof:
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "new_block_local", "location_id": w.location.id})
    assert "Adressnachweis" in no_proof.value.fields["upload_id"][0]
    verified = wizard.add_numbers(w.customer, w.user, draft.id,
                                  {"kind": "new_single_local", "count": 2, "location_id": w.verified_location.id})
    assert verified["upload_id"] is None
    proof = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.ADDRESS_PROOF, *world.pdf("Nachweis.pdf"))
    # A porting form does not prove an address: the upload's type must fit.
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    with pytest.raises(NotFound):
        wizard.add_numbers(w.customer, w.user, draft.id,
                           {"kind": "new_block_local", "location_id": w.location.id, "upload_id": form.id})
    added = wizard.add_numbers(w.customer, w.user, draft.id,
                               {"kind": "new_block_local", "location_id": w.location.id, "upload_id": proof.id})
    assert added["upload_id"] == proof.id
    assert len(wizard.load(w.customer, w.user, draft.id).data["additions"]) == 2


@pytest.mark.rule("R-WIZ-2", "R7")
def test_porting_needs_the_signed_form_and_the_porting_data(app_ctx):
    w = world.build()
    draft = _draft(w)
    with pytest.raises(Invalid) as refused:
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "porting": {
            "carrier": "", "owner": "", "number": "12", "desired_date": date.today().isoformat()}})
    assert set(refused.value.fields) == {"upload_id", "carrier", "owner", "number", "desired_date"}
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    single = wizard.add_numbers(w.customer, w.user, draft.id,
                                {"kind": "port_single", "upload_id": form.id, "porting": world.porting()})
    assert single["porting"]["number"] == "+492115550123"
    with pytest.raises(Invalid) as bad_range:
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_block", "upload_id": form.id,
                                                          "porting": world.porting(number="0211 55501",
                                                                                   extension_from="99",
                                                                                   extension_to="0")})
    assert set(bad_range.value.fields) == {"extension_from"}
    block = wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_block", "upload_id": form.id,
                                                              "porting": world.porting(number="+49 211 55501",
                                                                                       extension_from="00",
                                                                                       extension_to="99")})
    assert block["porting"]["extension_to"] == "99"
    with pytest.raises(Invalid):  # not a German number
        wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                          "porting": world.porting(number="+44 20 7946 0958")})


@pytest.mark.rule("R-WIZ-3")
def test_removal_is_only_noted_and_one_number_must_remain(app_ctx):
    w = world.build()
    draft = _draft(w)
    first, second = w.numbers
    assert "Nutzungsrecht" in wizard.number_step(w.customer, w.user, draft.id).warning
    wizard.mark_removal(w.customer, w.user, draft.id, first.id)
    with pytest.raises(Invalid) as refused:
        wizard.mark_removal(w.customer, w.user, draft.id, second.id)
    assert refused.value.fields["removals"] == ["Mindestens eine Rufnummer muss im Vertrag bleiben."]
    assert db.session.get(PhoneNumber, first.id).status is NumberStatus.ACTIVE  # carried out only on submit
    wizard.unmark_removal(w.customer, w.user, draft.id, first.id)
    wizard.mark_removal(w.customer, w.user, draft.id, second.id)
    assert wizard.number_step(w.customer, w.user, draft.id).removals == {second.id}


# --- step 3 -------------------------------------------------------------------
@pytest.mark.rule("R-WIZ-4")
def test_options_step_preselects_booked_and_offers_every_bookable_option(app_ctx):
    w = world.build()
    draft = _draft(w)
    lines = {line.key: line for line in wizard.option_step(w.customer, w.user, draft.id)}
    assert lines[f"booked:{w.channels.id}"].chosen == 8
    assert lines[f"booked:{w.router.id}"].chosen == 1
    assert lines[f"new:{w.failover_type.id}:"].chosen == 0
    assert f"new:{w.channel_type.id}:" not in lines  # booked already: changed through its own line


@pytest.mark.rule("R-WIZ-4", "R-WIZ-6")
@pytest.mark.parametrize("total, marker, before_after", [(11, "Geändert", (8, 11)), (5, "Reduziert (gekündigt)", (8, 5)),
                                                         (0, "Reduziert (gekündigt)", (8, 0))])
def test_quantity_options_take_the_new_total(app_ctx, total, marker, before_after):
    w = world.build()
    draft = _draft(w)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": total})
    change, = wizard.summary(w.customer, w.user, draft.id).changes
    assert (str(change.change.label), (change.before, change.after)) == (marker, before_after)
    assert db.session.get(ContractOption, w.channels.id).quantity == 8  # nothing changes before the submit


@pytest.mark.rule("R-WIZ-4", "R7")
def test_totals_outside_the_catalogue_limits_are_refused(app_ctx):
    w = world.build()
    draft = _draft(w)
    with pytest.raises(Invalid) as refused:
        wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 241,
                                                             f"new:{w.failover_type.id}:": 2})
    assert set(refused.value.fields) == {f"booked:{w.channels.id}", f"new:{w.failover_type.id}:"}
    assert "1 bis 240" in refused.value.fields[f"booked:{w.channels.id}"][0]
    with pytest.raises(Invalid):
        wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": "elf"})


@pytest.mark.rule("R-WIZ-5")
def test_reduction_before_the_minimum_term_is_refused_with_the_date(app_ctx):
    w = world.build()
    draft = _draft(w)
    expected = earliest_reduction_date(w.router.start_date, 24)
    assert option_reduction_date(w.router) == expected == w.router.start_date + relativedelta(months=24)
    with pytest.raises(Invalid) as refused:
        wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.router.id}": 0})
    message = refused.value.fields[f"booked:{w.router.id}"][0]
    assert format_date(expected) in message and "Mindestlaufzeit" in message
    # On that very day the same cancellation goes through.
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.router.id}": 0}, today=expected)
    # An increase is always possible.
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 9})


@pytest.mark.rule("R-WIZ-5", "R-WIZ-4")
def test_an_option_without_a_catalogue_rule_says_so_and_is_not_changed(app_ctx):
    w = world.build()
    draft = _draft(w)
    line = next(line for line in wizard.option_step(w.customer, w.user, draft.id) if line.key == f"booked:{w.legacy.id}")
    assert line.catalogue_rule is False and "keine Regel" in line.note
    with pytest.raises(Invalid) as refused:
        wizard.choose_options(w.customer, w.user, draft.id, {line.key: 0})
    assert refused.value.fields[line.key] == [line.note]


# --- back and forth, abandoning, expiry ------------------------------------------
@pytest.mark.rule("R-WIZ-7")
def test_back_and_forth_keeps_everything_and_abandoning_changes_nothing(app_ctx):
    w = world.build()
    draft = _draft(w)
    form = wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.SIGNED_PORTING_FORM, *world.pdf())
    wizard.add_numbers(w.customer, w.user, draft.id, {"kind": "port_single", "upload_id": form.id,
                                                      "porting": world.porting()})
    wizard.mark_removal(w.customer, w.user, draft.id, w.numbers[0].id)
    wizard.choose_options(w.customer, w.user, draft.id, {f"booked:{w.channels.id}": 11})
    # Step 2 again, then step 3 again: all still there.
    again = wizard.number_step(w.customer, w.user, draft.id)
    assert len(again.additions) == 1 and again.removals == {w.numbers[0].id}
    assert {l.key: l.chosen for l in wizard.option_step(w.customer, w.user, draft.id)}[f"booked:{w.channels.id}"] == 11
    path = _path_for_key(form.storage_key)
    assert path.exists()
    wizard.discard(w.customer, w.user, draft.id)
    assert not path.exists()
    assert db.session.scalar(select(func.count(Order.id))) == 0
    assert db.session.get(ContractOption, w.channels.id).quantity == 8
    assert db.session.get(PhoneNumber, w.numbers[0].id).status is NumberStatus.ACTIVE
    with pytest.raises(NotFound):
        wizard.load(w.customer, w.user, draft.id)


@pytest.mark.rule("R-WIZ-7", "R4")
def test_expired_drafts_are_deleted_with_their_uploads_by_an_idempotent_job(app_ctx):
    w = world.build()
    old, fresh = _draft(w), _draft(w)
    upload = wizard.attach_upload(w.customer, w.user, old.id, DocumentType.ADDRESS_PROOF, *world.pdf())
    kept = wizard.attach_upload(w.customer, w.user, fresh.id, DocumentType.ADDRESS_PROOF, *world.pdf())
    db.session.get(OrderDraft, old.id).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(NotFound):
        wizard.load(w.customer, w.user, old.id)
    old_path, kept_path = _path_for_key(upload.storage_key), _path_for_key(kept.storage_key)
    fresh_id, kept_id = fresh.id, kept.id
    assert run_job("purge-order-drafts") == 1
    assert run_job("purge-order-drafts") == 0
    assert not old_path.exists() and kept_path.exists()
    assert db.session.scalars(select(OrderDraft.id)).all() == [fresh_id]
    assert db.session.scalars(select(DraftUpload.id)).all() == [kept_id]


def test_draft_lifetime_comes_from_the_configuration(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "ORDER_DRAFT_LIFETIME", timedelta(minutes=5))
    w = world.build()
    draft = _draft(w)
    assert timedelta(minutes=4) < draft.expires_at - utcnow() <= timedelta(minutes=5)


# --- uploads (S12) ------------------------------------------------------------
@pytest.mark.rule("S12", "R-WIZ-2")
@pytest.mark.parametrize("data, mime", [(world.PDF, "application/pdf"), (world.PNG, "image/png"),
                                        (world.JPEG, "image/jpeg")])
def test_pdf_jpeg_and_png_are_accepted_by_their_content(app_ctx, data, mime):
    w = world.build()
    upload = wizard.attach_upload(w.customer, w.user, _draft(w).id, DocumentType.ADDRESS_PROOF, io.BytesIO(data),
                                  "../../etc/Nachweis.exe")
    assert upload.mime_type == mime and "/" not in upload.filename and not upload.filename.endswith(".exe")
    path = _path_for_key(upload.storage_key)
    assert path.read_bytes() == data and "Nachweis" not in str(path)


@pytest.mark.rule("S12", "R7")
@pytest.mark.parametrize("data", [b"MZ\x90\x00 not a document", b"<html><script>alert(1)</script>",
                                  b"GIF89a....", b""])
def test_other_types_are_refused_by_content_whatever_their_name(app_ctx, data):
    w = world.build()
    draft = _draft(w)
    with pytest.raises(Invalid) as refused:
        wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.ADDRESS_PROOF, io.BytesIO(data), "scan.pdf")
    assert refused.value.fields["file"]
    assert db.session.scalar(select(func.count(DraftUpload.id))) == 0


@pytest.mark.rule("S12", "R7")
def test_an_oversize_upload_is_refused_with_the_limit(app_ctx, monkeypatch):
    monkeypatch.setitem(app_ctx.config, "MAX_CONTENT_LENGTH", 1024 * 1024)
    w = world.build()
    draft = _draft(w)
    big = io.BytesIO(world.PDF + b"0" * (1024 * 1024))
    with pytest.raises(Invalid) as refused:
        wizard.attach_upload(w.customer, w.user, draft.id, DocumentType.ADDRESS_PROOF, big, "gross.pdf")
    assert refused.value.fields["file"] == ["Die Datei ist größer als 1 MB."]
    assert db.session.scalar(select(func.count(DraftUpload.id))) == 0


@pytest.mark.rule("R-WIZ-5")
def test_the_contract_page_and_the_wizard_name_the_same_reduction_date(app_ctx):
    from app.services.portal.contracts import ContractDetail

    w = world.build()
    line = next(l for l in wizard.option_step(w.customer, w.user, _draft(w).id) if l.contract_option is not None
                and l.contract_option.id == w.router.id)
    assert ContractDetail.reducible_from(w.router) == line.reducible_from == option_reduction_date(w.router)


@pytest.mark.rule("R-WIZ-2", "R-BO-2")
def test_sales_verify_a_site_address_in_the_back_office_and_no_proof_is_needed_then(app, client, login):
    from app.models import Location
    from app.security.roles import SALES
    from tests.integration.backoffice_forms import form_data, staff_client

    with app.app_context():
        w = world.build()
        location_id, customer, user = w.location.id, w.customer, w.user
        db.session.expunge_all()
    staff = staff_client(app, client, login, SALES, "sales.verify")
    url = f"/locations/edit/{location_id}"
    response = staff.post(url, data=form_data(staff, url, address_verified="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.test_request_context():
        assert db.session.get(Location, location_id).address_verified is True
        customer, user = db.session.merge(customer), db.session.merge(user)
        draft = wizard.start(customer, user, db.session.get(Location, location_id).contract_id)
        added = wizard.add_numbers(customer, user, draft.id, {"kind": "new_block_local", "location_id": location_id})
        assert added["upload_id"] is None
