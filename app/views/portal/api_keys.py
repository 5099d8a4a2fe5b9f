"""Personal API keys of the company (issue 19): the Portal Admin creates, lists and revokes them.

The secret is shown once, in the response to the POST that created it (never stored, never
put into the session or a redirect).
"""
from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_login import current_user

from app.forms.api_keys import ApiKeyForm
from app.forms.base import ConfirmForm
from app.services import api_keys as service
from app.services.errors import Invalid
from app.views.portal.base import PortalView, object_ids


class PortalApiKeyView(PortalView):
    route_base = "/portal/api-keys"
    class_permission_name = "PortalApiKeys"
    method_permission_name = {"list": "list", "create": "create", "revoke": "revoke"}
    base_permissions = ["can_list", "can_create", "can_revoke"]

    def _page(self, form, new_key=None, status=200):
        keys = service.list_keys()
        return self.render_template("portal/api_keys.html", form=form, keys=keys, new_key=new_key,
                                    statuses={grant.id: service.status_of(grant) for grant in keys},
                                    revoke_form=ConfirmForm()), status

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        return self._page(ApiKeyForm())

    @expose("/", methods=["POST"])
    @has_access
    @object_ids()
    def create(self):
        form = ApiKeyForm()
        if form.validate_on_submit():
            try:
                new_key = service.create_key(current_user, form.name.data, form.scope.data, form.expires_on.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                page, _status = self._page(ApiKeyForm(formdata=None), new_key=new_key)
                return page, 201, {"Cache-Control": "no-store"}
        return self._page(form)  # the form again, its errors at the fields

    @expose("/<pk>/revoke", methods=["POST"])
    @has_access
    @object_ids(pk="ApiKeyGrant")
    def revoke(self, pk):
        form = ConfirmForm()
        if form.validate_on_submit():
            grant = service.revoke_key(current_user, pk)
            flash(_("The key “%(name)s” is revoked.", name=grant.api_key.name), "success")
        return redirect(url_for("PortalApiKeyView.list"))
