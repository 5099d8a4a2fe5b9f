"""Support tickets, read side (R-TIC-4); creating tickets comes with the tickets work."""
from __future__ import annotations

from flask import current_app
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.services.portal import tickets as service
from app.views.portal.base import PortalView, object_ids


class PortalTicketView(PortalView):
    route_base = "/portal/tickets"
    class_permission_name = "PortalTickets"
    method_permission_name = {"list": "list", "show": "show"}
    base_permissions = ["can_list", "can_show"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        open_tickets, closed = service.ticket_lists(self.page_arg())
        return self.render_template("portal/tickets.html", open_tickets=open_tickets, closed=closed,
                                    hotline=current_app.config["HOTLINE_PHONE"],
                                    service_email=current_app.config["SERVICE_EMAIL"])

    @expose("/<pk>")
    @has_access
    @object_ids(pk="Ticket")
    def show(self, pk):
        ticket, comments = service.ticket_detail(pk)
        return self.render_template("portal/ticket_detail.html", ticket=ticket, comments=comments)
