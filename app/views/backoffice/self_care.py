"""Self-care changes for Service (issue 14, part 4): each contract's changes with their state, and a retry.

The list shows what customers changed on their contracts (SIP and DSL passwords, forwardings,
registration IPs) and whether the network took it. A failed change can be sent again here
("Try again"); a wrong setting is corrected in the telephony records (call forwardings,
registration IPs), which Service may edit. No password is ever shown (S14): the summaries
hold none, and the pending password column is not listed.
"""
from __future__ import annotations

from flask import flash, g, redirect, request
from flask_appbuilder.actions import action
from flask_babel import gettext as _, lazy_gettext as _l

from app.i18n import timestamp
from app.models import ProvisioningChange
from app.services.errors import Invalid
from app.services.self_care import changes
from app.views.backoffice.base import READ_ONLY, ReadOnlyModelView
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CUSTOMER_FILTERS


class ProvisioningChangeView(ReadOnlyModelView):
    datamodel = BackofficeInterface(ProvisioningChange)
    route_base = "/self-care-changes"
    list_title = _l("Self-care changes")
    show_title = _l("Self-care change")
    title = _l("Self-care changes")
    base_permissions = READ_ONLY + ["can_retry"]
    method_permission_name = {"retry": "retry"}

    list_columns = ["created_at", "contract", "kind", "state", "username", "attempts", "error"]
    show_columns = ["contract", "customer", "kind", "state", "old_summary", "new_summary", "username", "attempts",
                    "error", "created_at", "updated_at", "finished_at"]
    search_columns = ["contract_id", "customer_id", "kind", "state", "username", "created_at"]
    text_filters = {"customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["created_at", "kind", "state", "username", "attempts"]
    formatters_columns = {"created_at": timestamp, "updated_at": timestamp, "finished_at": timestamp,
                          "kind": lambda kind: changes.kind_label(kind),
                          "state": lambda state: changes.state_label(state)}
    label_columns = {
        "created_at": _l("Sent"), "updated_at": _l("Updated"), "finished_at": _l("Finished"),
        "contract": _l("Contract"), "customer": _l("Customer"), "kind": _l("Action"), "state": _l("State"),
        "username": _l("By"), "attempts": _l("Attempts"), "error": _l("Last error"),
        "old_summary": _l("Before"), "new_summary": _l("After"),
    }

    @action("retry", _l("Try again"), _l("Send the selected changes to the network again?"), "fa-rotate")
    def retry(self, items):
        """Send failed changes again; each as the portal would (previous settings stay on failure)."""
        items = items if isinstance(items, list) else [items]
        applied = failed = refused = 0
        for item in items:
            try:
                outcome = changes.retry(item, g.user)
            except Invalid:
                refused += 1
                continue
            applied, failed = applied + outcome.applied, failed + (not outcome.applied)
        flash(_("Sent again: %(applied)d applied, %(failed)d failed, %(refused)d not possible (applied, still being "
                "sent or replaced by a newer change).", applied=applied, failed=failed, refused=refused),
              "success" if not failed and not refused else "warning")
        return redirect(request.referrer or self.get_redirect())
