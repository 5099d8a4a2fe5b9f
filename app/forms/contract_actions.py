"""Forms of the contract page's self-care actions (R-SIP-1..5): confirmation steps as POST forms.

Each form carries a one-time `token` made when the form is shown: the same form sent
twice makes one change (QUALITY R3). Rows are plain WTForms lists; the rules (numbers,
addresses, duplicates) are the service's, its messages come back to the rows' fields.
"""
from __future__ import annotations

import secrets

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, HiddenField, RadioField, SelectField, StringField
from wtforms.fields import FieldList, FormField

from app.forms.base import EServiceForm
from app.models.enums import ForwardingScope, RegistrationMode

NEW_ROWS = 2
# A posted form never makes more rows than this, whatever indices it names (R7).
MAX_ROWS = 40


def _int_or_none(value):
    text = str(value or "")
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None


class TokenForm(EServiceForm):
    """A confirmation button: CSRF token and the one-time token."""

    token = HiddenField()

    def add_error(self, name, text) -> None:
        """Also "rows-<i>-<field>": the service names a row's field the way the form names it."""
        head, _, rest = (name or "").partition("-")
        index, _, sub = rest.partition("-")
        entries = getattr(self._fields.get(head), "entries", None)
        if entries is not None and index.isdigit() and int(index) < len(entries) and sub in entries[int(index)].form:
            target = entries[int(index)].form[sub]
            target.errors = [*target.errors, str(text)]
            return
        super().add_error(name, text)

    def fresh(self):
        if not self.token.data:
            self.token.data = secrets.token_urlsafe(24)
        return self


class ForwardingRowForm(Form):
    scope = SelectField(_l("Forward"), choices=[], validate_choice=False)
    phone_number_id = SelectField(_l("Phone number"), choices=[], coerce=_int_or_none, validate_choice=False)
    extension = StringField(_l("Extension"))
    target = StringField(_l("Target number"))
    remove = BooleanField(_l("Remove"))


class ForwardingsForm(TokenForm):
    rows = FieldList(FormField(ForwardingRowForm), max_entries=MAX_ROWS)

    def prepare(self, numbers, current_rows=None):
        """Choices for every row; on first show the current rows plus empty ones for additions."""
        if current_rows is not None and not self.is_submitted():
            for row in current_rows:
                self.rows.append_entry(row)
            for _ in range(NEW_ROWS):
                self.rows.append_entry()
        number_choices = [("", _l("– choose –"))] + [(n.id, str(n)) for n in numbers]
        for entry in self.rows:
            entry.scope.choices = ForwardingScope.choices()
            entry.phone_number_id.choices = number_choices
        return self.fresh()

    def entered(self):
        from app.services.self_care.forwardings import RowInput

        return [RowInput(index=i, scope=e.scope.data or "", phone_number_id=e.phone_number_id.data,
                         extension=e.extension.data or "", target=e.target.data or "", remove=bool(e.remove.data))
                for i, e in enumerate(self.rows)]


class IpRowForm(Form):
    address = StringField(_l("IP address"))
    remove = BooleanField(_l("Remove"))


class TrunkIpsForm(TokenForm):
    ips = FieldList(FormField(IpRowForm), max_entries=MAX_ROWS)
    mode = RadioField(_l("Mode"), choices=[], validate_choice=False)

    def prepare(self, current_ips=None, current_mode=None):
        if current_ips is not None and not self.is_submitted():
            for ip in current_ips:
                self.ips.append_entry({"address": ip})
            for _ in range(NEW_ROWS):
                self.ips.append_entry()
            self.mode.data = current_mode or RegistrationMode.LOAD_SHARING.value
        self.mode.choices = RegistrationMode.choices()
        return self.fresh()

    def entered(self):
        return [(i, e.address.data or "", bool(e.remove.data)) for i, e in enumerate(self.ips)]
