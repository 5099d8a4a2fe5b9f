"""Benutzerverwaltung (R-USR-1..3): list, create, detail, edit after unlocking, lock / deactivate."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.forms.company import PortalUserForm, UserStatusForm
from app.security.auth_views import no_store
from app.services.errors import Invalid
from app.services.portal import users as service
from app.views.portal import unlock as unlocking
from app.views.portal.base import PortalView, object_ids


def _data(form) -> service.UserData:
    return service.UserData(username=form.username.data, first_name=form.first_name.data,
                            last_name=form.last_name.data, email=form.email.data, phone=form.phone.data,
                            mobile=form.mobile.data, role=form.role.data if "role" in form else None)


class PortalUserView(PortalView):
    route_base = "/portal/users"
    class_permission_name = "PortalUsers"
    method_permission_name = {"list": "list", "show": "list", "add": "edit", "status": "edit"}
    base_permissions = ["can_list", "can_edit"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        return self.render_template("portal/users.html", page=service.list_users(self.page_arg()),
                                    role_text=service.role_text, is_managed=service.is_managed,
                                    title=_("User management"))

    @expose("/new", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids()
    def add(self):
        """R-USR-1: PBX Admin or Accounting only; the activation email goes out with the 24-hour link."""
        form = PortalUserForm(data={"role": "Accounting"})
        if form.validate_on_submit():
            try:
                user = service.create_user(g.user, _data(form))
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("The account %(username)s has been created. We have emailed the link to set the password.",
                        username=user.username), "success")
                return redirect(url_for(".show", pk=user.id))
        return self.render_template("portal/user_form.html", form=form, user=None, title=_("Create user account")), \
            422 if form.has_errors else 200

    @expose("/<pk>", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids(pk="EServiceUser")
    def show(self, pk):
        """R-USR-2/3: the detail; editing after unlocking, PBX Admin and Accounting accounts only."""
        user = service.user_detail(pk)
        managed = service.is_managed(user)
        unlocked = unlocking.is_unlocked(g.user)
        form = PortalUserForm(obj=user if request.method == "GET" else None)
        del form.role  # the role is chosen when creating only
        if request.method == "POST":
            service.managed_user(pk)  # 403 for a Portal Admin account
            if not unlocked:
                return unlocking.locked_redirect()
            if form.validate_on_submit():
                try:
                    service.update_user(g.user, pk, _data(form))
                except Invalid as exc:
                    form.take_errors(exc)
                else:
                    flash(_("The account has been saved."), "success")
                    return redirect(url_for(".show", pk=pk))
        status_form = UserStatusForm(data={"status": user.status.value})
        return self.render_template("portal/user_form.html", form=form, user=user, managed=managed,
                                    unlocked=unlocked, status_form=status_form, role_text=service.role_text(user),
                                    title=_("User account %(id)s", id=user.id)), 422 if form.has_errors else 200

    @expose("/<pk>/status", methods=["POST"])
    @has_access
    @object_ids(pk="EServiceUser")
    def status(self, pk):
        """R-USR-3, R-AUTH-10: locked, active again, or inactive for good (the personal data is erased)."""
        service.managed_user(pk)
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect(url_for(".show", pk=pk))
        form = UserStatusForm()
        if form.validate_on_submit():
            try:
                service.change_status(g.user, pk, form.status.data)
            except Invalid as exc:
                for text in exc.messages:
                    flash(text, "danger")
            else:
                flash(_("The status of the account has been changed."), "success")
        return redirect(url_for(".show", pk=pk))
