"""Submitting the option order (R-WIZ-6, R-DOC-2, QUALITY R2, R3, P8).

Checks first (the customer password, counted; then the whole draft against the
database as it is now), then one transaction: the draft is claimed by deleting it
(only one of two submits of one draft at once can delete it, and the order's unique
`submission_key` is the draft's token besides), the order of kind Optionsänderung
with its items and work steps, the uploads as contract documents linked to their
items, removals marked on the numbers, the audit entry and the confirmation email.
Any fault rolls all of it back: no order, item, document or message, and the draft
with its uploads is still there to submit again.
"""
from __future__ import annotations

import secrets
from datetime import date

from flask import current_app
from flask_babel import force_locale, gettext as _, lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Document, DraftUpload, Order, OrderDraft, OrderItem, OrderStep, PhoneNumber
from app.models.enums import NumberStatus, OrderKind, OrderStatus, StepStatus
from app.models.porting_state import PortingState
from app.models.mixins import utcnow
from app.services import audit
from app.services.documents import discard_stored

from . import changes as summaries, confirmation, drafts, hotline, numbers
from .uploads import draft_uploads

SUBMITTED = "option_order_submitted"
ALREADY_SUBMITTED = _l("This option order has already been submitted; you find it under \"Your orders\".")


def _order_number() -> str:
    """A new order number: A, the date, six random digits (unique in the table)."""
    return f"A{utcnow():%y%m%d}{secrets.randbelow(10**6):06d}"


def _step_names(summary) -> list[str]:
    """The work steps of an option change, written in the product's language like every stored step."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "de")):
        names = [_("Order received"), _("Order checked by customer service")]
        if any(c.porting for c in summary.changes):
            names.append(_("Porting requested from the current provider"))
        if any(c.number_kind is not None for c in summary.changes):
            names.append(_("Numbers set up"))
        names += [_("Options switched"), _("Order completed")]
    return names


def _item_description(change) -> str:
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "de")):
        return f"{change.change.label}: {change.name}"[:250]


def _claim(draft) -> bool:
    """Delete the draft (and its upload rows) if it is still there: the first write, so a second submit waits."""
    db.session.execute(delete(DraftUpload).where(DraftUpload.draft_id == draft.id)
                       .execution_options(synchronize_session=False))
    claimed = db.session.execute(
        delete(OrderDraft).where(OrderDraft.id == draft.id, OrderDraft.customer_id == draft.customer_id,
                                 OrderDraft.user_id == draft.user_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    return claimed == 1


def submit(customer, user, draft_id, hotline_password: str | None, today: date | None = None) -> Order:
    """Create the order from the user's draft, all or nothing; return it (committed)."""
    today = today or date.today()
    draft = drafts.load(customer, user, draft_id)
    hotline.check(customer, user, hotline_password)
    draft = drafts.load(customer, user, draft_id)
    files = draft_uploads(draft)  # read once: the checks look them up, the order takes them (issue 20)
    summary = summaries.plan(draft, today, files)
    if not summary.changes:
        raise drafts.invalid({"changes": [_l("Your option order holds no change yet.")]})
    uploads = {u.id: (u.doc_type, u.filename, u.storage_key, u.mime_type, u.size_bytes, u.sha256) for u in files}
    token = draft.token
    used = {c.upload.id for c in summary.changes if c.upload is not None}
    try:
        if not _claim(draft):
            raise drafts.invalid({"changes": [ALREADY_SUBMITTED]})
        order = place(customer, user, summary, key=token, uploads=uploads, today=today)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        # The order of this draft exists already (another submit won meanwhile); anything else is a fault.
        if db.session.scalar(select(Order.id).where(Order.submission_key == token)) is None:
            raise
        raise drafts.invalid({"changes": [ALREADY_SUBMITTED]}) from None
    except Exception:
        db.session.rollback()
        raise
    # Files uploaded but used by no change have no document: they go with the draft.
    for ident, upload in uploads.items():
        if ident not in used:
            discard_stored(upload[2])
    return order


def place(customer, user, summary, *, key: str | None, uploads: dict | None = None, today: date | None = None,
          event: str = SUBMITTED) -> Order:
    """The order of kind Optionsänderung for checked changes: items, work steps, documents, audit, confirmation.

    The one path every booking takes (the wizard's submit, a single option booked from
    a ticket or the company data): written into the caller's transaction, flushed, not
    committed. `key` is the order's unique submission key (one booking, one order);
    `uploads` maps a draft upload's id to its stored file (the wizard's only).
    """
    today = today or date.today()
    uploads = uploads or {}
    contract = summary.contract
    documents: dict[int, Document] = {}
    order = Order(customer_id=customer.id, order_number=_order_number(), contract_id=contract.id,
                  kind=OrderKind.OPTION_CHANGE, status=OrderStatus.PROVISIONING, created_by_id=user.id,
                  submission_key=key)
    db.session.add(order)
    for change in summary.changes:
        document = None
        if change.upload is not None:
            # One document per file, however many items it came with (one porting form, several numbers).
            if change.upload.id not in documents:
                documents[change.upload.id] = _document(customer, contract, order, uploads[change.upload.id],
                                                        today)
            document = documents[change.upload.id]
        porting = change.porting or {}
        db.session.add(OrderItem(
            customer_id=customer.id, order=order, change=change.change, description=_item_description(change),
            option_type_id=change.option_type.id if change.option_type else None,
            contract_option_id=change.contract_option.id if change.contract_option else None,
            location_id=change.location.id if change.location else None,
            phone_number_id=change.phone_number.id if change.phone_number else None,
            number_order_kind=change.number_kind, number_count=change.number_count,
            quantity_before=change.before, quantity_after=change.after,
            monthly_price=change.unit_monthly or 0, one_time_price=change.one_time or 0,
            effective_date=date.fromisoformat(porting["desired_date"]) if porting else None,
            document=document, porting_carrier=porting.get("carrier"),
            porting_numbers=numbers.porting_numbers_text(porting) if porting else None,
            porting_owner=porting.get("owner"),
            porting_state=PortingState.FORM_RECEIVED if porting else None,
        ))
    _mark_removals([c.phone_number.id for c in summary.changes if c.phone_number is not None])
    for position, name in enumerate(_step_names(summary), start=1):
        done = position == 1
        db.session.add(OrderStep(customer_id=customer.id, order=order, position=position, name=name,
                                 status=StepStatus.DONE if done else StepStatus.PENDING,
                                 completed_at=utcnow() if done else None))
    db.session.flush()
    audit.record(event, user, object_type="order", object_id=str(order.id),
                 details=f"{order.order_number} {contract.contract_number}: {len(summary.changes)} changes")
    confirmation.queue_confirmation(order, summary)
    return order


def _document(customer, contract, order, upload, today) -> Document:
    """R-DOC-2: the upload becomes a contract document; its file stays where it is, under its key."""
    doc_type, filename, storage_key, mime_type, size, sha256 = upload
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE", "de")):
        title = f"{doc_type.label} – {order.order_number}"
    document = Document(customer_id=customer.id, doc_type=doc_type, title=title[:200], filename=filename,
                        storage_key=storage_key, mime_type=mime_type, size_bytes=size, sha256=sha256,
                        document_date=today, contract_id=contract.id, order=order, released=True)
    db.session.add(document)
    return document


def _mark_removals(ids: list[int]) -> None:
    """R-WIZ-3: the removal is carried out with the order: the numbers are marked, only if still active."""
    if not ids:
        return
    changed = db.session.execute(
        update(PhoneNumber).where(PhoneNumber.id.in_(ids), PhoneNumber.status == NumberStatus.ACTIVE)
        .values(status=NumberStatus.REMOVAL_ORDERED).execution_options(synchronize_session=False)
    ).rowcount
    if changed != len(ids):
        raise drafts.invalid({"removals": [_l("A number to remove has changed meanwhile. Please check step 2 "
                                              "again.")]})

