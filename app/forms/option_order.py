"""The option-order wizard's forms (R-WIZ-1..7): contract choice, a number addition, the submit.

The rules live in `app.services.option_order`; these forms only carry the fields and
the CSRF token, and show the service's messages at the fields they name
(`EServiceForm.take_errors` with the service's `exc.fields`). Option totals of step 3
are one input per line and read by the view (the lines come from the service).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import HiddenField, PasswordField, RadioField, SelectField, StringField
from wtforms.validators import InputRequired

from app.forms.base import ConfirmForm, EServiceForm
from app.models.enums import NumberOrderKind


class ContractStepForm(EServiceForm):
    """Step 1: one of the contracts the service offers (R-WIZ-1)."""

    contract = RadioField(_l("Contract"), choices=[], validators=[InputRequired(_l("Please choose a contract."))])

    def __init__(self, choices, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract.choices = [(str(choice.contract.id), choice.contract.contract_number) for choice in choices]


class NumberAddForm(EServiceForm):
    """Step 2: one addition of numbers in one of the six ways (R-WIZ-2), with its upload and porting data."""

    kind = SelectField(_l("How do you want to add numbers?"), choices=[], validate_choice=False)
    count = StringField(_l("How many single numbers (1 to 10)"), render_kw={"inputmode": "numeric"})
    location_id = SelectField(_l("Location"), choices=[], validate_choice=False)
    file = FileField(_l("Address proof or signed porting form (PDF, JPEG or PNG)"))
    upload_id = HiddenField()
    carrier = StringField(_l("Current provider"), render_kw={"maxlength": 100, "autocomplete": "off"})
    number = StringField(_l("Number to port (for a block: its base number)"),
                         render_kw={"inputmode": "tel", "autocomplete": "off"})
    extension_from = StringField(_l("Block extensions from"), render_kw={"inputmode": "numeric"})
    extension_to = StringField(_l("Block extensions to"), render_kw={"inputmode": "numeric"})
    desired_date = StringField(_l("Desired porting date"), render_kw={"type": "date"})
    owner = StringField(_l("Owner of the numbers (as the current provider has it)"),
                        render_kw={"maxlength": 120, "autocomplete": "organization"})

    def __init__(self, locations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [("", _l("Please choose"))] + NumberOrderKind.choices()
        self.location_id.choices = [("", _l("No location (area code 032)"))] + [
            (str(location.id), f"{location.name} – {location.street}, {location.zip_code} {location.city}")
            for location in locations]

    def entry(self) -> dict:
        """The addition as the service takes it (`option_order.add_numbers`)."""
        return {
            "kind": self.kind.data or None, "count": self.count.data, "location_id": self.location_id.data or None,
            "upload_id": self.upload_id.data or None,
            "porting": {"carrier": self.carrier.data, "owner": self.owner.data, "number": self.number.data,
                        "extension_from": self.extension_from.data, "extension_to": self.extension_to.data,
                        "desired_date": self.desired_date.data},
        }


class SubmitForm(EServiceForm):
    """Step 4: the customer password releases the order (R-WIZ-6)."""

    hotline_password = PasswordField(_l("Customer password"), render_kw={"autocomplete": "off"})


class StepForm(ConfirmForm):
    """A step's buttons (mark a number, save options, abandon): only the CSRF token."""
