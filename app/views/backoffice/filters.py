"""Back-office list filters that cannot fail, and text filters on foreign keys (QUALITY P4, R7).

FAB's own filters answer 500 for an unknown filter index or enum value in the URL, and its
relation filters list every row of the related table; these do neither.
"""
from __future__ import annotations

from typing import Any

from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_appbuilder.models.sqla.filters import SQLAFilterConverter
from flask_babel import lazy_gettext as _l
from sqlalchemy import false, select

from app.models import Contract, Cpe, Customer, Invoice, Order, Ticket


def enum_class(datamodel, column_name: str):
    """The enum class of a column of `datamodel`, None for other columns."""
    column = datamodel.list_columns.get(column_name)
    return getattr(getattr(column, "type", None), "enum_class", None)


def coerce_enum(enum_cls, value):
    """The member for a stored value or member name, None when it matches none."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        return enum_cls.__members__.get(str(value))


class SafeFilters(Filters):
    """FAB's Filters, but an unknown filter index in the URL is ignored instead of a 500."""

    def add_filter_index(self, column_name: str, filter_instance_index: int, value: Any):
        """Add the filter only when the column and index exist."""
        filters = self._all_filters.get(column_name) or []
        if 0 <= filter_instance_index < len(filters):
            self._add_filter(filters[filter_instance_index], value)


class FilterEnumEqual(BaseFilter):
    """Equal for enum columns: an unknown value matches nothing instead of a 500."""

    name = _l("Equal to")
    arg_name = "bo_enum_eq"

    def apply(self, query, value):
        member = coerce_enum(enum_class(self.datamodel, self.column_name), value)
        if member is None:
            return query.filter(false())
        return query.filter(getattr(self.model, self.column_name) == member)


class FilterEnumNotEqual(BaseFilter):
    """Not equal for enum columns; an unknown value filters nothing out."""

    name = _l("Not Equal to")
    arg_name = "bo_enum_neq"

    def apply(self, query, value):
        member = coerce_enum(enum_class(self.datamodel, self.column_name), value)
        if member is None:
            return query
        return query.filter(getattr(self.model, self.column_name) != member)


class SafeFilterConverter(SQLAFilterConverter):
    """FAB's converter with enum filters that cannot fail on unknown values."""

    conversion_table = (("is_enum", [FilterEnumEqual, FilterEnumNotEqual]),) + tuple(
        row for row in SQLAFilterConverter.conversion_table if row[0] != "is_enum"
    )

    def convert(self, col_name):
        """FAB's conversion, once per column of a view's data interface instead of three times per list
        request (FAB builds a Filters object, and so every column's filters, for each query; issue 20).
        Each caller gets its own list: FAB extends them in place."""
        cache = self.datamodel.__dict__.setdefault("_bo_filter_cache", {})
        if col_name not in cache:
            cache[col_name] = super().convert(col_name)
        filters = cache[col_name]
        return None if filters is None else list(filters)


def related_text_filter(related_model, attribute: str, label, arg_name: str, mode: str = "startswith"):
    """A filter on a foreign-key column that matches a text field of the related row.

    Replaces FAB's relation filter, whose search widget lists every row of the
    related table (QUALITY P4): e.g. contracts filtered by customer number.
    `mode` is "startswith", "contains" or "equal".
    """

    class _RelatedTextFilter(BaseFilter):
        name = label

        def apply(self, query, value):
            text = (value or "").strip()
            if not text:
                return query
            column = getattr(related_model, attribute)
            if mode == "contains":
                condition = column.icontains(text, autoescape=True)
            elif mode == "equal":
                condition = column == text
            else:
                condition = column.startswith(text, autoescape=True)
            ids = select(related_model.id).where(condition)
            return query.filter(getattr(self.model, self.column_name).in_(ids))

    _RelatedTextFilter.arg_name = arg_name
    _RelatedTextFilter.__name__ = f"Filter{related_model.__name__}{attribute.title()}"
    return _RelatedTextFilter

# Text filters on foreign keys, used instead of FAB's whole-table relation dropdowns.

CUSTOMER_FILTERS = [
    related_text_filter(Customer, "customer_number", _l("Customer number starts with"), "bo_customer_number"),
    related_text_filter(Customer, "company_name", _l("Company contains"), "bo_company_name", "contains"),
]
CONTRACT_FILTERS = [
    related_text_filter(Contract, "contract_number", _l("Contract number starts with"), "bo_contract_number"),
]
ORDER_FILTERS = [
    related_text_filter(Order, "order_number", _l("Order number starts with"), "bo_order_number"),
]
TICKET_FILTERS = [
    related_text_filter(Ticket, "ticket_number", _l("Ticket number starts with"), "bo_ticket_number"),
]
INVOICE_FILTERS = [
    related_text_filter(Invoice, "invoice_number", _l("Invoice number starts with"), "bo_invoice_number"),
]
CPE_FILTERS = [
    related_text_filter(Cpe, "serial_number", _l("Serial number starts with"), "bo_cpe_serial"),
]
