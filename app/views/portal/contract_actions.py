"""Self-care actions on the contract page (SPEC §6, R-SIP-1..7, R-CON-5): thin views over app.services.self_care.

Confirmation steps are POST forms, no script needed. A new password is rendered once in
the response to the POST that made it (never flashed into the cookie session, never
logged); the result page also shows when the network did not take a change, with a retry.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.forms.contract_actions import ForwardingsForm, TokenForm, TrunkIpsForm
from app.models.enums import RegistrationMode
from app.services.errors import Forbidden, Invalid
from app.services.self_care import changes, portal as service
from app.services.self_care import trunk_ips as trunk_rules
from app.views.portal.base import PortalView, object_ids

FORWARDING_KINDS = ("failover", "permanent")


class PortalContractActionView(PortalView):
    route_base = "/portal/contracts"
    class_permission_name = "PortalContractActions"
    default_view = "router_status"
    method_permission_name = {name: "manage" for name in (
        "sip_password", "failover", "permanent", "registration_ips", "dsl_password", "router_status", "retry")}
    base_permissions = ["can_manage"]

    def _back(self, pk, error):
        flash(str(error), "danger")
        return redirect(url_for("PortalContractView.show", pk=pk))

    def _result(self, contract, outcome: changes.Outcome):
        response = self.render_template(
            "portal/actions/result.html", contract=contract, outcome=outcome, change=outcome.change,
            kind_label=changes.kind_label(outcome.change.kind), retry_form=TokenForm())
        response = self.make_no_store(response)
        return response

    @staticmethod
    def make_no_store(body):
        from flask import make_response

        response = make_response(body)
        response.headers["Cache-Control"] = "no-store"
        return response

    # --- R-SIP-1 / R-SIP-5: passwords ------------------------------------------------
    @expose("/<pk>/sip-password", methods=["GET", "POST"])
    @has_access
    @object_ids(pk="Contract")
    def sip_password(self, pk):
        return self._password(pk, "sip_password", service.reset_sip_password)

    @expose("/<pk>/dsl-password", methods=["GET", "POST"])
    @has_access
    @object_ids(pk="Contract")
    def dsl_password(self, pk):
        return self._password(pk, "dsl_password", service.reset_dsl_password)

    def _password(self, pk, kind, reset):
        try:
            contract = service.contract_for(pk, kind)
        except Forbidden as exc:
            return self._back(pk, exc)
        form = TokenForm()
        if request.method == "POST" and form.validate_on_submit():
            try:
                outcome = reset(contract.id, g.user, form.token.data)
            except (Invalid, Forbidden) as exc:
                return self._back(contract.id, exc)
            return self._result(outcome.change.contract, outcome)
        router = kind == "dsl_password" and service.gating.actions_for(contract).router
        return self.render_template("portal/actions/password_confirm.html", contract=contract, kind=kind,
                                    kind_label=changes.kind_label(kind), form=form.fresh(), router=router,
                                    accounts=service.dsl_accounts(contract) if kind == "dsl_password" else [])

    # --- R-SIP-2 / R-SIP-3: forwardings ------------------------------------------------
    @expose("/<pk>/failover", methods=["GET", "POST"])
    @has_access
    @object_ids(pk="Contract")
    def failover(self, pk):
        return self._forwardings(pk, "failover")

    @expose("/<pk>/permanent-forwarding", methods=["GET", "POST"])
    @has_access
    @object_ids(pk="Contract")
    def permanent(self, pk):
        return self._forwardings(pk, "permanent")

    def _forwardings(self, pk, kind):
        try:
            contract, numbers, current = service.forwarding_state(pk, kind)
        except Forbidden as exc:
            return self._back(pk, exc)
        form = ForwardingsForm()
        form.prepare(numbers, current)
        confirm = None
        if request.method == "POST" and form.validate_on_submit():
            try:
                if request.form.get("step") == "confirm":
                    outcome = service.change_forwardings(contract.id, kind, g.user, form.token.data, form.entered())
                    return self._result(outcome.change.contract, outcome)
                if request.form.get("step") != "back":
                    rows, old, new = service.check_forwardings(contract, kind, form.entered())
                    confirm = {"old": old, "new": new, "rows": rows}
            except Invalid as exc:
                form.take_errors(exc)
            except Forbidden as exc:
                return self._back(contract.id, exc)
        return self.render_template("portal/actions/forwardings.html", contract=contract, kind=kind,
                                    kind_label=changes.kind_label(kind), form=form, confirm=confirm)

    # --- R-SIP-4: multi-registration ---------------------------------------------------
    @expose("/<pk>/registration-ips", methods=["GET", "POST"])
    @has_access
    @object_ids(pk="Contract")
    def registration_ips(self, pk):
        try:
            contract = service.contract_for(pk, "trunk_ips")
        except Forbidden as exc:
            return self._back(pk, exc)
        form = TrunkIpsForm()
        form.prepare(trunk_rules.current(contract),
                     contract.registration_mode.value if contract.registration_mode else None)
        confirm = None
        if request.method == "POST" and form.validate_on_submit():
            try:
                if request.form.get("step") == "confirm":
                    outcome = service.change_trunk_ips(contract.id, g.user, form.token.data, form.entered(),
                                                       form.mode.data or "")
                    return self._result(outcome.change.contract, outcome)
                if request.form.get("step") != "back":
                    payload, old, new = service.check_trunk_ips(contract, form.entered(), form.mode.data or "")
                    confirm = {"old": old, "new": new, "ips": payload["ips"],
                               "mode": RegistrationMode(payload["mode"]).label}
            except Invalid as exc:
                form.take_errors(exc)
            except Forbidden as exc:
                return self._back(contract.id, exc)
        return self.render_template("portal/actions/registration_ips.html", contract=contract, form=form,
                                    confirm=confirm, kind_label=changes.kind_label("trunk_ips"))

    # --- R-SIP-6: router status ----------------------------------------------------------
    @expose("/<pk>/router-status")
    @has_access
    @object_ids(pk="Contract")
    def router_status(self, pk):
        try:
            status = service.router_status(pk)
        except Forbidden as exc:
            return self._back(pk, exc)
        return self.render_template("portal/actions/router_status.html", status=status, contract=status.contract)

    # --- retry -----------------------------------------------------------------------------
    @expose("/<pk>/changes/<change_id>/retry", methods=["POST"])
    @has_access
    @object_ids(pk="Contract", change_id="ProvisioningChange")
    def retry(self, pk, change_id):
        form = TokenForm()
        if not form.validate_on_submit():
            abort(400)
        try:
            outcome = service.retry(pk, change_id, g.user)
        except (Invalid, Forbidden) as exc:
            return self._back(pk, exc)
        return self._result(outcome.change.contract, outcome)
