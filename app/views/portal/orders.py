"""Orders and offers: list, detail with work steps, accepting an offer (R-ORD-1..4)."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.errors import show_on_form
from app.forms.portal import AcceptOfferForm, StatusFilterForm
from app.models.enums import OrderKind, OrderStatus
from app.services.errors import Invalid
from app.services.portal import orders as service
from app.views.portal.base import PortalView, object_ids
from app.views.portal.order_rows import order_rows


class PortalOrderView(PortalView):
    route_base = "/portal/orders"
    class_permission_name = "PortalOrders"
    method_permission_name = {"list": "list", "show": "show", "accept": "accept"}
    base_permissions = ["can_list", "can_show", "can_accept"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        sort = service.parse_order_sort(request.args.get("sort"))
        form = StatusFilterForm(request.args, OrderStatus, sort.arg)
        status = form.selected
        page = service.list_orders(self.page_arg(), status=status, sort=sort)
        return self.render_template("portal/orders.html", page=page, status=status, statuses=list(OrderStatus),
                                    kinds=list(OrderKind), sort=sort, filter_form=form, order_rows=order_rows)

    @expose("/<pk>")
    @has_access
    @object_ids(pk="Order")
    def show(self, pk):
        order = service.order_detail(pk)
        return self.render_template("portal/order_detail.html", order=order, statuses=list(OrderStatus),
                                    accept_form=AcceptOfferForm(), documents=service.order_documents(order),
                                    portings=[item for item in order.items if item.porting_state is not None])

    @expose("/<pk>/accept", methods=["POST"])
    @has_access
    @object_ids(pk="Order")
    def accept(self, pk):
        """R-ORD-4: CSRFProtect has checked the form's token before this runs."""
        try:
            order = service.accept_offer(pk, g.user)
        except Invalid as exc:
            show_on_form(exc)
            return redirect(url_for(".show", pk=pk))
        flash(_("Thank you: offer %(number)s is accepted. We will now provision it.", number=order.order_number),
              "success")
        return redirect(url_for(".show", pk=order.id))
