"""The portal's ticket form and reply form (R-TIC-1..3, R-TIC-5).

The form only reads what was sent; the service checks the subject against the
company's own records and the files by their content (S12), and names the field of
each refusal (`take_errors`). The contract and invoice are typed by number (the
type-ahead of app/static/js/ticket_form.js helps, the form works without it).
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, HiddenField, MultipleFileField, RadioField, SelectField, StringField, TextAreaField

from app.forms.base import EServiceForm
from app.models.enums import TicketKind, TicketSubject

ACCEPT = ".pdf,.jpg,.jpeg,.png,.txt,.log,application/pdf,image/jpeg,image/png,text/plain"


class TicketForm(EServiceForm):
    """R-TIC-1: kind, subject (contract with option, or invoice), title, description, files, express."""

    kind = SelectField(_l("Kind of ticket"), choices=[], validate_choice=False)
    subject = RadioField(_l("The ticket is about"), choices=[], validate_choice=False,
                         default=TicketSubject.CONTRACT.value)
    contract = StringField(_l("Contract number"), filters=[lambda v: (v or "").strip()[:20]],
                           render_kw={"maxlength": 20, "autocomplete": "off", "list": "ticket-contract-list",
                                      "data-suggest": "contract"})
    option = SelectField(_l("Affected option (optional)"), choices=[], validate_choice=False)
    invoice = StringField(_l("Invoice number"), filters=[lambda v: (v or "").strip()[:20]],
                          render_kw={"maxlength": 20, "autocomplete": "off", "list": "ticket-invoice-list",
                                     "data-suggest": "invoice"})
    title = StringField(_l("Title"), render_kw={"maxlength": 200})
    description = TextAreaField(_l("Description"), render_kw={"rows": 6, "maxlength": 10000})
    # Manual "Deine Kundendaten": contact persons "können dann z. B. bei der Erstellung von Tickets ausgewählt werden".
    contact = SelectField(_l("Contact person for this ticket (optional)"), choices=[], validate_choice=False)
    attachments = MultipleFileField(_l("Attachments (PDF, JPEG, PNG or text log)"), render_kw={"accept": ACCEPT})
    express = BooleanField(_l("One-time express fault clearing (paid)"))
    token = HiddenField()

    def __init__(self, *args, option_choices=None, contact_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact.choices = [("", _l("Nobody in particular"))] + list(contact_choices or [])
        self.kind.choices = [("", _l("Please choose"))] + [(k.value, k.label) for k in TicketKind]
        self.subject.choices = [(s.value, s.label) for s in TicketSubject]
        self.option.choices = [("", _l("No particular option"))] + list(option_choices or [])

    message_fields = {}


class ReplyForm(EServiceForm):
    """R-TIC-5: a reply with files."""

    body = TextAreaField(_l("Your reply"), render_kw={"rows": 4, "maxlength": 10000})
    attachments = MultipleFileField(_l("Attachments (PDF, JPEG, PNG or text log)"), render_kw={"accept": ACCEPT})


class StaffTicketForm(EServiceForm):
    """R-TIC-5 in the back office: status, flag, assignee, and a reply or an internal note with files."""

    status = SelectField(_l("Status"), choices=[], validate_choice=False)
    contact_support = BooleanField(_l("Contact support (the customer should call us)"))
    assignee = SelectField(_l("Assignee"), choices=[], validate_choice=False)
    body = TextAreaField(_l("Reply or note"), render_kw={"rows": 5, "maxlength": 10000})
    internal = BooleanField(_l("Internal note (the customer never sees it, no email)"))
    attachments = MultipleFileField(_l("Attachments (PDF, JPEG, PNG or text log)"), render_kw={"accept": ACCEPT})

    def __init__(self, *args, staff=(), **kwargs):
        super().__init__(*args, **kwargs)
        from app.models.enums import TicketStatus

        self.status.choices = [(s.value, s.label) for s in TicketStatus]
        self.assignee.choices = [("", _l("Nobody"))] + [(str(m.id), m.full_name or m.username) for m in staff]
