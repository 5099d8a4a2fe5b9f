"""The porting tracker in the back office (issue 13 part 7): Service sets each ported number's state.

A list of the porting items only (indexed `porting_state IS NOT NULL`, newest first, paged like
every list: no whole-table load), their show page, and one page with the state form. The rules
(which state may follow which, date and reason) are in `app/services/porting.py`.
"""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _, lazy_gettext as _l

from app.models import OrderItem
from app.services import porting
from app.services.errors import Invalid, NotFound
from app.forms.porting import PortingStateForm
from app.views.backoffice.base import BackofficeModelView
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CUSTOMER_FILTERS, ORDER_FILTERS


class FilterPortingItems(BaseFilter):
    """Only the items that port a number (those have a porting state)."""

    name = _l("Porting")
    arg_name = "bo_porting"

    def apply(self, query, value):
        return query.filter(OrderItem.porting_state.isnot(None))


class PortingView(BackofficeModelView):
    """Ported numbers and where their porting stands; Service moves them on (set_state)."""

    datamodel = BackofficeInterface(OrderItem)
    route_base = "/portings"
    list_title = _l("Portings")
    show_title = _l("Porting")
    title = _l("Portings")
    show_template = "backoffice/porting_show.html"
    base_permissions = ["can_list", "can_show", "can_set_state"]
    base_filters = [["porting_state", FilterPortingItems, None]]
    base_order = ("id", "desc")

    list_columns = ["order", "customer", "porting_numbers", "porting_carrier", "effective_date", "porting_state",
                    "porting_confirmed_date", "porting_changed_at"]
    search_columns = ["order_id", "customer_id", "porting_state", "porting_numbers"]
    text_filters = {"order_id": ORDER_FILTERS, "customer_id": CUSTOMER_FILTERS}
    order_columns = ["porting_state", "effective_date", "porting_confirmed_date", "porting_changed_at"]
    label_columns = {
        "porting_numbers": _l("Numbers"),
        "porting_carrier": _l("Current provider"),
        "porting_owner": _l("Owner of the numbers"),
        "effective_date": _l("Desired date"),
        "porting_state": _l("Porting state"),
        "porting_confirmed_date": _l("Porting date"),
        "porting_reason": _l("Reason of the rejection"),
        "porting_changed_at": _l("State changed"),
        "number_order_kind": _l("Number order kind"),
    }
    show_fieldsets = [
        (_l("Porting"), {"fields": ["order", "customer", "number_order_kind", "porting_numbers", "porting_carrier",
                                    "porting_owner", "effective_date", "document"]}),
        (_l("Porting state"), {"fields": ["porting_state", "porting_confirmed_date", "porting_reason",
                                          "porting_changed_at"]}),
    ]

    @expose("/state/<pk>", methods=["GET", "POST"])
    @has_access
    def set_state(self, pk):
        """The state form: the next states the current one allows; refused changes stay on the form."""
        item = self.datamodel.get(pk)
        if item is None or item.porting_state is None:
            raise NotFound()
        form = PortingStateForm(states=porting.next_states(item.porting_state))
        if request.method == "POST" and form.validate_on_submit():
            try:
                change = porting.change_state(item.id, form.state.data, g.user,
                                              confirmed_date=form.confirmed_date.data, reason=form.reason.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("Porting of %(numbers)s: %(state)s. The Portal Admins have been told by email.",
                        numbers=change.item.porting_numbers, state=change.after.label), "success")
                return redirect(url_for(".show", pk=item.id))
        return self.render_template("backoffice/porting_state.html", item=item, form=form,
                                    title=_("Change porting state"))
