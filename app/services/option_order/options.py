"""Step 3, options (R-WIZ-4, R-WIZ-5): every option bookable for the product, booked ones preselected.

A line per booked option (its quantity preselected) and per bookable option not booked
yet (location-bound ones once per site). The user enters the new total: 0 cancels, a
quantity option takes the whole new number (8 booked + 3 → 11). Reducing or cancelling
before the option's minimum term has ended is refused with the first possible date
(`contract_terms.option_reduction_date`, shared with the contract page). A booked option
whose type the catalogue no longer offers for the product has no rule to change it by:
the line says so and refuses any change instead of guessing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import current_app
from flask_babel import format_date, lazy_gettext as _l

from app.services.contract_terms import option_reduction_date

from . import catalogue_rows, drafts



def no_rule_note(hotline: str) -> str:
    """What a booked option without a catalogue rule says instead of guessing one."""
    return str(_l("The catalogue holds no rule for changing this option on this product, so it cannot be "
                  "changed here. Please call us on %(hotline)s.", hotline=hotline))


@dataclass
class OptionLine:
    """One option of step 3: what is booked, what the draft chose, and the rules for it."""

    key: str
    option_type: catalogue_rows.CatalogueType
    contract_option: catalogue_rows.BookedOption | None
    location: catalogue_rows.Site | None
    current: int
    chosen: int
    reducible_from: date | None = None
    catalogue_rule: bool = True
    note: str | None = None

    @property
    def quantity_based(self) -> bool:
        return bool(self.option_type.quantity_based)

    @property
    def limits(self) -> tuple[int, int]:
        """Allowed totals besides 0 (cancel)."""
        if self.quantity_based:
            return self.option_type.min_quantity, self.option_type.max_quantity
        return 1, 1

    @property
    def name(self) -> str:
        return f"{self.option_type.name} ({self.location.name})" if self.location else self.option_type.name


def contract_params(contract, **params) -> dict:
    """The parameters of the contract's kept statements (`catalogue_rows`, step 2's numbers) for one contract."""
    return {**params, "customer_id_": contract.customer_id, "contract_id_": contract.id}


def booked_options(contract, today: date) -> list[catalogue_rows.BookedOption]:
    """The contract's options that are booked today (not ended), as plain values (`catalogue_rows`)."""
    return catalogue_rows.booked(contract_params(contract, today_=today))


def locations(contract) -> list[catalogue_rows.Site]:
    """The contract's locations by name, as plain values (`catalogue_rows`)."""
    return catalogue_rows.sites(contract_params(contract))


def bookable_types(contract) -> list[catalogue_rows.CatalogueType]:
    """R-WIZ-4: the active option types the catalogue offers for the contract's product, by name."""
    offered = catalogue_rows.offered_types(contract.product_id)
    return sorted((t for t in offered if t.active), key=lambda t: (t.name, t.id))


def lines(draft, today: date, booked: list[catalogue_rows.BookedOption] | None = None) -> list[OptionLine]:
    """Every line of step 3 with the draft's choices filled in (`booked`: the booked options, if loaded)."""
    contract = draft.contract
    data = drafts.read_data(draft)
    sites = locations(contract)
    by_id = {site.id: site for site in sites}
    offered = bookable_types(contract)
    offered_ids = {t.id for t in offered}
    hotline = current_app.config["HOTLINE_PHONE"]
    result: list[OptionLine] = []
    booked_keys = set()
    for option in booked_options(contract, today) if booked is None else booked:
        rule = option.option_type_id in offered_ids
        line = OptionLine(
            key=f"booked:{option.id}", option_type=option.option_type, contract_option=option,
            location=by_id.get(option.location_id) if option.location_id else None, current=option.quantity,
            chosen=int(data["booked"].get(str(option.id), option.quantity)),
            reducible_from=option_reduction_date(option), catalogue_rule=rule,
            note=None if rule else no_rule_note(hotline),
        )
        result.append(line)
        booked_keys.add((option.option_type_id, option.location_id if option.option_type.location_bound else None))
    added = {(a["option_type_id"], a["location_id"]): a["quantity"] for a in data["added_options"]}
    for option_type in offered:
        places = sites if option_type.location_bound else [None]
        for location in places:
            ident = (option_type.id, location.id if location else None)
            if ident in booked_keys:
                continue
            result.append(OptionLine(
                key=f"new:{option_type.id}:{location.id if location else ''}", option_type=option_type,
                contract_option=None, location=location, current=0, chosen=int(added.get(ident, 0)),
            ))
    return result


def step(customer, user, draft_id, today: date | None = None) -> list[OptionLine]:
    """Step 3 of the user's draft."""
    return lines(drafts.load(customer, user, draft_id), today or date.today())


def line_errors(line: OptionLine, chosen: int, today: date) -> list:
    """Why `chosen` is not allowed as the new total of `line` (empty when it is)."""
    if chosen == line.current:
        return []
    if not line.catalogue_rule:
        return [line.note]
    low, high = line.limits
    if chosen < 0 or (chosen != 0 and not low <= chosen <= high):
        if line.quantity_based:
            return [_l("%(option)s: please enter a total from %(low)s to %(high)s, or 0 to cancel it.",
                       option=line.name, low=low, high=high)]
        return [_l("%(option)s: choose it or leave it out.", option=line.name)]
    if chosen < line.current and line.reducible_from is not None and today < line.reducible_from:
        return [_l("%(option)s can be reduced or cancelled only after its minimum term, from %(date)s.",
                   option=line.name, date=format_date(line.reducible_from))]
    return []


def choose(customer, user, draft_id, choices: dict, today: date | None = None) -> list[OptionLine]:
    """Set new totals by line key (committed); lines not named keep their choice.

    Invalid lists every refused line by its key; a key that is no line of this draft
    (another contract's option, an option type the product does not offer) is NotFound.
    """
    today = today or date.today()
    draft = drafts.load(customer, user, draft_id)
    by_key = {line.key: line for line in lines(draft, today)}
    errors: dict[str, list] = {}
    wanted = {}
    for key, raw in choices.items():
        line = by_key.get(str(key))
        if line is None:
            raise drafts.NotFound(_l("This option cannot be booked for the contract."))
        try:
            chosen = int(str(raw).strip() or 0)
        except ValueError:
            errors[line.key] = [_l("%(option)s: please enter a whole number.", option=line.name)]
            continue
        problems = line_errors(line, chosen, today)
        if problems:
            errors[line.key] = problems
        wanted[line.key] = chosen
    if errors:
        raise drafts.invalid(errors)
    data = drafts.data_of(draft)
    for key, chosen in wanted.items():
        line = by_key[key]
        if line.contract_option is not None:
            data["booked"].pop(str(line.contract_option.id), None)
            if chosen != line.current:
                data["booked"][str(line.contract_option.id)] = chosen
        else:
            ident = (line.option_type.id, line.location.id if line.location else None)
            data["added_options"] = [a for a in data["added_options"]
                                     if (a["option_type_id"], a["location_id"]) != ident]
            if chosen:
                data["added_options"].append({"option_type_id": ident[0], "location_id": ident[1],
                                              "quantity": chosen})
    drafts.save(draft, data)
    return lines(draft, today)
