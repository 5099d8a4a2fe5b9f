"""Customers, their contact persons and locations (SPEC §11, R-BO-2, R-AUTH-4)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import Length, Optional

from app.models import ContactPerson, Contract, Customer, Location
from app.services.customers import PortalAdminData, create_customer, validate_customer
from app.services.errors import Invalid
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CUSTOMER_FILTERS
from app.views.backoffice.widgets import AjaxRelationField, ReadOnlyRelationField

CUSTOMER_FIELDS = (
    "company_name", "email", "main_phone", "street", "zip_code", "city", "address_verified",
    "invoice_delivery", "show_term_on_invoice", "contact_consent",
)


def customer_field(required: bool = True):
    """The AJAX customer picker used by every customer-owned form."""
    return AjaxRelationField(_l("Customer"), model=Customer, lookup="customer", required=required)


def customer_shown():
    """The customer on an edit form: shown, never changed (a record never moves to another customer, S3)."""
    return ReadOnlyRelationField(_l("Customer"), lookup="customer")


def contract_field(required: bool = True):
    """The AJAX contract picker (searches contract and customer numbers)."""
    return AjaxRelationField(_l("Contract"), model=Contract, lookup="contract", required=required)


class CustomerView(BackofficeModelView):
    """Customers; the add form also names the Portal Admin (R-AUTH-4, R-BO-2)."""

    datamodel = BackofficeInterface(Customer)
    route_base = "/customers"
    list_title = _l("Customers")
    show_title = _l("Customer")
    add_title = _l("New customer")
    edit_title = _l("Edit customer")
    title = _l("Customers")

    list_columns = ["customer_number", "company_name", "zip_code", "city", "email", "invoice_delivery"]
    search_columns = ["customer_number", "company_name", "zip_code", "city", "email", "address_verified"]
    base_order = ("customer_number", "asc")
    label_columns = {
        "main_phone": _l("Main phone"),
        "address_verified": _l("Address verified"),
        "invoice_delivery": _l("Invoice delivery"),
        "show_term_on_invoice": _l("Contract term information on invoice (§5 TKTransparenzV)"),
        "contact_consent": _l("Contact consent"),
        "admin_first_name": _l("First name"),
        "admin_last_name": _l("Last name"),
        "admin_email": _l("Email"),
        "admin_mobile": _l("Mobile (for the SMS PIN)"),
        "admin_username": _l("Username"),
    }
    show_fieldsets = [
        (_l("Company"), {"fields": ["customer_number", "company_name", "email", "main_phone"]}),
        (_l("Address"), {"fields": ["street", "zip_code", "city", "address_verified"]}),
        (_l("Invoices and contact"), {"fields": ["invoice_delivery", "show_term_on_invoice", "contact_consent"]}),
        (_l("Record"), {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    add_fieldsets = [
        (_l("Company"), {"fields": ["customer_number", "company_name", "email", "main_phone"]}),
        (_l("Address"), {"fields": ["street", "zip_code", "city", "address_verified"]}),
        (_l("Invoices and contact"), {"fields": ["invoice_delivery", "show_term_on_invoice", "contact_consent"]}),
        (_l("Customer portal administrator"), {"fields": [
            "admin_first_name", "admin_last_name", "admin_email", "admin_mobile", "admin_username",
        ]}),
    ]
    edit_fieldsets = [
        (_l("Company"), {"fields": ["customer_number", "company_name", "email", "main_phone"]}),
        (_l("Address"), {"fields": ["street", "zip_code", "city", "address_verified"]}),
        (_l("Invoices and contact"), {"fields": ["invoice_delivery", "show_term_on_invoice", "contact_consent"]}),
    ]
    description_columns = {
        "customer_number": _l("7 digits. Leave empty to take the next free number."),
        "admin_username": _l("Leave empty for the default: customer + customer number, e.g. customer9000000."),
        "admin_email": _l("The set-password link is sent to this address."),
    }
    add_form_extra_fields = {
        "customer_number": StringField(_l("Customer number"), validators=[Optional(), Length(max=7)]),
        "admin_first_name": StringField(_l("First name"), validators=[Length(max=64)]),
        "admin_last_name": StringField(_l("Last name"), validators=[Length(max=64)]),
        "admin_email": StringField(_l("Email"), validators=[Length(max=254)]),
        "admin_mobile": StringField(_l("Mobile (for the SMS PIN)"), validators=[Optional(), Length(max=32)]),
        "admin_username": StringField(_l("Username"), validators=[Optional(), Length(max=80)]),
    }
    edit_form_extra_fields = {
        "customer_number": StringField(_l("Customer number"), validators=[Length(min=7, max=7)]),
    }

    def create_item(self, form):
        """Customer and Portal Admin in one transaction, through the customer service."""
        customer = Customer()
        for name in CUSTOMER_FIELDS:
            setattr(customer, name, form[name].data)
        customer.customer_number = (form.customer_number.data or "").strip() or None
        admin = PortalAdminData(
            first_name=form.admin_first_name.data or "",
            last_name=form.admin_last_name.data or "",
            email=form.admin_email.data or "",
            mobile=form.admin_mobile.data or None,
            username=form.admin_username.data or None,
        )
        customer, _user = create_customer(customer, admin)
        return customer

    def pre_update(self, item):
        """The same master-data rules as on creation."""
        errors = validate_customer(item)
        if errors:
            raise Invalid(*errors)


class ContactPersonView(BackofficeModelView):
    """Named people at the customer, e.g. the telecom contact who gets order confirmations."""

    datamodel = BackofficeInterface(ContactPerson)
    route_base = "/contact-persons"
    list_title = _l("Contact persons")
    show_title = _l("Contact person")
    add_title = _l("New contact person")
    edit_title = _l("Edit contact person")
    title = _l("Contact persons")

    list_columns = ["customer", "last_name", "first_name", "role", "email", "phone"]
    search_columns = ["customer_id", "last_name", "first_name", "email", "role"]
    text_filters = {"customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["last_name", "first_name", "role", "email"]
    label_columns = {
        "role": _l("Role"), "salutation": _l("Salutation"),
        "first_name": _l("First name"), "last_name": _l("Last name"),
    }
    show_fieldsets = [
        (_l("Contact person"), {"fields": ["customer", "role", "salutation", "first_name", "last_name"]}),
        (_l("Reachable at"), {"fields": ["email", "phone", "mobile"]}),
    ]
    add_columns = ["customer", "role", "salutation", "first_name", "last_name", "email", "phone", "mobile"]
    edit_columns = add_columns
    add_form_extra_fields = {"customer": customer_field()}
    edit_form_extra_fields = {"customer": customer_shown()}


class LocationView(BackofficeModelView):
    """Sites of a contract; location-bound options and numbers hang off them."""

    datamodel = BackofficeInterface(Location)
    route_base = "/locations"
    list_title = _l("Locations")
    show_title = _l("Location")
    add_title = _l("New location")
    edit_title = _l("Edit location")
    title = _l("Locations")
    owner_from = "contract"

    list_columns = ["contract", "customer", "name", "street", "zip_code", "city"]
    search_columns = ["contract_id", "customer_id", "name", "zip_code", "city"]
    # Service verifies a site's address; unverified, local-area-code numbers need an address proof (R-WIZ-2).
    label_columns = {"address_verified": _l("Address verified")}
    text_filters = {"contract_id": CONTRACT_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["name", "zip_code", "city"]
    show_fieldsets = [
        (_l("Location"), {"fields": ["contract", "customer", "name", "street", "zip_code", "city",
                                     "address_verified"]}),
    ]
    add_columns = ["contract", "name", "street", "zip_code", "city", "address_verified"]
    edit_columns = add_columns
    add_form_extra_fields = {"contract": contract_field()}
    edit_form_extra_fields = {"contract": contract_field()}
