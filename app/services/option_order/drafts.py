"""The wizard's server-side draft: start, load, discard, expire (R-WIZ-1, R-WIZ-7).

Every function takes the acting customer and user explicitly. A draft belongs to
one user of one customer: anyone else's draft id reads like one that does not
exist (NotFound). What the draft holds (`OrderDraft.data`):

    additions:     [{key, kind, count, location_id, upload_id, porting: {...}}]   numbers to add
    removals:      [phone_number_id, …]                                           numbers to remove
    booked:        {contract_option_id: new total}                                 booked options changed
    added_options: [{option_type_id, location_id, quantity}]                       options to book
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.util import identity_key

from app.extensions import db
from app.models import Contract, DraftUpload, OrderDraft, Product
from app.models.enums import ContractStatus
from app.models.bilingual import in_language, page_language
from app.models.mixins import utcnow
from app.services.documents import discard_stored
from app.services.errors import Invalid, NotFound
from app.services.portal.plain import plain_rows
from app.services.tenancy import TENANT_PARAM, parse_id, scoped_template

# R-WIZ-1: the wizard offers these contracts; the pending one with a warning.
OFFERED_STATUSES = (ContractStatus.ACTIVE, ContractStatus.ACTIVE_PENDING)
PENDING_WARNING = _l(
    "This contract is still being provisioned. If its provisioning order is cancelled, the options you "
    "book now lapse too, and they may already have caused costs."
)


class CustomerRef:
    """The acting customer as the wizard's reads need it: its id only (from `tenancy.tenant_id()`).

    A page that only shows a draft names the customer to scope its reads; loading the customer's row for
    that costs a statement per page (issue 20, P10). Writes take the customer's row (`current_customer()`)."""

    __slots__ = ("id",)

    def __init__(self, customer_id: int):
        self.id = customer_id


def invalid(fields: dict[str, list]) -> Invalid:
    """An Invalid carrying every message, also by form field (`exc.fields`) for the wizard's pages."""
    fields = {name: [str(m) for m in texts] for name, texts in fields.items() if texts}
    error = Invalid(*[m for texts in fields.values() for m in texts])
    error.fields = fields
    return error


def not_found() -> NotFound:
    return NotFound(_l("This option order does not exist or has expired. Please start again."))


@dataclass(frozen=True)
class ContractChoice:
    """A contract step 1 offers (a row of `OFFERED_COLUMNS`), and whether the Aktiv – Schwebend warning applies."""

    contract: object
    warning: str | None

    @property
    def product_name(self) -> str:
        """The product's name in the page's language (as `Product.display_name`)."""
        return in_language(self.contract.product_name, self.contract.product_name_en, page_language() == "en")


# Step 1's list, built once per process with the customer as a bound parameter, plain rows of only the
# shown columns (issue 20, P10: no Contract/Product entities, no SIP password decrypted).
OFFERED_COLUMNS = (Contract.id, Contract.contract_number, Contract.status, Contract.product_id,
                   Product.name.label("product_name"), Product.name_en.label("product_name_en"))
_OFFERED = (scoped_template(Contract, *OFFERED_COLUMNS).join(Product, Product.id == Contract.product_id)
            .where(Contract.status.in_(OFFERED_STATUSES)).order_by(Contract.contract_number, Contract.id))


def offered_contracts(customer) -> list[ContractChoice]:
    """R-WIZ-1: the customer's contracts in status Aktiv or Aktiv – Schwebend, by number."""
    # Read before any write of the request, so nothing waits to be flushed (issue 20, P9).
    rows = plain_rows(_OFFERED, {TENANT_PARAM: customer.id}).all()
    warning = str(PENDING_WARNING)
    return [ContractChoice(r, warning if r.status is ContractStatus.ACTIVE_PENDING else None) for r in rows]


def offered_choice(choices: list[ContractChoice], contract_id) -> int:
    """The id of contract `contract_id` among step 1's `choices` (`offered_contracts` of the acting customer);
    NotFound for any other id, as `offered_contract` (issue 20, P10: no second statement, no Contract entity)."""
    ident = _ident(contract_id)
    if ident is not None:
        for choice in choices:
            if choice.contract.id == ident:
                return ident
    raise NotFound(_l("This contract cannot be changed in the option order."))


def offered_contract(customer, contract_id) -> Contract:
    """One contract of the customer that the wizard may change; NotFound for any other id."""
    contract = _owned(Contract, customer, contract_id)
    if contract is None or contract.status not in OFFERED_STATUSES:
        raise NotFound(_l("This contract cannot be changed in the option order."))
    return contract


def _owned(model, customer, raw_id):
    """The row of `model` with this id when it belongs to `customer`, else None (ids of others look absent)."""
    ident = _ident(raw_id)
    if ident is None:
        return None
    return db.session.scalar(select(model).where(model.id == ident, model.customer_id == customer.id))


def lifetime():
    return current_app.config["ORDER_DRAFT_LIFETIME"]


def start(customer, user, contract_id, now: datetime | None = None) -> OrderDraft:
    """Step 1: a new draft for one of the customer's offered contracts (committed)."""
    contract = offered_contract(customer, contract_id)
    now = now or utcnow()
    draft = OrderDraft(customer_id=customer.id, user_id=user.id, contract_id=contract.id,
                       token=secrets.token_hex(32), data=empty_data(), expires_at=now + lifetime())
    db.session.add(draft)
    db.session.commit()
    return draft


def empty_data() -> dict:
    return {"additions": [], "removals": [], "booked": {}, "added_options": []}


# The draft with its contract (and the contract's product, joined by the model) in one statement, built once
# per process with the customer as a bound parameter; the SIP password stays unread (issue 20, P10: every
# step shows the contract, and a lazy load would decrypt the password for nothing).
_DRAFT = (scoped_template(OrderDraft).where(OrderDraft.id == bindparam("draft_id_"))
          .options(joinedload(OrderDraft.contract, innerjoin=True).defer(Contract.sip_password)))


def load(customer, user, draft_id, now: datetime | None = None) -> OrderDraft:
    """The user's own, unexpired draft; NotFound for anyone else's id or an expired one.

    A page asks twice (the view, then the step's service): the second time the draft this request already
    loaded through the customer's statement is taken again, its owner checked once more.
    """
    draft = _loaded_draft(customer, draft_id)
    if draft is None or draft.user_id != user.id or draft.expires_at <= (now or utcnow()):
        raise not_found()
    return draft


def _ident(raw_id) -> int | None:
    """An id from the URL or a form, or None when it is none (ASCII digits only: "١" or "²" are no ids, R7)."""
    if isinstance(raw_id, int) and not isinstance(raw_id, bool):
        raw_id = str(raw_id)
    try:
        return parse_id(raw_id)
    except NotFound:
        return None


def _loaded_draft(customer, raw_id):
    ident = _ident(raw_id)
    if ident is None:
        return None
    known = db.session.identity_map.get(identity_key(OrderDraft, ident))
    # Only as loaded (not expired by a commit or rollback since: then it is read again, or found gone).
    if known is not None and not inspect(known).expired_attributes and known.customer_id == customer.id:
        return known
    return db.session.scalar(_DRAFT, {"draft_id_": ident, TENANT_PARAM: customer.id})


def save(draft: OrderDraft, data: dict, now: datetime | None = None) -> None:
    """Store a changed draft and push its expiry back (a draft in use does not expire); commits."""
    draft.data = {**empty_data(), **data}
    draft.expires_at = (now or utcnow()) + lifetime()
    db.session.commit()


def data_of(draft: OrderDraft) -> dict:
    """A copy of the draft's data to change and `save` (JSON columns notice only a new value)."""
    import copy

    return {**empty_data(), **copy.deepcopy(draft.data or {})}


def read_data(draft: OrderDraft) -> dict:
    """The draft's data to read only (the pages and the summary): not copied, so never to be changed or saved
    (issue 20, P10: a deep copy per read was a tenth of the summary's plan)."""
    return {**empty_data(), **(draft.data or {})}


def discard(customer, user, draft_id) -> None:
    """Abandon the wizard: the draft and its uploads go, nothing else changes (R-WIZ-7)."""
    draft = load(customer, user, draft_id)
    keys = [u.storage_key for u in draft.uploads]
    db.session.delete(draft)
    db.session.commit()
    for key in keys:
        discard_stored(key)


def purge_expired(now: datetime | None = None, batch: int = 200) -> int:
    """Delete expired drafts with their uploads and files; idempotent (R4). Returns how many drafts.

    Rows go first and are committed, then their files: a crash in between leaves only
    unreferenced files, never a row without its file.
    """
    now = now or utcnow()
    total = 0
    while True:
        ids = db.session.scalars(
            select(OrderDraft.id).where(OrderDraft.expires_at <= now).order_by(OrderDraft.id).limit(batch)
        ).all()
        if not ids:
            return total
        # Only drafts still expired: one saved meanwhile got a new expiry and keeps its uploads.
        expired = select(OrderDraft.id).where(OrderDraft.id.in_(ids), OrderDraft.expires_at <= now)
        keys = db.session.scalars(select(DraftUpload.storage_key).where(DraftUpload.draft_id.in_(expired))).all()
        db.session.execute(delete(DraftUpload).where(DraftUpload.draft_id.in_(expired))
                           .execution_options(synchronize_session=False))
        db.session.execute(delete(OrderDraft).where(OrderDraft.id.in_(ids), OrderDraft.expires_at <= now)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        db.session.expunge_all()
        for key in keys:
            discard_stored(key)
        total += len(ids)
