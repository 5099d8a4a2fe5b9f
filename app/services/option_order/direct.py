"""One option booked or cancelled outside the wizard, through the wizard's order path.

The express fault clearing offered with a ticket (R-TIC-3) and the paid invoice
delivery by post switched in the company data (R-CUS-2) change what the customer
pays for, so they become an order of kind Optionsänderung exactly like the wizard's
(`submission.place`): the same checks of the contract and the option (minimum term,
limits, catalogue rule), the same items, work steps, audit entry and confirmation.

The rules run on a draft that is never stored: nothing is written until the caller's
transaction commits, and the caller decides what else goes into it (the ticket, the
company's data). `key` makes one booking one order (QUALITY R3): the same key twice
raises IntegrityError at the flush, which the caller turns into "already done".
"""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.models import OptionType, OrderDraft
from app.models.mixins import utcnow

from . import changes, drafts, options
from .submission import place

BOOKED = "option_booked"


def _line(draft, option_type: OptionType, location_id, today: date) -> options.OptionLine:
    """The step-3 line of this option (booked or bookable), with its current total and rules."""
    for line in options.lines(draft, today):
        if line.option_type.id != option_type.id:
            continue
        if option_type.location_bound and (line.location.id if line.location else None) != location_id:
            continue
        return line
    raise drafts.NotFound(_l("This option cannot be booked for the contract."))


def plan_option(customer, user, contract_id, option_type_id, quantity: int, *, location_id: int | None = None,
                today: date | None = None) -> changes.Summary:
    """The checked change of one option to the new total `quantity` (0 cancels); Invalid/NotFound as the wizard."""
    today = today or date.today()
    contract = drafts.offered_contract(customer, contract_id)
    option_type = next((t for t in options.bookable_types(contract) if str(t.id) == str(option_type_id)), None)
    if option_type is None:
        raise drafts.NotFound(_l("This option cannot be booked for the contract."))
    # Never added to the session: the rules read it like a stored draft, nothing is written.
    draft = OrderDraft(customer_id=customer.id, user_id=user.id, contract_id=contract.id, token="",  # nosec B106  # never stored
                       data=drafts.empty_data(), expires_at=utcnow())
    draft.contract, draft.customer = contract, customer
    line = _line(draft, option_type, location_id, today)  # the step's lines read once (issue 20)
    key = line.key
    problems = options.line_errors(line, quantity, today)
    if problems:
        raise drafts.invalid({"option": problems})
    data = draft.data
    if key.startswith("booked:"):
        data["booked"][key.split(":", 1)[1]] = quantity
    elif quantity:
        data["added_options"].append({"option_type_id": option_type.id, "location_id": location_id,
                                      "quantity": quantity})
    summary = changes.plan(draft, today)
    if not summary.changes:
        raise drafts.invalid({"option": [_l("%(option)s is already booked like this.", option=option_type.name)]})
    return summary


def book_option(customer, user, contract_id, option_type_id, quantity: int, *, key: str,
                location_id: int | None = None, today: date | None = None):
    """Book (or change, or cancel with 0) one option as an order; flushed into the caller's transaction."""
    summary = plan_option(customer, user, contract_id, option_type_id, quantity, location_id=location_id,
                          today=today)
    return place(customer, user, summary, key=key, today=today, event=BOOKED)


__all__ = ["BOOKED", "book_option", "plan_option"]
