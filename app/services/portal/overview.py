"""The start page as a dashboard (R-HOME): what a customer needs first, per role.

Every figure is an aggregate or a short, bounded list, so the page runs the same
statements for a customer with 3 contracts and one with thousands (QUALITY P2/P5):

- contracts: a count per status (GROUP BY), the blocked ones (R-CON-1: call accounting),
  and the minimum-term ends and notice deadlines of the next 90 days (R-CON-2), worked out
  from the term columns of the running contracts by `app.services.contract_terms`;
- orders: open orders and offers waiting for the customer (R-ORD-2, R-ORD-4);
- tickets: open tickets and those flagged "contact support" (R-TIC-4);
- the latest invoice with amount, due date and state (R-INV-1).

Only the parts the caller says the user may see are read.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import case, func, select

from app.extensions import db
from app.models import Contract, Customer, Invoice, Order, Product, Ticket
from app.models.bilingual import localized_column, page_language
from app.models.enums import ContractStatus, OrderStatus, TicketStatus
from app.services import audit
from app.services.contract_terms import minimum_term_end, notice_deadline
from app.services.portal.contracts import CLOUD_PHONE_PAGES
from app.services.portal.plain import plain_rows
from app.services.tenancy import current_customer, own_customer_template, scoped, scoped_template, tenant_params

OPEN_ORDER_STATUSES = (OrderStatus.OFFER_CREATED, OrderStatus.OFFER_ACCEPTED, OrderStatus.PROVISIONING,
                       OrderStatus.PARTIALLY_PROVISIONED)
HOTLINE_PASSWORD_SHOWN = "hotline_password_shown"  # nosec B105  # an audit action's name
# Contracts whose terms still run: the ones with a minimum term or notice deadline ahead (R-CON-2).
RUNNING = (ContractStatus.ACTIVE, ContractStatus.BLOCKED)
UPCOMING_DAYS = 90
# Short lists on the start page; the list pages show the rest.
SHOWN = 5


@dataclass(frozen=True)
class ContractRef:
    id: int
    number: str
    product: str


@dataclass(frozen=True)
class TermDate:
    """A date in the next 90 days: a minimum term ends, or the last day to give notice."""

    when: date
    kind: str  # "minimum_term_end" or "notice_deadline"
    contract: ContractRef
    ends_on: date | None = None  # for a notice deadline: the end that notice reaches


@dataclass
class ContractsAtAGlance:
    by_status: dict[ContractStatus, int]
    blocked: list[ContractRef]
    upcoming: list[TermDate]
    upcoming_total: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def blocked_total(self) -> int:
        return self.by_status[ContractStatus.BLOCKED]


@dataclass
class TicketFigures:
    open: int
    flagged: int
    flagged_tickets: list = field(default_factory=list)  # rows of (id, ticket_number, title)


@dataclass
class Overview:
    contracts: ContractsAtAGlance | None = None
    open_orders: int | None = None
    open_offers: int | None = None
    tickets: TicketFigures | None = None
    latest_invoice: LatestInvoice | None = None
    # The customer's cloud.phone contracts not terminated (R-PBX-1; read with the counts when asked for).
    cloud_phone_total: int | None = None
    # The customer's name and number for the page's heading (read with the counts).
    company_name: str | None = None
    customer_number: str | None = None

    @property
    def open_tickets(self) -> int | None:
        return None if self.tickets is None else self.tickets.open


def overview(orders: bool, tickets: bool, invoices: bool, contracts: bool = False,
             today: date | None = None, cloud_phone: bool = False) -> Overview:
    """The dashboard's figures; only those the user may see are read.

    Every count the page shows (contracts per status, open orders and offers, open and flagged tickets)
    and the customer's name and number come in one statement of scalar subqueries; the lists follow only
    where a count says there is something to list (issue 20: 4 to 7 statements with the customer's row,
    was 7 to 10)."""
    result = Overview()
    today = today or date.today()
    counts = plain_rows(_counts_statement(contracts, orders, tickets, cloud_phone), tenant_params()).one()._asdict()
    result.company_name, result.customer_number = counts["company_name"], counts["customer_number"]
    if cloud_phone:
        result.cloud_phone_total = int(counts["cloud_phone"])
    if contracts:
        result.contracts = contracts_at_a_glance(today, {status: counts[status.value] for status in ContractStatus})
    if orders:
        result.open_orders, result.open_offers = int(counts["open_orders"]), int(counts["open_offers"])
    if tickets:
        result.tickets = ticket_figures((counts["open_tickets"], counts["flagged_tickets"]))
    if invoices:
        row = plain_rows(_LATEST_INVOICE, tenant_params()).first()
        result.latest_invoice = LatestInvoice(*row) if row is not None else None
    return result


@lru_cache(maxsize=16)
def _counts_statement(contracts: bool, orders: bool, tickets: bool, cloud_phone: bool = False):
    """The start page's counts as one row of scalar subqueries, built once per process and set of parts;
    each subquery is limited to the customer (`scoped_template`), whose id comes with `tenant_params()`.
    The customer's name and number come along for the heading."""
    columns = [("company_name", own_customer_template(Customer.company_name)),
               ("customer_number", own_customer_template(Customer.customer_number))]
    if contracts:
        columns += [(status.value, scoped_template(Contract, func.count()).where(Contract.status == status))
                    for status in ContractStatus]
    if orders:
        columns += [("open_orders", scoped_template(Order, func.count()).where(Order.status.in_(OPEN_ORDER_STATUSES))),
                    ("open_offers", scoped_template(Order, func.count()).where(
                        Order.status == OrderStatus.OFFER_CREATED))]
    if tickets:
        columns += [("open_tickets", scoped_template(Ticket, func.count()).where(Ticket.status != TicketStatus.CLOSED)),
                    ("flagged_tickets", scoped_template(Ticket, func.count()).where(_FLAGGED_OPEN))]
    if cloud_phone:  # the count the cloud.phone list pages by (R-PBX-1)
        columns.append(("cloud_phone", CLOUD_PHONE_PAGES.count))
    return select(*(statement.scalar_subquery().label(name) for name, statement in columns))


def contracts_at_a_glance(today: date, by_status: dict[ContractStatus, int] | None = None) -> ContractsAtAGlance:
    """Counts per status (read here unless given), the blocked contracts and the term dates of the next 90
    days (the blocked ones and the term dates are read only when the counts say there are any)."""
    if by_status is None:
        by_status = {status: 0 for status in ContractStatus}
        for status, count in db.session.execute(
                scoped(Contract, Contract.status, func.count(Contract.id)).group_by(Contract.status)):
            by_status[status] = count
    blocked = [ContractRef(row.id, row.contract_number, row.product) for row in plain_rows(
        _blocked_statement(page_language()), tenant_params())] if by_status[ContractStatus.BLOCKED] else []
    upcoming = upcoming_term_dates(today) if by_status[ContractStatus.ACTIVE] or by_status[
        ContractStatus.BLOCKED] else []
    return ContractsAtAGlance(by_status=by_status, blocked=blocked, upcoming=upcoming[:SHOWN],
                              upcoming_total=len(upcoming))


def upcoming_term_dates(today: date, days: int = UPCOMING_DAYS) -> list[TermDate]:
    """Minimum-term ends and notice deadlines from `today` to `today + days`, soonest first.

    Reads the term columns of the running contracts only (no ORM rows): a contract's
    dates follow from its start and terms by the civil-code rule, which SQL cannot state
    portably.
    """
    horizon = today + timedelta(days=days)
    found: list[TermDate] = []
    rows = plain_rows(_running_terms_statement(page_language()), tenant_params()).tuples().all()  # one fetchall
    # Unpacked tuples, not named attributes: a big customer has hundreds of running contracts (issue 20, P10).
    for contract_id, number, start, minimum_months, notice_months, renewal_months, product in rows:
        minimum_end, deadline = _term_dates_within(start, minimum_months, notice_months, renewal_months, today, horizon)
        if minimum_end is None and deadline is None:
            continue
        ref = ContractRef(contract_id, number, product)
        if minimum_end is not None:
            found.append(TermDate(minimum_end, "minimum_term_end", ref))
        if deadline is not None:
            found.append(TermDate(deadline[0], "notice_deadline", ref, ends_on=deadline[1]))
    found.sort(key=lambda item: (item.when, item.contract.number, item.kind))
    return found


@lru_cache(maxsize=4096)
def _term_dates_within(start: date, minimum_months, notice_months, renewal_months, today: date, horizon: date):
    """(minimum-term end, (notice deadline, term end)) of one set of terms, each None when outside
    today..horizon. Pure date arithmetic from dates and numbers, kept per worker so a start page does
    not redo it for every running contract on every visit (issue 20); no row, id or customer in the key."""
    minimum_end = minimum_term_end(start, minimum_months)
    deadline = notice_deadline(start, minimum_months, notice_months, renewal_months, today)
    return (minimum_end if today <= minimum_end <= horizon else None,
            deadline if deadline is not None and today <= deadline[0] <= horizon else None)


@lru_cache(maxsize=4)
def _blocked_statement(language: str):
    """The first blocked contracts with their product's name in `language` (built once per language)."""
    return (_with_product(scoped_template(Contract, Contract.id, Contract.contract_number))
            .where(Contract.status == ContractStatus.BLOCKED).order_by(Contract.contract_number).limit(SHOWN))


@lru_cache(maxsize=4)
def _running_terms_statement(language: str):
    """The term columns of the running contracts with their product's name in `language` (built once per
    language)."""
    return _with_product(scoped_template(
        Contract, Contract.id, Contract.contract_number, Contract.start_date, Contract.minimum_term_months,
        Contract.notice_period_months, Contract.renewal_period_months,
    )).where(Contract.status.in_(RUNNING), Contract.start_date.is_not(None))


def _with_product(statement):
    """Add the product's name in the page's language as column `product`."""
    return statement.add_columns(localized_column(Product.name, Product.name_en).label("product")).join(
        Product, Product.id == Contract.product_id)


def ticket_figures(counts: tuple[int, int] | None = None) -> TicketFigures:
    """Open tickets, how many carry the "contact support" flag (read here unless given), and the first of those
    (number and title only; no statement when none is flagged)."""
    if counts is None:
        counts = db.session.execute(scoped(
            Ticket, func.count(Ticket.id),
            func.coalesce(func.sum(case((Ticket.contact_support.is_(True), 1), else_=0)), 0),
        ).where(Ticket.status != TicketStatus.CLOSED)).one()
    open_count, flagged = counts
    flagged_tickets = plain_rows(_FLAGGED_TICKETS, tenant_params()).all() if flagged else []
    return TicketFigures(open=int(open_count), flagged=int(flagged), flagged_tickets=flagged_tickets)


_FLAGGED_OPEN = (Ticket.status != TicketStatus.CLOSED) & Ticket.contact_support.is_(True)
# Statements of the start page built once per process (issue 20); the customer comes with tenant_params().
_FLAGGED_TICKETS = scoped_template(Ticket, Ticket.id, Ticket.ticket_number, Ticket.title).where(_FLAGGED_OPEN) \
    .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(SHOWN)
_LATEST_INVOICE = scoped_template(Invoice, Invoice.customer_id, Invoice.invoice_number, Invoice.invoice_date, Invoice.gross_amount,
                                  Invoice.due_date, Invoice.paid_on) \
    .order_by(Invoice.invoice_date.desc(), Invoice.id.desc()).limit(1)


@dataclass(slots=True)
class LatestInvoice:
    """The start page's latest invoice: the shown columns with Invoice's names and its `state` rule
    (plain values, no ORM entity; issue 20, P10)."""

    customer_id: int
    invoice_number: str
    invoice_date: date
    gross_amount: object
    due_date: date | None
    paid_on: date | None

    state = Invoice.state  # paid, open or overdue on `today`: the same rule as the invoice's


def reveal_hotline_password(user) -> str:
    """R-HOME-3: the customer password, shown on request and logged in the audit trail."""
    customer = current_customer()
    audit.record(HOTLINE_PASSWORD_SHOWN, user, object_type="customer", object_id=str(customer.id))
    db.session.commit()
    return customer.hotline_password
