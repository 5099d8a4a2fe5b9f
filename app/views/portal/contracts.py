"""Contracts: list, detail and the technical panel filled in afterwards (R-CON-1..4, P1)."""
from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l

from app.forms.portal import StatusFilterForm
from app.models.enums import ContractStatus
from app.services import porting, provisioning
from app.services.portal import contracts as service
from app.services.self_care.portal import actions_block
from app.views.list_html import list_url
from app.views.portal.contract_html import contract_texts, sign_in_again_url, technical_url
from app.views.portal.contract_rows import contract_rows, option_rows
from app.views.portal.base import PortalView, object_ids, signed_in_or_401


def panel_timeout_ms() -> int:
    """How long the browser waits for the technical panel: the server's deadline plus a margin (P1).

    The server answers "unavailable" at PROVISIONING_TIMEOUT_SECONDS; the browser gives up a little
    later, for when the answer itself is lost on the way.
    """
    return int((provisioning.timeout_seconds() + CLIENT_MARGIN_SECONDS) * 1000)


CLIENT_MARGIN_SECONDS = 2


class PortalContractView(PortalView):
    route_base = "/portal/contracts"
    class_permission_name = "PortalContracts"
    method_permission_name = {"list": "list", "show": "show", "technical": "show"}
    base_permissions = ["can_list", "can_show"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        sort = service.parse_contract_sort(request.args.get("sort"))
        form = StatusFilterForm(request.args, ContractStatus, sort.arg)
        status = form.selected
        page = service.list_contracts(self.page_arg(), status=status, sort=sort)
        return self.render_template("portal/contracts.html", page=page, status=status, statuses=list(ContractStatus),
                                    sort=sort, filter_form=form, contract_rows=contract_rows,
                                    accounting_phone=current_app.config["ACCOUNTING_PHONE"])

    @expose("/<pk>")
    @has_access
    @object_ids(pk="Contract")
    def show(self, pk):
        detail = service.contract_detail(pk)
        return self.render_template("portal/contract_detail.html", detail=detail, contract=detail.contract,
                                    t=contract_texts(), sign_in_again_url=sign_in_again_url(), list_url=list_url,
                                    technical_url=technical_url,
                                    accounting_phone=current_app.config["ACCOUNTING_PHONE"],
                                    panel_timeout_ms=panel_timeout_ms(),
                                    actions=actions_block(detail.contract, detail.options, detail.sip_password_set,
                                                          detail.accounts, detail.has_changes),
                                    option_rows=option_rows,
                                    portings=porting.contract_portings(detail.contract.id) if detail.has_portings
                                    else [])

    @expose("/<pk>/technical")
    @signed_in_or_401
    @has_access
    @object_ids(pk="Contract")
    def technical(self, pk):
        """The technical panel as an HTML fragment; 503 with a retry hint when the network is slow or down."""
        contract = service.owned_contract(pk)
        contract_id = contract.id
        try:
            status = provisioning.technical_status(contract)
        except Exception as exc:  # noqa: BLE001 - a failing network adapter must never become a 500
            if not isinstance(exc, provisioning.ProvisioningUnavailable):
                current_app.logger.exception("provisioning adapter failed for contract %s", contract_id)
            response = jsonify(error=str(_l("The technical data is unavailable at the moment.")), retry=True)
            response.status_code = 503
            response.headers["Cache-Control"] = "no-store"
            return response
        html = render_template("portal/_technical_panel.html", status=status)
        response = current_app.response_class(html, mimetype="text/html")
        response.headers["Cache-Control"] = "no-store"
        return response
