"""The Portal Admin's form for a new personal API key (issue 19)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.forms.base import EServiceForm
from app.services.api_keys import NAME_MAX, READ, READ_WRITE


class ApiKeyForm(EServiceForm):
    name = StringField(_l("Name of the key"), validators=[InputRequired(), Length(max=NAME_MAX)])
    scope = SelectField(_l("Access"), choices=[(READ, _l("Read only")), (READ_WRITE, _l("Read and write"))],
                        default=READ)
    expires_on = DateField(_l("Valid until (optional)"), validators=[Optional()])
