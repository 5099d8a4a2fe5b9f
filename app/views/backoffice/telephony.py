"""Numbers, SIP accounts, forwardings, trunk registrations, DSL, CPE and shipments (SPEC §6)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import (
    CallForwarding, Cpe, DslAccount, Location, Order, PhoneNumber, Shipment, SipAccount, TrunkRegistration,
)
from app.services.telephony import check_forwarding, check_phone_number, check_registration
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.customers import contract_field
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CPE_FILTERS, CUSTOMER_FILTERS
from app.views.backoffice.widgets import AjaxRelationField

_CONTRACT_SEARCH = {"contract_id": CONTRACT_FILTERS, "customer_id": CUSTOMER_FILTERS}


class PhoneNumberView(BackofficeModelView):
    """Single numbers and number blocks with their extension range."""

    datamodel = BackofficeInterface(PhoneNumber)
    route_base = "/phone-numbers"
    list_title = _l("Phone numbers")
    show_title = _l("Phone number")
    add_title = _l("New phone number")
    edit_title = _l("Edit phone number")
    title = _l("Phone numbers")
    owner_from = "contract"
    same_customer = ("location",)

    list_columns = ["country_code", "area_code", "subscriber_number", "extension_from", "extension_to",
                    "kind", "status", "contract", "ported"]
    search_columns = ["area_code", "subscriber_number", "kind", "area_code_kind", "status", "ported",
                      "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("id", "desc")
    order_columns = ["area_code", "subscriber_number", "kind", "status"]
    label_columns = {
        "country_code": _l("Country code"),
        "area_code": _l("Area code"),
        "subscriber_number": _l("Number"),
        "extension_from": _l("Extensions from"),
        "extension_to": _l("Extensions to"),
        "area_code_kind": _l("Area code kind"),
        "ported": _l("Ported"),
    }
    show_fieldsets = [
        (_l("Phone number"), {"fields": [
            "country_code", "area_code", "subscriber_number", "extension_from", "extension_to", "kind",
            "area_code_kind", "status", "ported",
        ]}),
        (_l("Contract"), {"fields": ["contract", "customer", "location"]}),
    ]
    add_columns = [
        "contract", "location", "kind", "area_code_kind", "country_code", "area_code", "subscriber_number",
        "extension_from", "extension_to", "ported", "status",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "contract": contract_field(),
        "location": AjaxRelationField(_l("Location"), model=Location, lookup="location", required=False),
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        """Digits only; a block carries a sound extension range (R-SIP-2 scopes rely on it)."""
        super().pre_add(item)
        check_phone_number(item)

    def pre_update(self, item):
        """Same checks as on add."""
        super().pre_update(item)
        check_phone_number(item)


class SipAccountView(BackofficeModelView):
    """SIP accounts; the shared SIP password lives on the contract and is never shown here."""

    datamodel = BackofficeInterface(SipAccount)
    route_base = "/sip-accounts"
    list_title = _l("SIP accounts")
    show_title = _l("SIP account")
    add_title = _l("New SIP account")
    edit_title = _l("Edit SIP account")
    title = _l("SIP accounts")
    owner_from = "contract"

    list_columns = ["username", "label", "contract", "customer"]
    search_columns = ["username", "label", "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("username", "asc")
    order_columns = ["username", "label"]
    label_columns = {"username": _l("SIP username")}
    show_columns = ["username", "label", "contract", "customer", "created_at"]
    add_columns = ["contract", "username", "label"]
    edit_columns = add_columns
    add_form_extra_fields = {"contract": contract_field()}
    edit_form_extra_fields = add_form_extra_fields


class CallForwardingView(BackofficeModelView):
    """Failover (ecotel@once) and permanent forwardings (R-SIP-2/3)."""

    datamodel = BackofficeInterface(CallForwarding)
    route_base = "/call-forwardings"
    list_title = _l("Call forwardings")
    show_title = _l("Call forwarding")
    add_title = _l("New call forwarding")
    edit_title = _l("Edit call forwarding")
    title = _l("Call forwardings")
    owner_from = "contract"
    same_customer = ("phone_number",)

    list_columns = ["contract", "kind", "scope", "phone_number", "extension", "target"]
    search_columns = ["kind", "scope", "target", "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("id", "desc")
    order_columns = ["kind", "scope", "extension", "target"]
    label_columns = {"scope": _l("Scope"), "extension": _l("Extension"), "target": _l("Target")}
    show_columns = ["contract", "customer", "kind", "scope", "phone_number", "extension", "target", "created_at"]
    add_columns = ["contract", "kind", "scope", "phone_number", "extension", "target"]
    edit_columns = add_columns
    add_form_extra_fields = {
        "contract": contract_field(),
        "phone_number": AjaxRelationField(_l("Phone number"), model=PhoneNumber, lookup="phone_number"),
    }
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        """Target in E.164, a number of the scope's kind, an extension inside the block (app/services/telephony)."""
        super().pre_add(item)
        check_forwarding(item)

    def pre_update(self, item):
        """Same checks as on add."""
        super().pre_update(item)
        check_forwarding(item)


class TrunkRegistrationView(BackofficeModelView):
    """IP addresses allowed to register a SIP trunk (R-SIP-4)."""

    datamodel = BackofficeInterface(TrunkRegistration)
    route_base = "/trunk-registrations"
    list_title = _l("Registration IPs")
    show_title = _l("Registration IP")
    add_title = _l("New registration IP")
    edit_title = _l("Edit registration IP")
    title = _l("Registration IPs")
    owner_from = "contract"

    list_columns = ["contract", "ip_address", "position", "customer"]
    search_columns = ["ip_address", "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("id", "desc")
    order_columns = ["ip_address", "position"]
    label_columns = {"ip_address": _l("IP address")}
    show_columns = ["contract", "customer", "ip_address", "position", "created_at"]
    add_columns = ["contract", "ip_address", "position"]
    edit_columns = add_columns
    add_form_extra_fields = {"contract": contract_field()}
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        """A valid IPv4/IPv6 address, once per SIP trunk contract (app/services/telephony)."""
        super().pre_add(item)
        check_registration(item)

    def pre_update(self, item):
        """Same checks as on add."""
        super().pre_update(item)
        check_registration(item)


class DslAccountView(BackofficeModelView):
    """Internet access accounts; the password is never shown or edited here (S14)."""

    datamodel = BackofficeInterface(DslAccount)
    route_base = "/dsl-accounts"
    list_title = _l("DSL accounts")
    show_title = _l("DSL account")
    add_title = _l("New DSL account")
    edit_title = _l("Edit DSL account")
    title = _l("DSL accounts")
    owner_from = "contract"

    list_columns = ["username", "contract", "customer"]
    search_columns = ["username", "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("username", "asc")
    order_columns = ["username"]
    show_columns = ["username", "contract", "customer", "created_at", "updated_at"]
    # No add: the account needs a generated password, set by the DSL reset action (R-SIP-5).
    base_permissions = ["can_list", "can_show", "can_edit", "can_delete"]
    edit_columns = ["contract", "username"]
    edit_form_extra_fields = {"contract": contract_field()}


class CpeView(BackofficeModelView):
    """Routers and other customer equipment (CPE) delivered for an order (R-SIP-6)."""

    datamodel = BackofficeInterface(Cpe)
    route_base = "/cpe"
    list_title = _l("CPE devices")
    show_title = _l("CPE device")
    add_title = _l("New CPE device")
    edit_title = _l("Edit CPE device")
    title = _l("CPE devices")
    owner_from = "contract"
    same_customer = ("order",)

    list_columns = ["serial_number", "model", "mac_address", "contract", "order"]
    search_columns = ["serial_number", "model", "mac_address", "contract_id", "customer_id"]
    text_filters = _CONTRACT_SEARCH
    base_order = ("id", "desc")
    order_columns = ["serial_number", "model"]
    label_columns = {"model": _l("Model"), "serial_number": _l("Serial number"), "mac_address": _l("MAC address")}
    show_columns = ["serial_number", "model", "mac_address", "contract", "customer", "order", "created_at"]
    add_columns = ["contract", "order", "model", "serial_number", "mac_address"]
    edit_columns = add_columns
    add_form_extra_fields = {
        "contract": contract_field(),
        "order": AjaxRelationField(_l("Order"), model=Order, lookup="order", required=False),
    }
    edit_form_extra_fields = add_form_extra_fields


class ShipmentView(BackofficeModelView):
    """Shipments of a CPE; the history of all shipments is shown (R-SIP-6)."""

    datamodel = BackofficeInterface(Shipment)
    route_base = "/shipments"
    list_title = _l("Shipments")
    show_title = _l("Shipment")
    add_title = _l("New shipment")
    edit_title = _l("Edit shipment")
    title = _l("Shipments")
    owner_from = "cpe"

    list_columns = ["cpe", "carrier", "tracking_number", "status", "shipped_at", "delivered_at"]
    search_columns = ["carrier", "tracking_number", "status", "cpe_id", "customer_id"]
    text_filters = {"cpe_id": CPE_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["carrier", "tracking_number", "status", "shipped_at", "delivered_at"]
    label_columns = {
        "carrier": _l("Parcel service"),
        "tracking_number": _l("Tracking number"),
        "shipped_at": _l("Shipped"),
        "delivered_at": _l("Delivered"),
    }
    show_columns = ["cpe", "customer", "carrier", "tracking_number", "status", "shipped_at", "delivered_at"]
    add_columns = ["cpe", "carrier", "tracking_number", "status", "shipped_at", "delivered_at"]
    edit_columns = add_columns
    add_form_extra_fields = {"cpe": AjaxRelationField(_l("CPE device"), model=Cpe, lookup="cpe")}
    edit_form_extra_fields = add_form_extra_fields
