"""Contracts of the signed-in customer: list and detail (R-CON-1..3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import bindparam, select
from sqlalchemy.orm import defer, selectinload

from app.extensions import db
from app.models import Contract, ContractOption, Location, PhoneNumber, Product, SipAccount
from app.models.enums import ContractStatus, ProductKind
from app.services.contract_terms import end_of_term, option_reduction_date
from app.services.portal.paging import KeptPages, Page, Sort, order_by, paginate, parse_sort
from app.services.provisioning.base import DEFAULT_SIP_PROXY
from app.services.tenancy import get_owned_or_404, scoped, scoped_template, tenant_params

# R-CON-1/R-CON-5: only an active contract may be changed.
CHANGEABLE = frozenset({ContractStatus.ACTIVE})
SORT_COLUMNS = {"number": Contract.contract_number, "status": Contract.status, "start": Contract.start_date}
DEFAULT_SORT = "number"
# Lists never show the SIP password: not read, so not decrypted once per row (issue 20, P10).
LIST_OPTIONS = (defer(Contract.sip_password),)


def parse_contract_sort(raw) -> Sort:
    return parse_sort(raw, SORT_COLUMNS, DEFAULT_SORT)


def list_contracts(page: int, status: ContractStatus | None = None, kind: ProductKind | None = None,
                   sort: Sort | None = None) -> Page:
    """One page of the customer's contracts, optionally of one status or product kind."""
    statement = order_by(scoped(Contract).options(*LIST_OPTIONS), sort or parse_contract_sort(None), SORT_COLUMNS,
                         Contract.id)
    if status is not None:
        statement = statement.where(Contract.status == status)
    if kind is not None:
        statement = statement.where(Contract.product_id.in_(select(Product.id).where(Product.kind == kind)))
    return paginate(statement, page)


def cloud_phone_contracts(page: int = 1, per_page: int | None = None) -> Page:
    """R-PBX-1: one page of the customer's cloud.phone contracts that are not terminated."""
    return _CLOUD_PHONE.page(tenant_params(), page, per_page)


# Built once per process (issue 20); the customer comes with tenant_params() on each request.
_CLOUD_PHONE = KeptPages(scoped_template(Contract).options(*LIST_OPTIONS).where(
    Contract.product_id.in_(select(Product.id).where(Product.kind == ProductKind.CLOUD_PHONE)),
    Contract.status != ContractStatus.INACTIVE,
).order_by(Contract.contract_number, Contract.id))


@dataclass
class LocationBlock:
    location: Location
    options: list[ContractOption] = field(default_factory=list)
    numbers: list[PhoneNumber] = field(default_factory=list)


@dataclass
class ContractDetail:
    contract: Contract
    options: list[ContractOption]  # all of them, in booking order (also what gating reads its features from)
    end_of_term: date | None
    general_options: list[ContractOption]
    locations: list[LocationBlock]
    unplaced_numbers: list[PhoneNumber]
    sip_accounts: list[SipAccount]
    changeable: bool
    # R-CON-3: usernames and proxy come from our database at once; registered/locked from the network.
    sip_proxy: str = DEFAULT_SIP_PROXY
    has_sip: bool = False
    # R-CON-2: for "Inaktiv – Schwebend" the end of term is the termination date (if known).
    end_is_termination: bool = False

    @staticmethod
    def reducible_from(option: ContractOption) -> date:
        """R-WIZ-5: from when a booked option may be reduced or cancelled; the wizard refuses with the same date."""
        return option_reduction_date(option)

    @property
    def monthly_total(self):
        total = self.contract.product.monthly_price or 0
        for option in self.general_options + [o for block in self.locations for o in block.options]:
            total += (option.monthly_price or 0) * (option.quantity or 1)
        return total


def contract_detail(raw_id, today: date | None = None) -> ContractDetail:
    """The contract with product, options by location, numbers and SIP accounts; a fixed number of queries."""
    contract = get_owned_or_404(Contract, raw_id)
    params = tenant_params(contract_id=contract.id)
    options = db.session.scalars(_DETAIL_OPTIONS, params).all()
    locations = db.session.scalars(_DETAIL_LOCATIONS, params).all()
    numbers = db.session.scalars(_DETAIL_NUMBERS, params).all()
    sip_accounts = db.session.scalars(_DETAIL_SIP_ACCOUNTS, params).all()
    blocks = {location.id: LocationBlock(location) for location in locations}
    general = []
    for option in options:
        (blocks[option.location_id].options if option.location_id in blocks else general).append(option)
    unplaced = []
    for number in numbers:
        (blocks[number.location_id].numbers if number.location_id in blocks else unplaced).append(number)
    end, end_is_termination = _end_of_term(contract, today or date.today())
    return ContractDetail(
        contract=contract,
        options=options,
        end_of_term=end,
        general_options=general,
        locations=list(blocks.values()),
        unplaced_numbers=unplaced,
        sip_accounts=list(sip_accounts),
        changeable=contract.status in CHANGEABLE,
        sip_proxy=contract.sip_proxy or DEFAULT_SIP_PROXY,
        has_sip=bool(sip_accounts) or contract.sip_password is not None,
        end_is_termination=end_is_termination,
    )


# The detail's statements, built once per process (issue 20); run with tenant_params(contract_id=...).
_DETAIL_OPTIONS = scoped_template(ContractOption).where(ContractOption.contract_id == bindparam("contract_id")) \
    .order_by(ContractOption.start_date, ContractOption.id)
_DETAIL_LOCATIONS = scoped_template(Location).where(Location.contract_id == bindparam("contract_id")) \
    .order_by(Location.name, Location.id)
_DETAIL_NUMBERS = scoped_template(PhoneNumber).where(PhoneNumber.contract_id == bindparam("contract_id")) \
    .order_by(PhoneNumber.area_code, PhoneNumber.subscriber_number)
_DETAIL_SIP_ACCOUNTS = scoped_template(SipAccount).where(SipAccount.contract_id == bindparam("contract_id")) \
    .order_by(SipAccount.username)


def _end_of_term(contract: Contract, today: date) -> tuple[date | None, bool]:
    """(date shown as end of term, whether it is the termination date).

    Running contracts show the earliest end if notice is given today; a contract being
    terminated ("Inaktiv – Schwebend") shows its termination date when the carrier entered one.
    """
    if contract.status in (ContractStatus.ACTIVE, ContractStatus.BLOCKED):
        return end_of_term(contract.start_date, contract.minimum_term_months, contract.notice_period_months,
                           contract.renewal_period_months, today), False
    if contract.status == ContractStatus.INACTIVE_PENDING and contract.terminated_on is not None:
        return contract.terminated_on, True
    return None, False


def owned_contract(raw_id) -> Contract:
    return get_owned_or_404(Contract, raw_id)


__all__ = ["list_contracts", "contract_detail", "cloud_phone_contracts", "owned_contract", "selectinload"]
