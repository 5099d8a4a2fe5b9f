"""cloud.phone: the PBX Admin's contracts and sign-on to the PBX administration (R-PBX-1)."""
from __future__ import annotations

from flask import abort, g, redirect
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.models.enums import ProductKind
from app.services import audit
from app.services.portal import contracts as contracts_service
from app.services.portal import pbx
from app.views.portal.base import PortalView

PBX_SIGN_ON = "pbx_sign_on"


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
        contract = contracts_service.owned_contract(pk)
        if contract.product.kind != ProductKind.CLOUD_PHONE or contract not in contracts_service.cloud_phone_contracts():
            abort(404)
        token = pbx.issue_token(g.user, contract)
        audit.record(PBX_SIGN_ON, g.user, object_type="contract", object_id=str(contract.id),
                     details=contract.contract_number)
        from app.extensions import db

        db.session.commit()
        return redirect(pbx.sso_url(token), code=303)
