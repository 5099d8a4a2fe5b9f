"""The option-order wizard's pages (SPEC §7, R-WIZ-1..7): contract, numbers, options, summary.

Thin over `app.services.option_order`: every rule, check and write is the service's.
Everything entered lives in the server-side draft named by the id in the URL (declared
with `@object_ids`, so the S1 sweep attacks it); going back and forth reloads it.
Another user's or customer's draft, contract, number or upload id is a 404.
"""
from __future__ import annotations

from datetime import date

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.forms.option_order import ContractStepForm, NumberAddForm, StepForm, SubmitForm
from app.models.enums import DocumentType
from app.services import option_order as service
from app.services.errors import Forbidden, Invalid
from app.services.option_order import drafts as draft_rules, numbers as number_rules
from app.services.option_order.changes import recipient
from app.services.option_order.uploads import draft_uploads
from app.services.tenancy import current_customer, tenant_id
from app.views.portal.base import PortalView, object_ids
from app.views.row_html import catalogue_text
from app.views.portal.option_order_frame import (BlankForm, abandon_form, blank_add_hidden, blank_location_field,
                                                   csrf_input, kept_block, wizard_steps)
from app.views.portal.option_order_rows import (addition_rows, contract_choice_rows, hidden_tag, kept_field,
                                                  number_rows, option_rows, summary_rows)

STEPS = ("contract", "numbers", "options", "summary")


def _today() -> date:
    return date.today()


class PortalOptionOrderView(PortalView):
    route_base = "/portal/option-order"
    class_permission_name = "PortalOptionOrder"
    default_view = "start"
    method_permission_name = {name: "order" for name in
                              ("start", "numbers", "number_action", "options", "summary", "abandon")}
    base_permissions = ["can_order"]

    # --- helpers -------------------------------------------------------------------------
    @staticmethod
    def _who():
        """(customer, user) of the request: a page only shown (GET) names the customer by id, without reading
        its row (issue 20, P10); a POST, which may write, gets the customer's row."""
        if request.method == "GET":
            return draft_rules.CustomerRef(tenant_id()), g.user
        return current_customer(), g.user

    def _page(self, template, draft, step, **context):
        applies = number_rules.applies(draft.contract)
        return self.render_template(f"portal/option_order/{template}", draft=draft, contract=draft.contract,
                                    step=step, steps=STEPS, numbers_apply=applies,
                                    wizard_steps=wizard_steps, abandon_form=abandon_form, hidden_tag=hidden_tag,
                                    **context)

    def _previous_of_options(self, draft):
        if number_rules.applies(draft.contract):
            return url_for(".numbers", draft=draft.id)
        return url_for(".start", draft=draft.id)

    # --- step 1: the contract ------------------------------------------------------------
    @expose("/", methods=["GET", "POST"])
    @has_access
    @object_ids(query={"contract": "Contract", "draft": "OrderDraft"})
    def start(self):
        customer, user = self._who()
        draft = None
        if request.args.get("draft"):
            draft = service.load(customer, user, request.args.get("draft"))
        choices = service.offered_contracts(customer)
        preselected = None
        if request.args.get("contract"):
            preselected = draft_rules.offered_choice(choices, request.args.get("contract"))
        elif draft is not None:
            preselected = draft.contract_id
        # A page only shown builds no form: the template writes the request's CSRF token (issue 20, P10).
        form = ContractStepForm(choices) if request.method == "POST" else None
        chosen = str(preselected) if preselected is not None else None
        if form is not None and form.validate_on_submit():
            if draft is not None and str(draft.contract_id) == form.contract.data:
                return redirect(self._first_step(draft))
            try:
                new = service.start(customer, user, form.contract.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                if draft is not None:  # another contract: the old draft and its uploads go (R-WIZ-7)
                    service.discard(customer, user, draft.id)
                return redirect(self._first_step(new))
        return self.render_template("portal/option_order/contract.html", form=form, choices=choices, draft=draft,
                                    step="contract", steps=STEPS, numbers_apply=True,
                                    wizard_steps=wizard_steps, abandon_form=abandon_form,
                                    contract_choice_rows=contract_choice_rows, hidden_tag=hidden_tag,
                                    csrf_input=csrf_input, chosen=form.contract.data if form is not None else chosen)

    def _first_step(self, draft) -> str:
        if number_rules.applies(draft.contract):
            return url_for(".numbers", draft=draft.id)
        return url_for(".options", draft=draft.id)

    # --- step 2: numbers -----------------------------------------------------------------
    @expose("/<draft>/numbers", methods=["GET", "POST"])
    @has_access
    @object_ids(draft="OrderDraft")
    def numbers(self, draft):
        """Show step 2; a POST adds one addition of numbers (with its file) to the draft."""
        customer, user = self._who()
        current = service.load(customer, user, draft)
        if not number_rules.applies(current.contract):
            return redirect(url_for(".options", draft=current.id))
        step = service.number_step(customer, user, current.id)
        # A page only shown builds no form (issue 20, P10): its untouched parts are kept per language, the
        # CSRF input and the customer's locations written in Python (option_order_frame).
        form = NumberAddForm(step.locations) if request.method == "POST" else None
        if form is not None and form.validate():
            self._add_numbers(customer, user, current, form)
            if not form.has_errors:
                flash(_("The numbers are noted in your option order."), "success")
                return redirect(url_for(".numbers", draft=current.id))
            current = service.load(customer, user, draft)
            step = service.number_step(customer, user, current.id)
        # The draft's uploads are read only when an addition or the form names one (issue 20, P10).
        uploads = ({u.id: u for u in draft_uploads(current)}
                   if (form is not None and form.upload_id.data) or any(a.get("upload_id") for a in step.additions)
                   else {})
        if form is None:
            form = BlankForm(lambda: NumberAddForm(()))
        return self._page("numbers.html", current, "numbers", form=form, number_step=step, uploads=uploads,
                          csrf_input=csrf_input, porting_text=number_rules.porting_numbers_text,
                          kinds=_kind_hints(), kept_field=kept_field, kept_block=kept_block,
                          untouched=isinstance(form, BlankForm), blank_add_hidden=blank_add_hidden,
                          blank_location_field=blank_location_field, addition_rows=addition_rows, number_rows=number_rows)

    @staticmethod
    def _add_numbers(customer, user, draft, form) -> None:
        """Store the file first (so a mistake elsewhere needs no new upload), then the addition."""
        upload = form.file.data
        if upload is not None and getattr(upload, "filename", ""):
            doc_type = (DocumentType.SIGNED_PORTING_FORM if form.kind.data in {k.value for k in
                                                                               number_rules.PORTING_KINDS}
                        else DocumentType.ADDRESS_PROOF)
            try:
                stored = service.attach_upload(customer, user, draft.id, doc_type, upload.stream, upload.filename)
            except Invalid as exc:
                form.take_errors(exc)
                return
            form.upload_id.data = str(stored.id)
        try:
            service.add_numbers(customer, user, draft.id, form.entry(), today=_today())
        except Invalid as exc:
            fields = dict(getattr(exc, "fields", {}) or {})
            if "upload_id" in fields:
                fields["file"] = fields.pop("upload_id")
            exc.fields = fields
            form.take_errors(exc)

    @expose("/<draft>/numbers/change", methods=["POST"])
    @has_access
    @object_ids(draft="OrderDraft")
    def number_action(self, draft):
        """Mark or unmark a number for removal (R-WIZ-3), or take an addition out again."""
        customer, user = self._who()
        current = service.load(customer, user, draft)
        form = StepForm(prefix="action-")
        if not form.validate():
            flash(_("The form had expired. Please reload the page and send it again."), "danger")
            return redirect(url_for(".numbers", draft=current.id))
        try:
            if request.form.get("remove"):
                service.mark_removal(customer, user, current.id, request.form.get("remove"))
            elif request.form.get("keep"):
                service.unmark_removal(customer, user, current.id, request.form.get("keep"))
            elif request.form.get("drop"):
                service.drop_numbers(customer, user, current.id, request.form.get("drop"))
        except Invalid as exc:
            for text in exc.messages:
                flash(text, "danger")
        return redirect(url_for(".numbers", draft=current.id) + "#current-numbers")

    # --- step 3: options -----------------------------------------------------------------
    @expose("/<draft>/options", methods=["GET", "POST"])
    @has_access
    @object_ids(draft="OrderDraft")
    def options(self, draft):
        """Show step 3; a POST stores the new totals and goes on (or back)."""
        customer, user = self._who()
        current = service.load(customer, user, draft)
        lines = service.option_step(customer, user, current.id, today=_today())
        # A page only shown builds no form: the template writes the request's CSRF token (issue 20, P10).
        form = StepForm() if request.method == "POST" else None
        errors, entered = {}, {}
        if form is not None and form.validate():
            entered = _entered_totals(lines, request.form)
            try:
                service.choose_options(customer, user, current.id, entered, today=_today())
            except Invalid as exc:
                errors = getattr(exc, "fields", {}) or {}
                form.form_errors.extend(m for m in exc.messages if not errors)
            else:
                if request.form.get("go") == "back":
                    return redirect(self._previous_of_options(current))
                return redirect(url_for(".summary", draft=current.id))
        return self._page("options.html", current, "options", form=form, lines=lines, errors=errors,
                          entered=entered, today=_today(), back_url=self._previous_of_options(current),
                          option_rows=option_rows, csrf_input=csrf_input)

    # --- step 4: summary and submit ------------------------------------------------------
    @expose("/<draft>/summary", methods=["GET", "POST"])
    @has_access
    @object_ids(draft="OrderDraft")
    def summary(self, draft):
        customer, user = self._who()
        current = service.load(customer, user, draft)
        # A page only shown builds no form: the template writes the request's CSRF token (issue 20, P10).
        form = SubmitForm() if request.method == "POST" else None
        problems = []
        if form is not None and form.validate():
            try:
                order = service.submit(customer, user, current.id, form.hotline_password.data, today=_today())
            except (Invalid, Forbidden) as exc:
                form.take_errors(exc)
            else:
                return self._submitted(order)
            # A submit that lost a race: the draft is gone and the order exists.
            current = service.load(customer, user, draft)
        try:
            plan = service.summary(customer, user, current.id, today=_today())
        except Invalid as exc:
            plan, problems = None, exc.messages
        return self._page("summary.html", current, "summary", form=form, plan=plan, problems=problems,
                          back_url=url_for(".options", draft=current.id), summary_rows=summary_rows,
                          kept_field=kept_field, csrf_input=csrf_input, blank_form=SubmitForm,
                          total_labels=(catalogue_text("Monthly total so far"), catalogue_text("New monthly total"),
                                        catalogue_text("One-time total")))

    @staticmethod
    def _submitted(order):
        who = recipient(current_customer())  # the one the submit queued the confirmation for
        if who is not None:
            flash(_("Thank you: your option order %(number)s has been placed. The order confirmation was sent to "
                    "%(name)s (%(email)s).", number=order.order_number, name=who.name, email=who.email),
                  "success")
        else:
            flash(_("Thank you: your option order %(number)s has been placed.", number=order.order_number),
                  "success")
        return redirect(url_for("PortalOrderView.show", pk=order.id))

    # --- abandon ---------------------------------------------------------------------------
    @expose("/<draft>/abandon", methods=["POST"])
    @has_access
    @object_ids(draft="OrderDraft")
    def abandon(self, draft):
        """R-WIZ-7: the draft and its uploads go; nothing else changes."""
        customer, user = self._who()
        current = service.load(customer, user, draft)
        # The button sends confirm=yes: a bare POST (a stray request, the S1 sweep as owner) discards nothing.
        if StepForm(prefix="abandon-").validate() and request.form.get("confirm") == "yes":
            service.discard(customer, user, current.id)
            flash(_("Your option order was discarded; nothing was changed."), "info")
            return redirect(url_for("PortalContractView.list"))
        return redirect(url_for(".summary", draft=current.id))


def _entered_totals(lines, form) -> dict[str, str]:
    """The new total of each changeable line from the posted form: a number, or a ticked/unticked box.

    A posted line that is no line of this draft goes to the service too, which answers NotFound (404).
    """
    known = {f"total-{line.key}" for line in lines}
    entered = {name[len("total-"):]: value for name, value in form.items()
               if name.startswith("total-") and name not in known}
    for line in lines:
        if not line.catalogue_rule:
            continue
        name = f"total-{line.key}"
        if line.quantity_based:
            entered[line.key] = (form.get(name) or "").strip() or "0"
        else:
            entered[line.key] = "1" if form.get(name) else "0"
    return entered


def _kind_hints() -> dict[str, str]:
    from flask_babel import lazy_gettext as _l
    from app.models.enums import NumberOrderKind as K

    return {
        K.NEW_BLOCK_032.value: _l("A new block of numbers usable anywhere."),
        K.NEW_SINGLE_032.value: _l("1 to 10 new single numbers usable anywhere."),
        K.NEW_BLOCK_LOCAL.value: _l("A new block bound to a location. Unverified address: upload an address proof."),
        K.NEW_SINGLE_LOCAL.value: _l("1 to 10 new single numbers of a location. Unverified address: upload an "
                                     "address proof."),
        K.PORT_BLOCK.value: _l("Take a number block over from another provider: upload the signed porting form."),
        K.PORT_SINGLE.value: _l("Take a single number over from another provider: upload the signed porting "
                                "form."),
    }
