"""The porting tracker's states (issue 13 part 7), with their translated labels.

Its own module: `enums.py` is at its size limit. Same contract as every `LabeledEnum`:
stable English codes in the database, English msgids as labels.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .enums import LabeledEnum


class PortingState(LabeledEnum):
    """Where the transfer of a ported number stands (app/services/porting.py)."""

    FORM_RECEIVED = "form_received"
    SUBMITTED = "submitted"
    DATE_CONFIRMED = "date_confirmed"
    PORTED = "ported"
    REJECTED = "rejected"

    @property
    def label(self):
        return _PORTING_LABELS[self]


_PORTING_LABELS = {
    PortingState.FORM_RECEIVED: _l("Porting form received"),
    PortingState.SUBMITTED: _l("Submitted to the current provider"),
    PortingState.DATE_CONFIRMED: _l("Porting date confirmed"),
    PortingState.PORTED: _l("Ported"),
    PortingState.REJECTED: _l("Rejected"),
}
