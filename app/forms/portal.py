"""The portal's search and export forms (R-CON-1, R-ORD-1, R-INV-2, R-DOC-1) and the offer's accept button (R-ORD-4).

Filters are GET forms and forgiving: an unknown status or type shows everything, as a
hand-edited URL should. The call-record export checks its dates at their fields; the
contract itself (the customer's own, by id or number) is checked by the service.
"""
from __future__ import annotations

from datetime import date

from flask import session
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict
from wtforms import SelectField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import DateInput, Select

from app.forms.base import ConfirmForm, FilterForm
from app.services.portal import call_records


class NameFirstSelect(Select):
    """WTForms' select with `name` leading its attributes, as the portal's hand-written selects had it."""

    def __call__(self, field, **kwargs):
        html = str(super().__call__(field, **kwargs))
        end = html.index(">")  # attribute values are escaped: the first ">" closes the tag
        name = f'name="{escape(field.name)}"'
        others = " ".join(html[len("<select "):end].replace(name, "").split())
        return Markup(f"<select {name} {others}{html[end:]}")  # nosec B704  # escaped: name above, rest by WTForms


class ChoiceFilter:
    """A list's one-choice filter read from the query string (GET, no CSRF token: it changes nothing).

    It reads the parameter as WTForms' SelectField did (the first value; missing: none), without
    building a WTForms form on every list page (issue 20, P9); the page writes its label and select
    with `app.views.list_html.filter_fields`. `value` is the raw text, shown selected when it names
    a choice; `selected` is the chosen member, or None (also for a value that is none).
    """

    name: str = ""
    label = None

    def __init__(self, args, members, all_label=None):
        self.members = tuple(members)
        self.all_label = all_label
        self.value = args.get(self.name)

    @property
    def selected(self):
        return next((m for m in self.members if m.value == self.value), None)


class StatusFilterForm(ChoiceFilter):
    """Contracts and orders: one status or all; the chosen sort order rides along (a hidden field)."""

    name = "status"
    label = _l("Status")

    def __init__(self, args, statuses, sort_arg: str | None = None):
        super().__init__(args, statuses, _l("All"))
        self.sort = sort_arg or ""


class DocumentFilterForm(ChoiceFilter):
    """Invoices and documents: the document type (R-INV-2 defaults to invoices; documents allow all)."""

    name = "type"
    label = _l("Document type")

    def __init__(self, args, types, *, default=None, allow_all: bool = False):
        super().__init__(args, types, _l("All") if allow_all else None)
        if self.selected is None and default is not None:
            self.value = default.value


def _checked_date(default_index: int):
    """A validator reading the field as the export service does (ISO or DD.MM.YYYY; empty: the default)."""

    def check(form, field):
        try:
            form.dates[default_index] = call_records.parse_date(field.data, form.default_range[default_index])
        except call_records.InvalidExportFilter as error:
            raise ValidationError(str(error)) from None

    return check


def _not_before_start(form, field):
    if not form.date_from.errors and not field.errors and form.dates[0] > form.dates[1]:
        raise ValidationError(str(_l("The start date must not be after the end date.")))


class CallRecordExportForm(FilterForm):
    """The itemised-call export (R-INV-2, P6): contract (list or number) and a date range.

    An unusable filter sends the user back to the list, whose form shows the entered values
    and the error at its field (`stash` / `restored`, like a flashed message).
    """

    STASH_KEY = "_call_record_export_form"

    contract = SelectField(_l("Contract"), choices=[], validate_choice=False, id="export-contract",
                           widget=NameFirstSelect())
    contract_number = StringField(_l("Contract"), id="export-contract",
                                  filters=[lambda v: (v or "").strip()[:20]],
                                  render_kw={"maxlength": 20, "autocomplete": "off",
                                             "placeholder": _l("Contract number (empty: all contracts)")})
    date_from = StringField(_l("From"), [_checked_date(0)], name="from", id="export-from", widget=DateInput(),
                            render_kw={"required": True})
    date_to = StringField(_l("To"), [_checked_date(1), _not_before_start], name="to", id="export-to",
                          widget=DateInput(), render_kw={"required": True})

    def __init__(self, args, today: date, contract_choices=None):
        super().__init__(args)
        self.default_range = call_records.default_range(today)
        self.dates = list(self.default_range)
        # None: too many contracts for a dropdown, the form asks for the number instead.
        self.contract_choices = contract_choices
        self.contract.choices = [("", _l("All contracts"))] + [(str(i), n) for i, n in (contract_choices or [])]
        if not self.date_from.data:
            self.date_from.data = self.default_range[0].isoformat()
        if not self.date_to.data:
            self.date_to.data = self.default_range[1].isoformat()

    def take_errors(self, exc) -> None:
        """What the service refuses after the dates are fine is the contract typed in."""
        for text in getattr(exc, "messages", None) or [str(exc)]:
            self.add_error("contract_number" if self.contract_number.data else "contract", text)

    def stash(self) -> None:
        """Keep the entered values and errors for the next page (the list the user is sent back to)."""
        session[self.STASH_KEY] = {
            "values": {f.name: f.data or "" for f in (self.contract, self.contract_number, self.date_from,
                                                       self.date_to)},
            "errors": {f.name: [str(e) for e in f.errors] for f in self if f.errors},
        }

    @classmethod
    def restored(cls, today: date, contract_choices=None) -> CallRecordExportForm:
        """The form as the user left it when it was stashed, else a fresh one with the default range."""
        stashed = session.pop(cls.STASH_KEY, None)
        if not isinstance(stashed, dict):
            return cls(MultiDict(), today, contract_choices)
        values = {k: str(v)[:40] for k, v in (stashed.get("values") or {}).items()}
        form = cls(MultiDict(values), today, contract_choices)
        for field in form:
            field.errors = [str(e) for e in (stashed.get("errors") or {}).get(field.name, [])][:3]
        # The contract's error stands at the contract field the page shows (dropdown or number).
        hidden = form.contract if form.contract_field is form.contract_number else form.contract_number
        form.contract_field.errors = [*form.contract_field.errors, *hidden.errors]
        hidden.errors = []
        return form

    @property
    def contract_field(self):
        """The dropdown of the customer's contracts, or the number field when there are too many."""
        return self.contract_number if self.contract_choices is None else self.contract


class AcceptOfferForm(ConfirmForm):
    """R-ORD-4: accepting an offer is one button with the CSRF token."""
