"""Support tickets and their comment thread (SPEC §8, R-TIC-5, R-BO-3)."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _, lazy_gettext as _l

from app.models import ContactPerson, ContractOption, Invoice, Ticket, TicketComment
from app.models.enums import TicketStatus, TicketSubject
from app.models.mixins import utcnow
from app.errors import show_on_form
from app.forms.tickets import StaffTicketForm
from app.services import ticket_thread
from app.views.downloads import send_stored, ticket_file_name
from app.services.errors import Invalid
from app.services.uploads import upload_limit_mb
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.customers import contract_field, customer_field, customer_shown
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CUSTOMER_FILTERS, TICKET_FILTERS
from app.views.backoffice.widgets import AjaxRelationField


class TicketView(BackofficeModelView):
    """Support tickets; Service sets status, the "contact support" flag and replies (R-TIC-5)."""

    datamodel = BackofficeInterface(Ticket)
    route_base = "/tickets"
    list_title = _l("Tickets")
    show_title = _l("Ticket")
    add_title = _l("New ticket")
    edit_title = _l("Edit ticket")
    title = _l("Tickets")
    same_customer = ("contract", "contract_option", "invoice", "contact_person")

    # The queue: oldest first (then by kind), filtered by status, kind and customer.
    list_columns = ["ticket_number", "customer", "kind", "title", "status", "contact_support", "assignee",
                    "created_at"]
    search_columns = ["ticket_number", "customer_id", "contract_id", "kind", "status", "contact_support",
                      "express_clearing", "title", "created_at"]
    text_filters = {"customer_id": CUSTOMER_FILTERS, "contract_id": CONTRACT_FILTERS}
    base_order = ("created_at", "asc")
    order_columns = ["ticket_number", "kind", "status", "created_at"]
    show_template = "backoffice/ticket_show.html"
    method_permission_name = {"thread": "show", "work": "edit", "attachment": "show"}
    label_columns = {
        # A ticket is *about* a contract or an invoice ("Bezug"); an email has a subject line.
        "subject": _l("Regarding"),
        "contact_support": _l("Contact support"),
        "express_clearing": _l("Express fault clearing (paid)"),
        "closed_at": _l("Closed"),
        "assignee": _l("Assignee"),
    }
    show_fieldsets = [
        (_l("Ticket"), {"fields": ["ticket_number", "customer", "kind", "status", "contact_support", "title"]}),
        (_l("Regarding"), {"fields": ["subject", "contract", "contract_option", "invoice", "express_clearing"]}),
        (_l("Description"), {"fields": ["description", "contact_person", "created_by", "created_at", "closed_at"]}),
    ]
    add_columns = [
        "ticket_number", "customer", "kind", "subject", "contract", "contract_option", "invoice", "title",
        "description", "contact_person", "status", "contact_support", "express_clearing",
    ]
    edit_columns = add_columns
    add_form_extra_fields = {
        "customer": customer_field(),
        "contract": contract_field(required=False),
        "contract_option": AjaxRelationField(_l("Booked option"), model=ContractOption, lookup="contract_option",
                                             required=False),
        "invoice": AjaxRelationField(_l("Invoice"), model=Invoice, lookup="invoice", required=False),
        "contact_person": AjaxRelationField(_l("Contact person"), model=ContactPerson, lookup="contact_person",
                                            required=False),
    }
    edit_form_extra_fields = {**add_form_extra_fields, "customer": customer_shown()}

    def pre_add(self, item):
        """Check the subject and record who opened the ticket."""
        super().pre_add(item)
        self._check_subject(item)
        item.created_by_id = g.user.id

    def pre_update(self, item):
        """Check the subject; closing stamps the time (R-TIC-4 lists the last ten closed)."""
        super().pre_update(item)
        self._check_subject(item)

    @staticmethod
    def _check_subject(item):
        # R-TIC-2: about a contract (optionally one of its options) or an invoice, never both.
        if item.subject is TicketSubject.CONTRACT:
            if item.contract is None or item.invoice is not None:
                raise Invalid(_l("A ticket about a contract needs the contract and no invoice."))
            if item.contract_option is not None and item.contract_option.contract_id != item.contract.id:
                raise Invalid(_l("The option does not belong to this contract."))
        elif item.invoice is None or item.contract is not None or item.contract_option is not None:
            raise Invalid(_l("A ticket about an invoice needs the invoice and no contract or option."))
        if item.status is TicketStatus.CLOSED and item.closed_at is None:
            item.closed_at = utcnow()
        elif item.status is not TicketStatus.CLOSED:
            item.closed_at = None

    # --- the conversation (R-TIC-5) ------------------------------------
    def _thread_page(self, ticket, form, status=200):
        comments, files = ticket_thread.thread(ticket)
        return self.render_template("backoffice/ticket_thread.html", ticket=ticket, comments=comments, files=files,
                                    form=form, limit_mb=upload_limit_mb()), status

    @expose("/thread/<pk>")
    @has_access
    def thread(self, pk):
        """The whole thread (internal notes marked) with the form to reply and set status, flag, assignee."""
        ticket = ticket_thread.load(pk)
        form = StaffTicketForm(staff=ticket_thread.staff_members(), obj=None)
        form.status.data = ticket.status.value
        form.contact_support.data = ticket.contact_support
        form.assignee.data = str(ticket.assignee_id or "")
        return self._thread_page(ticket, form)

    @expose("/thread/<pk>", methods=["POST"])
    @has_access
    def work(self, pk):
        ticket = ticket_thread.load(pk)
        form = StaffTicketForm(staff=ticket_thread.staff_members())
        if form.validate():
            try:
                comment = ticket_thread.work(
                    ticket, g.user, body=form.body.data, internal=form.internal.data,
                    files=[(f.stream, f.filename) for f in request.files.getlist("attachments")],
                    status=form.status.data, contact_support=form.contact_support.data,
                    assignee_id=form.assignee.data)
            except Invalid as exc:
                show_on_form(exc, form)
            else:
                if comment is None:
                    flash(_("The ticket has been saved."), "success")
                elif comment.internal:
                    flash(_("The internal note has been saved; the customer does not see it."), "success")
                else:
                    flash(_("The reply has been sent to the customer."), "success")
                return redirect(url_for(".thread", pk=ticket.id))
        return self._thread_page(ticket, form, 400)

    @expose("/thread/<pk>/files/<file_id>")
    @has_access
    def attachment(self, pk, file_id):
        row = ticket_thread.attachment(ticket_thread.load(pk), file_id)
        return send_stored(row, as_attachment=True, name=ticket_file_name(row))


class TicketCommentView(BackofficeModelView):
    """Replies on a ticket; internal notes are hidden from the portal."""

    datamodel = BackofficeInterface(TicketComment)
    route_base = "/ticket-comments"
    list_title = _l("Ticket comments")
    show_title = _l("Ticket comment")
    add_title = _l("New ticket comment")
    edit_title = _l("Edit ticket comment")
    title = _l("Comments")
    owner_from = "ticket"

    list_columns = ["ticket", "author", "internal", "body", "created_at"]
    search_columns = ["ticket_id", "customer_id", "internal", "body", "created_at"]
    text_filters = {"ticket_id": TICKET_FILTERS, "customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["internal", "created_at"]
    label_columns = {"body": _l("Text"), "internal": _l("Internal note")}
    list_formatters = {"body": lambda text: (text or "")[:120]}
    show_columns = ["ticket", "customer", "author", "internal", "body", "created_at"]
    add_columns = ["ticket", "internal", "body"]
    edit_columns = add_columns
    add_form_extra_fields = {"ticket": AjaxRelationField(_l("Ticket"), model=Ticket, lookup="ticket")}
    edit_form_extra_fields = add_form_extra_fields

    def pre_add(self, item):
        """The signed-in staff member is the author."""
        super().pre_add(item)
        item.author_id = g.user.id
