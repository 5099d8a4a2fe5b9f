"""Contracts of the signed-in customer: list and detail (R-CON-1..3)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from math import ceil

from sqlalchemy import bindparam, exists, select
from sqlalchemy.orm import defer

from app.extensions import db
from app.models import (Contract, ContractOption, DslAccount, Location, OptionType, Order, OrderItem, PhoneNumber,
                        Product, ProvisioningChange, SipAccount)
from app.models.enums import ContractStatus, OptionFeature, ProductKind
from app.services.contract_terms import end_of_term, option_reduction_date
from app.services.portal.language import english_page, in_language
from app.services.portal.paging import KeptPages, Page, Sort, order_by, parse_sort
from app.services.portal.plain import plain_rows
from app.services.provisioning.base import DEFAULT_SIP_PROXY
from app.services.errors import NotFound
from app.services.tenancy import get_owned_or_404, parse_id, scoped_template, tenant_params

# R-CON-1/R-CON-5: only an active contract may be changed.
CHANGEABLE = frozenset({ContractStatus.ACTIVE})
SORT_COLUMNS = {"number": Contract.contract_number, "status": Contract.status, "start": Contract.start_date}
DEFAULT_SORT = "number"
# Lists never show the SIP password: not read, so not decrypted once per row (issue 20, P10).
LIST_OPTIONS = (defer(Contract.sip_password),)


def parse_contract_sort(raw) -> Sort:
    return parse_sort(raw, SORT_COLUMNS, DEFAULT_SORT)


def list_contracts(page: int, status: ContractStatus | None = None, sort: Sort | None = None) -> Page:
    """One page of the customer's contracts (rows of `LIST_COLUMNS`), optionally of one status."""
    sort = sort or parse_contract_sort(None)
    params = tenant_params() if status is None else tenant_params(status=status)
    return _list_pages(sort.key, sort.descending, status is not None).page(params, page)


# The list shows these columns only (app/views/portal/contract_rows.contract_rows).
LIST_COLUMNS = (Contract.id, Contract.contract_number, Contract.status, Contract.start_date, Product.name,
                Product.name_en)


@lru_cache(maxsize=32)
def _list_pages(sort_key: str, descending: bool, by_status: bool) -> KeptPages:
    """The list's count and page statements for one sort order and filter, built once per process
    (issue 20, P10; run with tenant_params(), plus status= when filtered: S1)."""
    rows = scoped_template(Contract, *LIST_COLUMNS).join(Product, Product.id == Contract.product_id)
    counted = scoped_template(Contract, Contract.id)
    if by_status:
        rows, counted = (statement.where(Contract.status == bindparam("status")) for statement in (rows, counted))
    return KeptPages(order_by(rows, Sort(sort_key, descending), SORT_COLUMNS, Contract.id), counted=counted,
                     rows=True)


def cloud_phone_contracts(page: int = 1, per_page: int | None = None) -> Page:
    """R-PBX-1: one page of the customer's cloud.phone contracts that are not terminated."""
    found = CLOUD_PHONE_PAGES.page(tenant_params(), page, per_page)
    found.items = _cloud_phone_items(found.items)
    return found


def first_cloud_phone_contracts(total: int, per_page: int) -> Page:
    """`cloud_phone_contracts(1, per_page)` when the count is known (the start page reads it with its other
    counts, `overview.overview(cloud_phone=True)`): the same page, without the count's statement, and no
    statement at all when there is none."""
    if not total:
        return Page(items=[], page=1, pages=1, total=0)
    rows = plain_rows(CLOUD_PHONE_PAGES.rows, tenant_params(page_limit_=per_page, page_offset_=0))
    return Page(items=_cloud_phone_items(rows), page=1, pages=max(1, ceil(total / per_page)), total=total)


def _cloud_phone_items(rows) -> list[CloudPhoneContract]:
    english = english_page()
    products = {}
    items = []
    for contract_id, contract_number, status, product_id, name, name_en in rows:
        product = products.get(product_id)
        if product is None:
            product = products[product_id] = ShownProduct(in_language(name, name_en, english))
        items.append(CloudPhoneContract(contract_id, contract_number, status, product))
    return items


class ShownProduct:
    """What a list reads of a product: its name in the page's language (as `Product.display_name`)."""

    __slots__ = ("display_name",)

    def __init__(self, display_name: str):
        self.display_name = display_name


class CloudPhoneContract:
    """A cloud.phone contract as portal/_cloud_phone_list.html shows it, with Contract's attribute names
    (plain values of only the shown columns: no entity, no lazy product load; issue 20, P10)."""

    __slots__ = ("id", "contract_number", "status", "product")

    def __init__(self, contract_id: int, contract_number: str, status: ContractStatus, product: ShownProduct):
        self.id = contract_id
        self.contract_number = contract_number
        self.status = status
        self.product = product


# Built once per process (issue 20); the customer comes with tenant_params() on each request.
CLOUD_PHONE_PAGES = KeptPages(scoped_template(
    Contract, Contract.id, Contract.contract_number, Contract.status, Product.id, Product.name, Product.name_en,
).join(Product, Product.id == Contract.product_id).where(
    Product.kind == ProductKind.CLOUD_PHONE,
    Contract.status != ContractStatus.INACTIVE,
).order_by(Contract.contract_number, Contract.id), counted=scoped_template(Contract, Contract.id).where(
    Contract.product_id.in_(select(Product.id).where(Product.kind == ProductKind.CLOUD_PHONE)),
    Contract.status != ContractStatus.INACTIVE,
), rows=True)


@dataclass
class LocationBlock:
    location: Location  # the shown columns as a row (id, name, street, zip_code, city)
    options: list[BookedOption] = field(default_factory=list)
    numbers: list[PhoneNumber] = field(default_factory=list)  # rows of the shown columns


@dataclass
class ContractDetail:
    contract: DetailContract
    options: list[BookedOption]  # all of them, in booking order (also what gating reads its features from)
    end_of_term: date | None
    general_options: list[BookedOption]
    locations: list[LocationBlock]
    unplaced_numbers: list[PhoneNumber]
    sip_accounts: list[SipAccount]
    changeable: bool
    # R-CON-3: usernames and proxy come from our database at once; registered/locked from the network.
    sip_proxy: str = DEFAULT_SIP_PROXY
    has_sip: bool = False
    # R-CON-2: for "Inaktiv – Schwebend" the end of term is the termination date (if known).
    end_is_termination: bool = False
    # Whether a SIP password is stored (read as a presence check in SQL: nothing decrypted to show it).
    sip_password_set: bool = False
    # Whether the contract has a DSL account (read with the contract; the actions' gating needs it).
    has_dsl_account: bool = False
    # Whether the contract has self-care changes and porting items: their lists are read only if so.
    has_changes: bool = True
    has_portings: bool = True

    @property
    def accounts(self) -> tuple[bool, bool]:
        """(has a SIP account, has a DSL account), as `gating.actions_for` reads them."""
        return bool(self.sip_accounts), self.has_dsl_account

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
    found = plain_rows(_DETAIL_CONTRACT, tenant_params(owned_id_=parse_id(raw_id))).first()
    if found is None:
        raise NotFound()
    *shown, sip_password_set, has_dsl_account, has_changes, has_portings = found
    english = english_page()  # once per page
    contract = DetailContract.from_row(shown, english)
    params = tenant_params(contract_id=contract.id)
    options = _booked_options(plain_rows(_DETAIL_OPTIONS, params), english)
    locations = plain_rows(_DETAIL_LOCATIONS, params).all()
    numbers = plain_rows(_DETAIL_NUMBERS, params).all()
    sip_accounts = plain_rows(_DETAIL_SIP_ACCOUNTS, params).all()
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
        has_sip=bool(sip_accounts) or sip_password_set,
        end_is_termination=end_is_termination,
        sip_password_set=sip_password_set,
        has_dsl_account=has_dsl_account,
        has_changes=has_changes,
        has_portings=has_portings,
    )


class ShownOptionType:
    """What the contract page reads of an option's type: its name in the page's language and its feature."""

    __slots__ = ("display_name", "feature")

    def __init__(self, name: str, name_en: str | None, feature: OptionFeature, english: bool):
        self.display_name = in_language(name, name_en, english)  # as OptionType.display_name
        self.feature = feature


@dataclass(slots=True)
class BookedOption:
    """A booked option as the contract page shows it (plain values, no ORM entity: issue 20, P10); the
    attributes carry ContractOption's names, so gating and the option rows read it like the entity."""

    option_type: object
    location_id: int | None
    quantity: int
    monthly_price: object
    one_time_price: object
    start_date: date | None
    minimum_term_months: int | None
    end_date: date | None


@dataclass(frozen=True, slots=True)
class DetailProduct:
    """What the contract page reads of the contract's product (Product's attribute names)."""

    kind: ProductKind
    display_name: str
    display_description: str | None
    monthly_price: object


@dataclass(frozen=True, slots=True)
class DetailContract:
    """The contract as its page reads it: plain values, no `Contract` and `Product` entities built (issue 20,
    P9). The attributes carry Contract's names, so the template, the actions' gating (`gating.actions_for`) and
    `_end_of_term` read it like the entity; nothing is changed through it."""

    id: int
    customer_id: int
    contract_number: str
    status: ContractStatus
    start_date: date | None
    minimum_term_months: int
    notice_period_months: int
    renewal_period_months: int
    terminated_on: date | None
    sip_proxy: str | None
    product: DetailProduct

    allows_changes = property(Contract.allows_changes.fget)  # R-CON-5, the entity's own rule

    @classmethod
    def from_row(cls, values, english: bool) -> "DetailContract":
        """From the values of `DETAIL_CONTRACT_COLUMNS`, in the page's language (`english`)."""
        *own, kind, name, name_en, description, description_en, monthly_price = values
        return cls(*own, DetailProduct(kind, in_language(name, name_en, english),
                                      in_language(description, description_en, english), monthly_price))


# The columns `DetailContract.from_row` takes, in its order: the contract's, then its product's.
DETAIL_CONTRACT_COLUMNS = (
    Contract.id, Contract.customer_id, Contract.contract_number, Contract.status, Contract.start_date,
    Contract.minimum_term_months, Contract.notice_period_months, Contract.renewal_period_months,
    Contract.terminated_on, Contract.sip_proxy,
    Product.kind, Product.name, Product.name_en, Product.description, Product.description_en, Product.monthly_price,
)


def _booked_options(rows, english: bool) -> list[BookedOption]:
    types = {}
    options = []
    for type_id, name, name_en, feature, *values in rows:
        option_type = types.get(type_id)
        if option_type is None:
            option_type = types[type_id] = ShownOptionType(name, name_en, feature, english)
        options.append(BookedOption(option_type, *values))
    return options


# The detail's contract and product as plain values: the columns `DetailContract` holds, then the SIP
# password's presence instead of the password (the page only says whether there is one, so it is not
# decrypted; issue 20, P10); whether the contract has a DSL account, which the actions' gating would read in a
# statement of its own; and whether it has self-care changes and porting items, whose lists (entities) are read
# only when there are some. Each EXISTS is limited to the contract's customer, the signed-in one.
_DETAIL_CONTRACT = scoped_template(
    Contract, *DETAIL_CONTRACT_COLUMNS, Contract.sip_password.is_not(None).label("sip_password_set"),
    exists().where(DslAccount.customer_id == Contract.customer_id, DslAccount.contract_id == Contract.id)
    .label("has_dsl_account"),
    exists().where(ProvisioningChange.customer_id == Contract.customer_id,
                   ProvisioningChange.contract_id == Contract.id).label("has_changes"),
    exists().where(OrderItem.customer_id == Contract.customer_id, OrderItem.porting_state.is_not(None),
                   OrderItem.order_id == Order.id, Order.contract_id == Contract.id).label("has_portings"),
).join(Product, Product.id == Contract.product_id).where(Contract.id == bindparam("owned_id_"))
# The detail's statements, built once per process (issue 20); run with tenant_params(contract_id=...).
# Plain rows of the shown columns: the page reads them, nothing is changed through them.
_DETAIL_OPTIONS = scoped_template(
    ContractOption, OptionType.id, OptionType.name, OptionType.name_en, OptionType.feature,
    ContractOption.location_id, ContractOption.quantity, ContractOption.monthly_price, ContractOption.one_time_price,
    ContractOption.start_date, ContractOption.minimum_term_months, ContractOption.end_date,
).join(OptionType, OptionType.id == ContractOption.option_type_id) \
    .where(ContractOption.contract_id == bindparam("contract_id")) \
    .order_by(ContractOption.start_date, ContractOption.id)
_DETAIL_LOCATIONS = scoped_template(Location, Location.id, Location.name, Location.street, Location.zip_code,
                                    Location.city) \
    .where(Location.contract_id == bindparam("contract_id")).order_by(Location.name, Location.id)
_DETAIL_NUMBERS = scoped_template(PhoneNumber, PhoneNumber.location_id, PhoneNumber.country_code,
                                  PhoneNumber.area_code, PhoneNumber.subscriber_number, PhoneNumber.extension_from,
                                  PhoneNumber.extension_to) \
    .where(PhoneNumber.contract_id == bindparam("contract_id")) \
    .order_by(PhoneNumber.area_code, PhoneNumber.subscriber_number)
_DETAIL_SIP_ACCOUNTS = scoped_template(SipAccount, SipAccount.username) \
    .where(SipAccount.contract_id == bindparam("contract_id")).order_by(SipAccount.username)


def _end_of_term(contract: DetailContract, today: date) -> tuple[date | None, bool]:
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
