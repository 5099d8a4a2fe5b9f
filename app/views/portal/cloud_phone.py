"""cloud.phone: the PBX Admin's contracts and sign-on to the PBX administration (R-PBX-1)."""
from __future__ import annotations

from flask import g, redirect
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.services.portal import contracts as contracts_service
from app.services.portal import pbx
from app.views.portal.base import PortalView


class PortalCloudPhoneView(PortalView):
    route_base = "/portal/cloud-phone"
    class_permission_name = "PortalCloudPhone"
    method_permission_name = {"list": "list", "sign_on": "sign_on"}
    base_permissions = ["can_list", "can_sign_on"]

    @expose("/")
    @has_access
    def list(self):
        return self.render_template("portal/cloud_phone.html", contracts=contracts_service.cloud_phone_contracts())

    @expose("/<pk>/sign-on", methods=["POST"])
    @has_access
    def sign_on(self, pk):
        """Redirect to the PBX with a signed, 60-second, single-use token (CSRF-checked POST)."""
        return redirect(pbx.sign_on(g.user, pk), code=303)
