"""Deine Kundendaten (R-CUS-1..3): overview, unlock, company data, customer password, contact persons."""
from __future__ import annotations

import secrets

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.forms.base import ConfirmForm
from app.forms.company import CompanyForm, ContactForm, HotlinePasswordForm, UnlockForm
from app.models.enums import ContactConsent, InvoiceDelivery
from app.security.auth_views import no_store
from app.services.auth import unlock as unlock_service
from app.services.errors import Forbidden, Invalid
from app.services.portal import company as service, contacts as contact_service
from app.services.portal.company import HOTLINE_HINT
from app.services.tenancy import current_customer
from app.views.portal import unlock as unlocking
from app.views.portal.base import PortalView, object_ids


class PortalCompanyView(PortalView):
    route_base = "/portal/company"
    class_permission_name = "PortalCompany"
    method_permission_name = {
        "list": "list", "unlock": "list", "edit": "edit", "hotline_password": "edit",  # nosec B105  # permission names
        "contact_add": "edit", "contact_edit": "edit", "contact_delete": "edit",
    }
    base_permissions = ["can_list", "can_edit"]

    @expose("/")
    @has_access
    @no_store
    @object_ids()
    def list(self):
        """R-CUS-1: the company's stored master data and contact persons."""
        customer = current_customer()
        return self.render_template(
            "portal/company.html", customer=customer, contacts=contact_service.contacts(),
            unlocked=unlocking.is_unlocked(g.user), paper_contract=service.paper_contract(customer),
            lock_form=ConfirmForm(), title=_("Your company data"))

    @expose("/unlock", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids()
    def unlock(self):
        """The lock icon: confirm with your own password; wrong answers count like failed sign-ins."""
        form = UnlockForm(data={"next": request.args.get("next")})
        if request.method == "POST" and request.form.get("action") == "lock":
            if ConfirmForm().validate_on_submit():
                unlocking.lock()
            return redirect(url_for(".list"))
        if form.validate_on_submit():
            try:
                unlock_service.confirm_password(g.user, form.password.data)
            except (Invalid, Forbidden) as exc:
                form.take_errors(exc)
            else:
                unlocking.grant(g.user)
                return redirect(unlocking.safe_next(form.next.data) or url_for(".list"))
        return self.render_template("portal/company_unlock.html", form=form, minutes=unlock_service.UNLOCK_MINUTES,
                                    title=_("Unlock to edit")), 422 if form.has_errors else 200

    @expose("/edit", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids()
    def edit(self):
        """R-CUS-3: company email, main phone, §5 TKTransparenzV, invoice delivery, contact consent."""
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect()
        customer = current_customer()
        form = CompanyForm(data={
            "key": secrets.token_urlsafe(24), "email": customer.email, "main_phone": customer.main_phone or "",
            "show_term_on_invoice": customer.show_term_on_invoice,
            "invoice_delivery": customer.invoice_delivery.value, "contact_consent": customer.contact_consent.value})
        if form.validate_on_submit():
            change = service.CompanyChange(
                email=form.email.data, main_phone=form.main_phone.data,
                show_term_on_invoice=form.show_term_on_invoice.data,
                invoice_delivery=InvoiceDelivery(form.invoice_delivery.data),
                contact_consent=ContactConsent(form.contact_consent.data))
            try:
                _changed, order = service.update_company(customer, g.user, change, key=form.key.data or "")
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("Your company data has been saved."), "success")
                if order is not None:
                    flash(_("The invoice delivery is changed with order %(number)s; you find it under Orders.",
                            number=order.order_number), "info")
                return redirect(url_for(".list"))
        return self.render_template("portal/company_edit.html", form=form, customer=customer,
                                    title=_("Change company data")), 422 if form.has_errors else 200

    @expose("/customer-password", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids()
    def hotline_password(self):
        """R-CUS-2: a new customer password, effective on save."""
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect()
        form = HotlinePasswordForm()
        if form.validate_on_submit():
            try:
                service.change_hotline_password(current_customer(), g.user, form.new_password.data,
                                                form.confirm.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("The customer password has been changed. It is valid from now on."), "success")
                return redirect(url_for(".list"))
        return self.render_template("portal/company_hotline.html", form=form, hint=HOTLINE_HINT,
                                    title=_("Change customer password")), 422 if form.has_errors else 200

    @expose("/contacts/new", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids()
    def contact_add(self):
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect()
        form = ContactForm()
        if form.validate_on_submit():
            try:
                contact_service.add_contact(g.user, _contact_data(form))
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("The contact person has been added."), "success")
                return redirect(url_for(".list"))
        return self.render_template("portal/company_contact.html", form=form, person=None,
                                    title=_("New contact person")), 422 if form.has_errors else 200

    @expose("/contacts/<pk>", methods=["GET", "POST"])
    @has_access
    @no_store
    @object_ids(pk="ContactPerson")
    def contact_edit(self, pk):
        person = contact_service.contact(pk)  # another company's id: 404 before anything else
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect()
        form = ContactForm(obj=person if request.method == "GET" else None)
        if request.method == "GET":
            form.role.data = person.role.value
        if form.validate_on_submit():
            try:
                contact_service.update_contact(g.user, pk, _contact_data(form))
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("The contact person has been saved."), "success")
                return redirect(url_for(".list"))
        return self.render_template("portal/company_contact.html", form=form, person=person,
                                    delete_form=ConfirmForm(), title=_("Edit contact person")), \
            422 if form.has_errors else 200

    @expose("/contacts/<pk>/delete", methods=["POST"])
    @has_access
    @object_ids(pk="ContactPerson")
    def contact_delete(self, pk):
        contact_service.contact(pk)
        if not unlocking.is_unlocked(g.user):
            return unlocking.locked_redirect()
        if ConfirmForm().validate_on_submit():
            try:
                contact_service.remove_contact(g.user, pk)
            except Invalid as exc:
                for text in exc.messages:
                    flash(text, "danger")
            else:
                flash(_("The contact person has been removed."), "success")
        return redirect(url_for(".list"))


def _contact_data(form) -> contact_service.ContactData:
    return contact_service.ContactData(
        role=form.role.data, salutation=form.salutation.data, first_name=form.first_name.data,
        last_name=form.last_name.data, email=form.email.data, phone=form.phone.data, mobile=form.mobile.data)
