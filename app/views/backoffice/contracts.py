"""Catalog (products, option types), contracts and booked options (SPEC §5, R-BO-1)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l

from app.models import Contract, ContractOption, Location, OptionType, Product
from app.models.enums import ContractStatus
from app.services.contract_terms import end_of_term
from app.services.errors import Invalid
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.customers import contract_field, customer_field, customer_shown
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CUSTOMER_FILTERS
from app.views.backoffice.widgets import AjaxRelationField, AjaxRelationMultipleField

# Catalogue texts customers read, German (the text of record) beside English (shown on English pages).
BILINGUAL_LABELS = {
    "name": _l("Name (German)"),
    "name_en": _l("Name (English)"),
    "description": _l("Description (German)"),
    "description_en": _l("Description (English)"),
}

TERM_LABELS = {
    "default_minimum_term_months": _l("Default minimum term (months)"),
    "notice_period_months": _l("Notice period (months)"),
    "renewal_period_months": _l("Renewal period (months)"),
    "terminated_on": _l("Terminated on"),
}


class ProductView(BackofficeModelView):
    """Sellable products, e.g. SIP trunk, cloud.phone, DSL."""

    datamodel = BackofficeInterface(Product)
    route_base = "/products"
    list_title = _l("Products")
    show_title = _l("Product")
    add_title = _l("New product")
    edit_title = _l("Edit product")
    title = _l("Products")

    list_columns = ["code", "name", "kind", "monthly_price", "setup_price", "default_minimum_term_months", "active"]
    search_columns = ["code", "name", "name_en", "kind", "active"]
    base_order = ("name", "asc")
    label_columns = dict(TERM_LABELS, **BILINGUAL_LABELS, option_types=_l("Bookable options"))
    show_fieldsets = [
        (_l("Product"), {"fields": ["code", "name", "name_en", "kind", "description", "description_en", "active"]}),
        (_l("Prices and terms"), {"fields": ["monthly_price", "setup_price", "default_minimum_term_months"]}),
        (_l("Bookable options"), {"fields": ["option_types"]}),
    ]
    add_columns = [
        "code", "name", "name_en", "kind", "description", "description_en", "monthly_price", "setup_price",
        "default_minimum_term_months", "active", "option_types",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "option_types": AjaxRelationMultipleField(_l("Bookable options"), model=OptionType, lookup="option_type"),
    }
    edit_form_extra_fields = add_form_extra_fields


class OptionTypeView(BackofficeModelView):
    """Bookable options with prices and rules (R-WIZ-4, R-WIZ-5, R-SIP-7)."""

    datamodel = BackofficeInterface(OptionType)
    route_base = "/option-types"
    list_title = _l("Option catalogue")
    show_title = _l("Option type")
    add_title = _l("New option type")
    edit_title = _l("Edit option type")
    title = _l("Option catalogue")

    list_columns = ["code", "name", "feature", "monthly_price", "one_time_price", "minimum_term_months", "active"]
    search_columns = ["code", "name", "name_en", "feature", "quantity_based", "location_bound", "active"]
    base_order = ("name", "asc")
    label_columns = {
        **BILINGUAL_LABELS,
        "feature": _l("Self-care function"),
        "quantity_based": _l("Quantity-based"),
        "min_quantity": _l("Minimum quantity"),
        "max_quantity": _l("Maximum quantity"),
        "location_bound": _l("Location-bound"),
    }
    show_fieldsets = [
        (_l("Option"), {"fields": ["code", "name", "name_en", "description", "description_en", "feature", "active"]}),
        (_l("Prices and terms"), {"fields": ["monthly_price", "one_time_price", "minimum_term_months"]}),
        (_l("Quantity and location"), {"fields": ["quantity_based", "min_quantity", "max_quantity", "location_bound"]}),
    ]
    add_columns = [
        "code", "name", "name_en", "description", "description_en", "feature", "monthly_price", "one_time_price",
        "minimum_term_months",
        "quantity_based", "min_quantity", "max_quantity", "location_bound", "active",
    ]
    edit_columns = add_columns


class ContractInterface(BackofficeInterface):
    """Contracts, plus the computed end of term as a read-only value for the show page (R-CON-2)."""

    @staticmethod
    def _get_attr_value(item, col):
        if col == "end_of_term":
            return contract_end_of_term(item)
        return BackofficeInterface._get_attr_value(item, col)


def contract_end_of_term(contract: Contract, today: date | None = None) -> date | None:
    """The earliest possible end if notice were given today, as the portal shows it (R-CON-2).

    Only running contracts (active, blocked) have one; a contract without start date has none.
    """
    if contract.status not in (ContractStatus.ACTIVE, ContractStatus.BLOCKED):
        return None
    return end_of_term(contract.start_date, contract.minimum_term_months, contract.notice_period_months,
                       contract.renewal_period_months, today or date.today())


class ContractView(BackofficeModelView):
    """Contracts with their status and terms (R-CON-1, R-CON-2); Service sets the status (R-BO-3)."""

    datamodel = ContractInterface(Contract)
    route_base = "/contracts"
    list_title = _l("Contracts")
    show_title = _l("Contract")
    add_title = _l("New contract")
    edit_title = _l("Edit contract")
    title = _l("Contracts")

    list_columns = ["contract_number", "customer", "product", "status", "start_date", "minimum_term_months"]
    search_columns = ["contract_number", "customer_id", "status", "start_date", "terminated_on"]
    text_filters = {"customer_id": CUSTOMER_FILTERS}
    base_order = ("contract_number", "asc")
    order_columns = ["contract_number", "status", "start_date", "minimum_term_months"]
    label_columns = dict(
        TERM_LABELS,
        sip_proxy=_l("SIP proxy"),
        registration_mode=_l("Registration mode"),
        end_of_term=_l("End of term (earliest termination if notice is given today)"),
    )
    show_fieldsets = [
        (_l("Contract"), {"fields": ["contract_number", "customer", "product", "status"]}),
        (_l("Terms"), {"fields": [
            "start_date", "minimum_term_months", "notice_period_months", "renewal_period_months", "end_of_term",
            "terminated_on",
        ]}),
        (_l("Technical data"), {"fields": ["sip_proxy", "registration_mode"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    add_columns = [
        "contract_number", "customer", "product", "status", "start_date", "minimum_term_months",
        "notice_period_months", "renewal_period_months", "terminated_on", "sip_proxy", "registration_mode",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "customer": customer_field(),
        "product": AjaxRelationField(_l("Product"), model=Product, lookup="product"),
    }
    edit_form_extra_fields = {**add_form_extra_fields, "customer": customer_shown()}


class ContractOptionView(BackofficeModelView):
    """Options booked on a contract, location-bound or not, each with its own term."""

    datamodel = BackofficeInterface(ContractOption)
    # Counts stop past 10,000 rows, as for call records: a carrier's booked options run into the hundreds of
    # thousands (600,000 at dataset L, where the exact count alone took 2.2 ms of a 15 ms page; issue 20, P10).
    count_limit = 10_000
    route_base = "/contract-options"
    list_title = _l("Booked options")
    show_title = _l("Booked option")
    add_title = _l("Book option")
    edit_title = _l("Edit booked option")
    title = _l("Booked options")
    owner_from = "contract"
    same_customer = ("location",)

    list_columns = ["contract", "option_type", "location", "quantity", "monthly_price", "start_date", "end_date"]
    search_columns = ["contract_id", "customer_id", "start_date", "end_date"]
    text_filters = {"contract_id": CONTRACT_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["quantity", "monthly_price", "start_date", "end_date"]
    show_fieldsets = [
        (_l("Booked option"), {"fields": ["contract", "customer", "option_type", "location", "quantity"]}),
        (_l("Prices and terms"), {"fields": [
            "monthly_price", "one_time_price", "start_date", "minimum_term_months", "end_date",
        ]}),
    ]
    add_columns = [
        "contract", "option_type", "location", "quantity", "monthly_price", "one_time_price", "start_date",
        "minimum_term_months", "end_date",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "contract": contract_field(),
        "option_type": AjaxRelationField(_l("Option"), model=OptionType, lookup="option_type"),
        "location": AjaxRelationField(_l("Location"), model=Location, lookup="location", required=False),
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        """A location-bound option's location must be one of the contract's."""
        super().pre_add(item)
        self._check_location(item)

    def pre_update(self, item):
        """Same checks as on add."""
        super().pre_update(item)
        self._check_location(item)

    @staticmethod
    def _check_location(item):
        if item.location is not None and item.location.contract_id != item.contract.id:
            raise Invalid(_l("The location does not belong to this contract."))
