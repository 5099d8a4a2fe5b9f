"""The back office's porting-state form (issue 13 part 7): new state, confirmed date, rejection reason.

The form checks what one field can tell; which state may follow which, and when a date or a
reason is required, is checked by `app/services/porting.py` and shown at the fields.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.forms.base import EServiceForm
from app.services.porting import REASON_MAX


class PortingStateForm(EServiceForm):
    state = SelectField(_l("New porting state"), choices=[], validators=[DataRequired(
        message=_l("Please choose a porting state."))])
    confirmed_date = DateField(_l("Porting date"), validators=[Optional()],
                               render_kw={"type": "date"})
    reason = TextAreaField(_l("Reason of the rejection"), validators=[Optional(), Length(max=REASON_MAX)],
                           render_kw={"rows": 3, "maxlength": REASON_MAX})

    def __init__(self, *args, states=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.state.choices = [(s.value, s.label) for s in states]
