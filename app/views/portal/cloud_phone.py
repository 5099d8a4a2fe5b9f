"""cloud.phone: the customer's cloud.phone contracts and the PBX Admin's sign-on to the PBX (R-PBX-1).

The Portal Admin sees the contracts too, but only the PBX Admin signs on (manual: the
"Administrator Telefonanlage … kann sich per SSO … anmelden"); the page tells the Portal
Admin so and that they create that account in user management.
"""
from __future__ import annotations

from flask import g, redirect
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.services.portal import contracts as contracts_service
from app.services.portal import pbx
from app.views.portal.base import PortalView, object_ids


class PortalCloudPhoneView(PortalView):
    route_base = "/portal/cloud-phone"
    class_permission_name = "PortalCloudPhone"
    method_permission_name = {"list": "list", "sign_on": "sign_on"}
    base_permissions = ["can_list", "can_sign_on"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        page = contracts_service.cloud_phone_contracts(self.page_arg())
        may_sign_on = self.appbuilder.sm.has_access("can_sign_on", self.class_permission_name)
        return self.render_template("portal/cloud_phone.html", page=page, may_sign_on=may_sign_on)

    @expose("/<pk>/sign-on", methods=["POST"])
    @has_access
    @object_ids(pk="Contract")
    def sign_on(self, pk):
        """Redirect to the PBX with a signed, 60-second, single-use token (CSRF-checked POST)."""
        return redirect(pbx.sign_on(g.user, pk), code=303)
