"""Form fields that pick a related row by searching on the server (QUALITY P4).

FAB renders a relation as a <select> holding every row of the related table;
with 50,000 customers that is a page of megabytes. These fields render only
the chosen row(s); the browser asks `BackofficeLookupView` for matches as the
user types (select2 with paging, at most 20 rows per request).
"""
from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import Field, SelectField
from wtforms.validators import DataRequired, InputRequired, Optional as OptionalValidator, ValidationError
from wtforms.widgets import html_params

from app.extensions import db
from app.services.lookups import label_for
from app.views.backoffice.datamodel import pk_in_range
from app.views.backoffice.filters import coerce_enum


def _load(model, raw):
    pk = pk_in_range(model, raw)
    return db.session.get(model, pk) if pk is not None else None


class AjaxSelectWidget:
    """A <select> holding only the current choice; select2 fetches the rest from `lookup`."""

    def __init__(self, lookup: str, multiple: bool = False):
        self.lookup = lookup
        self.multiple = multiple

    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        css = "form-control eservice-ajax-select " + kwargs.pop("class", "") + kwargs.pop("class_", "")
        attrs = html_params(
            name=field.name,
            class_=css.strip(),
            data_endpoint=url_for("BackofficeLookupView.lookup", kind=self.lookup),
            data_placeholder=_("Type to search…"),
            multiple=self.multiple,
            required=field.flags.required,
            **kwargs,
        )
        options = [] if self.multiple else ['<option value=""></option>']
        for item in field.selected_items():
            options.append(
                f'<option value="{escape(item.id)}" selected>{escape(label_for(self.lookup, item))}</option>'
            )
        return Markup(f"<select {attrs}>{''.join(options)}</select>")  # nosec B704  # every value escaped above


class AjaxRelationField(Field):
    """One related row, chosen by id; the data is the model instance (or None)."""

    def __init__(self, label=None, validators=None, model=None, lookup: str = "", required: bool = True,
                 **kwargs):
        validators = list(validators or [])
        if required:
            validators.insert(0, DataRequired(message=_l("Please choose an entry.")))
        super().__init__(label, validators, widget=AjaxSelectWidget(lookup), **kwargs)
        self.model = model
        self._raw = ""

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        self._raw = (valuelist[0] if valuelist else "") or ""
        self.data = _load(self.model, self._raw) if self._raw else None

    def pre_validate(self, form):
        if self._raw and self.data is None:
            raise ValidationError(_("The chosen entry does not exist."))

    def selected_items(self):
        """The rows to render as the selected option."""
        return [self.data] if self.data is not None else []

    def _value(self):
        return str(self.data.id) if self.data is not None else ""


class AjaxRelationMultipleField(Field):
    """Several related rows (many-to-many), chosen by id; the data is a list of instances."""

    def __init__(self, label=None, validators=None, model=None, lookup: str = "", **kwargs):
        super().__init__(label, validators, widget=AjaxSelectWidget(lookup, multiple=True), **kwargs)
        self.model = model
        self._missing = False

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        items = []
        self._missing = False
        for raw in dict.fromkeys(valuelist or []):
            if not raw:
                continue
            item = _load(self.model, raw)
            if item is None:
                self._missing = True
            else:
                items.append(item)
        self.data = items

    def pre_validate(self, form):
        if self._missing:
            raise ValidationError(_("The chosen entry does not exist."))

    def selected_items(self):
        """The rows to render as selected options."""
        return list(self.data or [])


class ReadOnlyRelationWidget:
    """The related row as plain text, no input: the form cannot send a value for it."""

    def __init__(self, lookup: str):
        self.lookup = lookup

    def __call__(self, field, **kwargs):
        text = label_for(self.lookup, field.data) if field.data is not None else ""
        return Markup(f'<p class="form-control-static" id="{escape(field.id)}">{escape(text)}</p>')  # nosec B704  # both values escaped


class ReadOnlyRelationField(Field):
    """A relation shown on an edit form but never changed by it (e.g. a record's customer, S3).

    Whatever a request sends under its name is ignored; `populate_obj` leaves the
    row alone. The flush rule in `app/services/integrity.py` refuses a change anyway.
    """

    def __init__(self, label=None, lookup: str = "", **kwargs):
        super().__init__(label, widget=ReadOnlyRelationWidget(lookup), **kwargs)

    def process_data(self, value):
        self.data = value

    def process_formdata(self, valuelist):
        """Ignore the request: the value comes from the row only."""

    def populate_obj(self, obj, name):
        """Never write the relation."""


def enum_select_field(enum_cls, label=None, required: bool = True, validators=None):
    """A select listing an enum's translated labels; the form data is the member."""
    choices = ([] if required else [("", "—")]) + [(m.value, m.label) for m in enum_cls]

    def _coerce(value):
        if value in (None, ""):
            return None
        return coerce_enum(enum_cls, value)

    field_validators = list(validators or [])
    field_validators.insert(0, InputRequired() if required else OptionalValidator())
    # LabeledEnum members compare equal to their stored value, so WTForms' choice check works.
    return SelectField(label, choices=choices, coerce=_coerce, validators=field_validators)
