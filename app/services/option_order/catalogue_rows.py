"""What steps 3 and 4 read of the catalogue, the booked options and the contract's sites, as plain values.

Steps 3 and 4 read the product's option types, the contract's booked options and its locations on
every page, and the submit plans through the same code. As ORM entities each of these statements
cost its result set-up and an identity-map entry per row, a third of step 3's own work (issue 20,
P9). Nothing is changed through them: a booking writes new rows and names these by id. So they are
read as rows of the needed columns, each wrapped in a small object with its model's attribute names
(`OptionType`, `ContractOption`, `Location`), so the rules, the page rows and the submit read them as
they read the entities. The statements are built once per process; the customer and contract come as
bound parameters (`options.contract_params`), the customer's scope in every statement (S1).
"""
from __future__ import annotations

from sqlalchemy import bindparam, or_, select

from app.models import ContractOption, Location, OptionType, product_option_type
from app.models.bilingual import in_language
from app.services.portal.language import english_page
from app.services.portal.plain import current_rows

TYPE_FIELDS = ("id", "code", "name", "name_en", "monthly_price", "one_time_price", "quantity_based", "min_quantity",
               "max_quantity", "minimum_term_months", "location_bound", "feature", "active")
BOOKED_FIELDS = ("id", "contract_id", "option_type_id", "location_id", "quantity", "monthly_price",
                 "one_time_price", "start_date", "minimum_term_months", "end_date")
LOCATION_FIELDS = ("id", "contract_id", "name", "street", "zip_code", "city", "address_verified")


class CatalogueType:
    """An option type of the catalogue (`OptionType`'s attributes, read only)."""

    __slots__ = TYPE_FIELDS

    def __init__(self, values):
        for name, value in zip(TYPE_FIELDS, values):
            setattr(self, name, value)

    @property
    def display_name(self) -> str:
        """The name in the page's language, as `OptionType.display_name`."""
        return in_language(self.name, self.name_en, english_page())

    def __str__(self) -> str:
        return self.display_name


class BookedOption:
    """A booked option of the contract (`ContractOption`'s attributes, read only) with its `option_type`."""

    __slots__ = BOOKED_FIELDS + ("option_type",)

    def __init__(self, values, option_type: CatalogueType):
        for name, value in zip(BOOKED_FIELDS, values):
            setattr(self, name, value)
        self.option_type = option_type

    def __str__(self) -> str:
        return f"{self.option_type.display_name} × {self.quantity}"


class Site:
    """A location of the contract (`Location`'s attributes, read only)."""

    __slots__ = LOCATION_FIELDS

    def __init__(self, values):
        for name, value in zip(LOCATION_FIELDS, values):
            setattr(self, name, value)

    def __str__(self) -> str:
        return f"{self.name}, {self.street}, {self.zip_code} {self.city}"


_TYPE_COLUMNS = tuple(getattr(OptionType, name) for name in TYPE_FIELDS)
_OFFERED = (select(*_TYPE_COLUMNS)
            .join(product_option_type, product_option_type.c.option_type_id == OptionType.id)
            .where(product_option_type.c.product_id == bindparam("product_id_")))
_BOOKED = (select(*(getattr(ContractOption, name) for name in BOOKED_FIELDS), *_TYPE_COLUMNS)
           .join(OptionType, OptionType.id == ContractOption.option_type_id)
           .where(ContractOption.customer_id == bindparam("customer_id_"),
                  ContractOption.contract_id == bindparam("contract_id_"),
                  or_(ContractOption.end_date.is_(None), ContractOption.end_date > bindparam("today_")))
           .order_by(ContractOption.id))
_SITES = (select(*(getattr(Location, name) for name in LOCATION_FIELDS))
          .where(Location.customer_id == bindparam("customer_id_"), Location.contract_id == bindparam("contract_id_"))
          .order_by(Location.name, Location.id))


def offered_types(product_id: int) -> list[CatalogueType]:
    """Every option type the catalogue links to the product (active or not), in no particular order."""
    return [CatalogueType(row) for row in current_rows(_OFFERED, {"product_id_": product_id})]


def booked(params: dict) -> list[BookedOption]:
    """The contract's options booked on `today_` (not ended), by id; each option type made once."""
    types: dict[int, CatalogueType] = {}
    result = []
    split = len(BOOKED_FIELDS)
    for row in current_rows(_BOOKED, params):
        option_type = types.get(row[split])
        if option_type is None:
            option_type = types[row[split]] = CatalogueType(row[split:])
        result.append(BookedOption(row[:split], option_type))
    return result


def sites(params: dict) -> list[Site]:
    """The contract's locations by name."""
    return [Site(row) for row in current_rows(_SITES, params)]
