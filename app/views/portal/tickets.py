"""Support tickets: list (R-TIC-4), create (R-TIC-1..3, R-HOME-4), the thread with replies (R-TIC-5)."""
from __future__ import annotations

from flask import current_app, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import format_currency, gettext as _

from app.errors import show_on_form
from app.forms.tickets import ReplyForm, TicketForm
from app.views.downloads import send_stored, ticket_file_name
from app.services.errors import Invalid, NotFound
from app.services.uploads import upload_limit_mb
from app.services.portal import ticket_create, tickets as service
from app.views.portal.base import PortalView, object_ids, signed_in_or_401
from app.views.portal.ticket_rows import ticket_rows


def _files(field_name: str):
    return [(f.stream, f.filename) for f in request.files.getlist(field_name)]


def _money(value) -> str:
    return format_currency(value, "EUR")


class PortalTicketView(PortalView):
    route_base = "/portal/tickets"
    class_permission_name = "PortalTickets"
    method_permission_name = {"list": "list", "show": "show", "download": "show", "new": "add", "suggest": "add",
                              "subject_options": "add", "reply": "add"}
    base_permissions = ["can_list", "can_show", "can_add"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        open_tickets, closed = service.ticket_lists(self.page_arg())
        return self.render_template("portal/tickets.html", open_tickets=open_tickets, closed=closed,
                                    hotline=current_app.config["HOTLINE_PHONE"], ticket_rows=ticket_rows)

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @object_ids()
    def new(self):
        """R-TIC-1..3: the form; a POST creates one ticket per form token (R3)."""
        form = TicketForm(contact_choices=ticket_create.contact_choices())
        if request.method == "GET":
            form.token.data = ticket_create.new_token()
            if request.args.get("contract"):
                form.contract.data = request.args.get("contract", "")[:20]
        contract, option_choices = None, []
        if form.subject.data == "contract" and form.contract.data:
            try:
                contract = ticket_create.contract_by_number(form.contract.data)
                option_choices = ticket_create.option_choices(contract)
            except NotFound:
                contract = None
        form.option.choices = form.option.choices[:1] + option_choices
        if request.method == "POST" and form.validate() and "show_options" not in request.form:
            data = ticket_create.TicketInput(
                kind=form.kind.data, subject=form.subject.data, contract=form.contract.data, option=form.option.data,
                invoice=form.invoice.data, title=form.title.data, description=form.description.data,
                contact=form.contact.data, express=bool(form.express.data), token=form.token.data)
            try:
                ticket = ticket_create.create(g.user, data, _files("attachments"))
            except Invalid as exc:
                show_on_form(exc, form)
            else:
                flash(_("Thank you: ticket %(number)s has been created.", number=ticket.ticket_number), "success")
                return redirect(url_for(".show", pk=ticket.id))
        offer = ticket_create.express_offer(contract) if contract is not None else None
        return self.render_template("portal/ticket_new.html", form=form,
                                    offer_label=_express_label(offer) if offer is not None else None,
                                    contract_known=contract is not None, limit_mb=upload_limit_mb())

    @expose("/suggest")
    @signed_in_or_401
    @has_access
    @object_ids()
    def suggest(self):
        """The type-ahead: at most ten of the company's own contract or invoice numbers (JSON)."""
        matches = ticket_create.suggest(request.args.get("kind"), request.args.get("q"))
        response = jsonify(matches=matches)
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/subject-options")
    @signed_in_or_401
    @has_access
    @object_ids(query={"contract": "Contract.contract_number"})
    def subject_options(self):
        """The options of one of the company's contracts and its express offer (JSON); 404 for any other."""
        contract = ticket_create.contract_by_number(request.args.get("contract"))
        offer = ticket_create.express_offer(contract)
        express = None
        if offer is not None:
            express = {"label": _express_label(offer)}
        response = jsonify(options=[{"id": i, "label": label} for i, label in ticket_create.option_choices(contract)],
                           express=express)
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/<pk>")
    @has_access
    @object_ids(pk="Ticket")
    def show(self, pk):
        ticket, comments = service.ticket_detail(pk)
        return self.render_template("portal/ticket_detail.html", ticket=ticket, comments=comments,
                                    files=service.visible_attachments(ticket), form=ReplyForm(),
                                    limit_mb=upload_limit_mb())

    @expose("/<pk>/reply", methods=["POST"])
    @has_access
    @object_ids(pk="Ticket")
    def reply(self, pk):
        """R-TIC-5: the customer's answer; the team is emailed."""
        form = ReplyForm()
        if form.validate():
            try:
                service.reply(pk, g.user, form.body.data, _files("attachments"))
            except Invalid as exc:
                show_on_form(exc, form)
            else:
                flash(_("Your reply has been sent."), "success")
                return redirect(url_for(".show", pk=pk))
        ticket, comments = service.ticket_detail(pk)
        return self.render_template("portal/ticket_detail.html", ticket=ticket, comments=comments,
                                    files=service.visible_attachments(ticket), form=form,
                                    limit_mb=upload_limit_mb())

    @expose("/files/<pk>")
    @has_access
    @object_ids(pk="TicketAttachment")
    def download(self, pk):
        """A file of the thread, under a server-made name (S12); never one of an internal note."""
        row = service.attachment(pk)
        return send_stored(row, as_attachment=True, name=ticket_file_name(row))


def _express_label(offer) -> str:
    """R-TIC-3: "One-time express fault clearing (paid)" with its price and site."""
    prices = []
    if offer.one_time:
        prices.append(_("%(price)s one-time", price=_money(offer.one_time)))
    if offer.monthly:
        prices.append(_("%(price)s per month", price=_money(offer.monthly)))
    label = _("One-time express fault clearing (paid)")
    if offer.location_name:
        label += " – " + offer.location_name
    return label + (": " + ", ".join(prices) if prices else "")
