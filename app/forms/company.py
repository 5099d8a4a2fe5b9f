"""Forms of "Deine Kundendaten" (R-CUS-1..3): unlock, company data, customer password, contact persons.

Rules are the services' (app/services/portal/company.py, contacts.py); their messages come
back at the field they name (`exc.fields`).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l, lazy_pgettext
from wtforms import BooleanField, DateField, HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, Optional

from app.forms.auth import REQUIRED, SIGN_IN_MAXLENGTH
from app.forms.base import EServiceForm, FilterForm
from app.models.enums import ContactConsent, InvoiceDelivery
from app.services.portal.contacts import EDITABLE_ROLES

_strip = [lambda v: (v or "").strip()]


class UnlockForm(EServiceForm):
    """The lock icon: the acting user's own login password releases editing (R-CUS-3, R-USR-3)."""

    password = PasswordField(_l("Your password"), [DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password", "maxlength": SIGN_IN_MAXLENGTH})
    next = HiddenField()


class CompanyForm(EServiceForm):
    """R-CUS-3: what the Portal Admin may change of the company's data."""

    key = HiddenField()
    email = EmailField(_l("Company email address"), [DataRequired(REQUIRED)], filters=_strip,
                       render_kw={"maxlength": 254})
    main_phone = TelField(_l("Company main phone number"), filters=_strip, render_kw={"maxlength": 32})
    show_term_on_invoice = BooleanField(_l("Show contract-term information on the invoice (§5 TKTransparenzV)"))
    invoice_delivery = RadioField(_l("Invoice delivery"), choices=[
        (InvoiceDelivery.PORTAL.value, _l("Customer portal (free of charge)")),
        (InvoiceDelivery.PORTAL_AND_POST.value, _l("Customer portal and by post (1.90 € per month)")),
    ], validators=[DataRequired(REQUIRED)])
    contact_consent = RadioField(_l("ecotel may contact you"), choices=ContactConsent.choices(),
                                 validators=[DataRequired(REQUIRED)])


class HotlinePasswordForm(EServiceForm):
    """R-CUS-2: the new customer password, twice."""

    new_password = PasswordField(_l("New customer password"), [DataRequired(REQUIRED)],
                                 render_kw={"autocomplete": "off", "maxlength": 32})
    confirm = PasswordField(_l("Repeat the new customer password"), [DataRequired(REQUIRED)],
                            render_kw={"autocomplete": "off", "maxlength": 32})


class ContactForm(EServiceForm):
    """A contact person with role (R-CUS-3)."""

    role = SelectField(_l("Role"), choices=[(r.value, r.label) for r in EDITABLE_ROLES],
                       validators=[DataRequired(REQUIRED)])
    salutation = StringField(_l("Salutation"), filters=_strip, render_kw={"maxlength": 20})
    first_name = StringField(_l("First name"), [DataRequired(REQUIRED)], filters=_strip,
                             render_kw={"maxlength": 100})
    last_name = StringField(_l("Last name"), [DataRequired(REQUIRED)], filters=_strip,
                            render_kw={"maxlength": 100})
    email = EmailField(_l("Email"), filters=_strip, render_kw={"maxlength": 254})
    phone = TelField(_l("Phone"), filters=_strip, render_kw={"maxlength": 32})
    mobile = TelField(_l("Mobile number"), filters=_strip, render_kw={"maxlength": 32})


class PortalUserForm(EServiceForm):
    """R-USR-1/3: an account of the company (the role only when creating)."""

    role = RadioField(_l("Role"), choices=[("PBX Admin", lazy_pgettext("role", "PBX Admin")),
                                                      ("Accounting", lazy_pgettext("role", "Accounting"))])
    username = StringField(_l("Username"), [DataRequired(REQUIRED)], filters=_strip, render_kw={"maxlength": 80})
    first_name = StringField(_l("First name"), [DataRequired(REQUIRED)], filters=_strip, render_kw={"maxlength": 64})
    last_name = StringField(_l("Last name"), [DataRequired(REQUIRED)], filters=_strip, render_kw={"maxlength": 64})
    email = EmailField(_l("Email"), [DataRequired(REQUIRED)], filters=_strip, render_kw={"maxlength": 254})
    phone = TelField(_l("Phone"), filters=_strip, render_kw={"maxlength": 32})
    mobile = TelField(_l("Mobile number"), filters=_strip, render_kw={"maxlength": 32})


class UserStatusForm(EServiceForm):
    """R-USR-3: lock, unlock, or deactivate for good."""

    status = RadioField(_l("Status"), choices=[("active", _l("Active")), ("locked", _l("Locked")),
                                               ("inactive", _l("Inactive (deleted, final)"))],
                        validators=[DataRequired(REQUIRED)])


class AuditFilterForm(FilterForm):
    """The company audit log's filter: user, kind, date range (GET; a bad date is shown at its field)."""

    user = SelectField(_l("User"), choices=[], validate_choice=False)
    kind = SelectField(_l("Kind"), choices=[], name="type", validate_choice=False)
    date_from = DateField(_l("From"), [Optional()], name="from")
    date_to = DateField(_l("To"), [Optional()], name="to")

    def __init__(self, args, users, kinds):
        super().__init__(args)
        self.user.choices = [("", _l("All users"))] + [(str(i), name) for i, name in users]
        self.kind.choices = [("", _l("All kinds"))] + list(kinds)
