"""The company's own audit log (beyond the manual): paged, filtered, exported as streamed CSV."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.forms.company import AuditFilterForm
from app.services import audit
from app.services.portal import audit_log as service
from app.views.portal.base import PortalView, object_ids, stream_csv


class PortalAuditLogView(PortalView):
    route_base = "/portal/audit-log"
    class_permission_name = "PortalAuditLog"
    method_permission_name = {"list": "list", "export": "list"}
    base_permissions = ["can_list"]

    def _filter(self):
        form = AuditFilterForm(request.args, service.user_choices(), audit.action_choices())
        form.validate()
        date_from = form.date_from.data if not form.date_from.errors else None
        date_to = form.date_to.data if not form.date_to.errors else None
        chosen = service.parse_filter(request.args.get("user"), request.args.get("type"), date_from, date_to)
        return form, chosen

    @expose("/")
    @has_access
    @object_ids(query={"user": "EServiceUser"})
    def list(self):
        form, chosen = self._filter()
        page = service.entries(chosen, self.page_arg())
        return self.render_template("portal/audit_log.html", form=form, page=page, what=service.what,
                                    args={k: v for k, v in request.args.items() if k != "page"},
                                    title=_("Audit log"))

    @expose("/export.csv")
    @has_access
    @object_ids(query={"user": "EServiceUser"})
    def export(self):
        _form, chosen = self._filter()
        header = (_("Time (UTC)"), _("User"), _("Action code"), _("What"), _("IP address"))
        return stream_csv(service.csv_chunks(chosen, header), f"audit-log-{date.today():%Y-%m-%d}.csv")
