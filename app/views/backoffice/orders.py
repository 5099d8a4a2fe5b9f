"""Orders and offers with their items and work steps (SPEC §4, R-BO-2, R-BO-3)."""
from __future__ import annotations

from flask import g
from flask_babel import lazy_gettext as _l

from app.models import ContractOption, Document, Location, OptionType, Order, OrderItem, OrderStep, PhoneNumber
from app.services import order_mail
from app.services.order_kinds import check_order_kind, kinds_for
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.customers import contract_field, customer_field, customer_shown
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CUSTOMER_FILTERS, ORDER_FILTERS
from app.views.backoffice.widgets import AjaxRelationField


class OrderView(BackofficeModelView):
    """Orders and offers (an offer is an order in status offer created)."""

    datamodel = BackofficeInterface(Order)
    route_base = "/orders"
    list_title = _l("Orders")
    show_title = _l("Order")
    add_title = _l("New order")
    edit_title = _l("Edit order")
    title = _l("Orders")
    same_customer = ("contract",)

    list_columns = ["order_number", "customer", "kind", "status", "contract", "created_at"]
    search_columns = ["order_number", "customer_id", "contract_id", "kind", "status", "created_at"]
    text_filters = {"customer_id": CUSTOMER_FILTERS, "contract_id": CONTRACT_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["order_number", "kind", "status", "created_at"]
    label_columns = {
        "offer_valid_until": _l("Offer valid until"),
        "accepted_at": _l("Accepted"),
        "completed_at": _l("Completed"),
    }
    show_fieldsets = [
        (_l("Order"), {"fields": ["order_number", "customer", "contract", "kind", "status"]}),
        (_l("Dates"), {"fields": ["created_at", "offer_valid_until", "accepted_at", "completed_at"]}),
        (_l("Note"), {"fields": ["note", "created_by"]}),
    ]
    add_columns = ["order_number", "customer", "contract", "kind", "status", "offer_valid_until", "note"]
    edit_columns = [
        "order_number", "customer", "contract", "kind", "status", "offer_valid_until", "accepted_at",
        "completed_at", "note",
    ]
    add_form_extra_fields = {"customer": customer_field(), "contract": contract_field(required=False)}
    edit_form_extra_fields = {**add_form_extra_fields, "customer": customer_shown()}

    @staticmethod
    def _roles():
        return [role.name for role in g.user.roles]

    def adjust_form(self, form, item) -> None:
        """R-ORD-3: Sales choose new provision or product change; an order's current kind stays choosable."""
        allowed = {kind.value for kind in kinds_for(self._roles())}
        if item is not None and item.kind is not None:
            allowed.add(item.kind.value)
        form.kind.choices = [(value, label) for value, label in form.kind.choices if not value or value in allowed]

    def pre_add(self, item):
        """Record who entered the order; the kind must be one the user may enter (R-ORD-3)."""
        super().pre_add(item)
        check_order_kind(self._roles(), item.kind)
        item.created_by_id = g.user.id
        order_mail.queue_order_confirmation(item)  # R-ORD-2: committed with the order

    def pre_update(self, item):
        """A kind outside the user's may only stay as it was (R-ORD-3)."""
        from sqlalchemy import inspect

        super().pre_update(item)
        history = inspect(item).attrs.kind.history
        previous = history.deleted[0] if history.deleted else (history.unchanged or [None])[0]
        check_order_kind(self._roles(), item.kind, previous)


class OrderItemView(BackofficeModelView):
    """One change of an order: added, changed or reduced (R-WIZ-6)."""

    datamodel = BackofficeInterface(OrderItem)
    route_base = "/order-items"
    list_title = _l("Order items")
    show_title = _l("Order item")
    add_title = _l("New order item")
    edit_title = _l("Edit order item")
    title = _l("Order items")
    owner_from = "order"
    same_customer = ("contract_option", "location", "phone_number", "document")

    list_columns = ["order", "change", "description", "quantity_before", "quantity_after", "monthly_price"]
    search_columns = ["order_id", "customer_id", "change", "description"]
    text_filters = {"order_id": ORDER_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["change", "description", "monthly_price"]
    label_columns = {
        "change": _l("Change"),
        "number_order_kind": _l("Number order kind"),
        "number_count": _l("Number count"),
        "quantity_before": _l("Quantity before"),
        "quantity_after": _l("Quantity after"),
        "effective_date": _l("Effective date"),
        "porting_numbers": _l("Numbers"),
        "porting_carrier": _l("Current provider"),
        "porting_owner": _l("Owner of the numbers"),
        "porting_state": _l("Porting state"),
        "porting_confirmed_date": _l("Porting date"),
        "porting_reason": _l("Reason of the rejection"),
    }
    show_fieldsets = [
        (_l("Order item"), {"fields": ["order", "customer", "change", "description", "effective_date"]}),
        (_l("What changes"), {"fields": [
            "option_type", "contract_option", "location", "phone_number", "number_order_kind", "number_count",
            "quantity_before", "quantity_after",
        ]}),
        (_l("Prices"), {"fields": ["monthly_price", "one_time_price"]}),
        (_l("Porting"), {"fields": ["porting_numbers", "porting_carrier", "porting_owner", "porting_state",
                                    "porting_confirmed_date", "porting_reason"]}),
        (_l("Upload"), {"fields": ["document"]}),
    ]
    add_columns = [
        "order", "change", "description", "option_type", "contract_option", "location", "phone_number",
        "number_order_kind", "number_count", "quantity_before", "quantity_after", "monthly_price",
        "one_time_price", "effective_date",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "order": AjaxRelationField(_l("Order"), model=Order, lookup="order"),
        "option_type": AjaxRelationField(_l("Option"), model=OptionType, lookup="option_type", required=False),
        "contract_option": AjaxRelationField(_l("Booked option"), model=ContractOption, lookup="contract_option",
                                             required=False),
        "location": AjaxRelationField(_l("Location"), model=Location, lookup="location", required=False),
        "phone_number": AjaxRelationField(_l("Phone number"), model=PhoneNumber, lookup="phone_number",
                                          required=False),
        "document": AjaxRelationField(_l("Document"), model=Document, lookup="document", required=False),
    }
    edit_form_extra_fields = add_form_extra_fields


class OrderStepView(BackofficeModelView):
    """Work steps of an order ("Statusdetails"); Service keeps them up to date (R-BO-3)."""

    datamodel = BackofficeInterface(OrderStep)
    route_base = "/order-steps"
    list_title = _l("Work steps")
    show_title = _l("Work step")
    add_title = _l("New work step")
    edit_title = _l("Edit work step")
    title = _l("Work steps")
    owner_from = "order"

    list_columns = ["order", "position", "name", "status", "completed_at"]
    search_columns = ["order_id", "customer_id", "name", "status"]
    text_filters = {"order_id": ORDER_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["position", "name", "status", "completed_at"]
    label_columns = {"completed_at": _l("Completed"), "name": _l("Name (German)"), "name_en": _l("Name (English)")}
    show_columns = ["order", "customer", "position", "name", "name_en", "status", "completed_at", "note"]
    add_columns = ["order", "position", "name", "name_en", "status", "completed_at", "note"]
    edit_columns = add_columns
    add_form_extra_fields = {"order": AjaxRelationField(_l("Order"), model=Order, lookup="order")}
    edit_form_extra_fields = add_form_extra_fields
