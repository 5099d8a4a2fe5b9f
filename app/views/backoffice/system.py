"""Outbox and audit log, read only (R-JOB-3, QUALITY S14)."""
from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from flask_appbuilder.models.filters import BaseFilter
from flask_babel import lazy_gettext as _l
from wtforms import SelectField

from app.i18n import timestamp
from app.models import AuditLog, OutboxMessage
from app.services import audit
from app.views.backoffice.base import ReadOnlyModelView
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CUSTOMER_FILTERS

REDACTED = _l("[hidden: this message contains a PIN or a sign-in link]")


class OutboxInterface(BackofficeInterface):
    """Never hands a sensitive message's body to a widget (QUALITY S14)."""

    @staticmethod
    def _get_attr_value(item, col):
        if col == "body":
            return REDACTED if item.sensitive else item.body
        return BackofficeInterface._get_attr_value(item, col)


class OutboxMessageView(ReadOnlyModelView):
    """Queued and sent emails and SMS; bodies with PINs or links are never shown."""

    datamodel = OutboxInterface(OutboxMessage)
    route_base = "/outbox"
    list_title = _l("Outbox")
    show_title = _l("Message")
    title = _l("Outbox")

    list_columns = ["created_at", "channel", "recipient", "subject", "status", "attempts", "sent_at"]
    search_columns = ["channel", "recipient", "subject", "status", "sensitive", "created_at"]
    base_order = ("id", "desc")
    order_columns = ["created_at", "channel", "recipient", "status", "attempts", "sent_at"]
    formatters_columns = {"created_at": timestamp, "sent_at": timestamp, "next_attempt_at": timestamp}
    label_columns = {
        "channel": _l("Channel"),
        "recipient": _l("Recipient"),
        "subject": _l("Subject"),
        "body": _l("Message"),
        "sensitive": _l("Contains confidential data"),
        "locale": _l("Language"),
        "attempts": _l("Attempts"),
        "last_error": _l("Last error"),
        "next_attempt_at": _l("Next attempt"),
        "sent_at": _l("Sent"),
    }
    show_fieldsets = [
        (_l("Message"), {"fields": ["channel", "recipient", "subject", "sensitive", "locale", "body"]}),
        (_l("Delivery"), {"fields": ["status", "attempts", "last_error", "created_at", "next_attempt_at",
                                     "sent_at"]}),
    ]


class FilterAction(BaseFilter):
    """Events of one kind, chosen by its translated label."""

    name = _l("Is")
    arg_name = "bo_action"

    def apply(self, query, value):
        code = (value or "").strip()
        if not code:
            return query
        return query.filter(AuditLog.action == code)


class AuditLogView(ReadOnlyModelView):
    """Security-relevant events, each shown by its translated label; details never hold a secret (S14)."""

    datamodel = BackofficeInterface(AuditLog)
    route_base = "/audit-log"
    list_title = _l("Audit log")
    show_title = _l("Audit event")
    title = _l("Audit log")

    # The table keeps ids only (rows outlive deleted users and customers), so ids are shown.
    list_columns = ["occurred_at", "action", "username", "customer_id", "object_type", "object_id", "client_ip"]
    search_columns = ["action", "username", "customer_id", "object_type", "object_id", "client_ip",
                      "occurred_at"]
    text_filters = {"customer_id": CUSTOMER_FILTERS, "action": [FilterAction]}
    # The filter lists every action by its label, in the reader's language.
    search_form_extra_fields = {"action": SelectField(_l("Event"), choices=audit.action_choices, widget=Select2Widget())}
    # Readable times in the page's language and the portal's time zone; object types by name.
    formatters_columns = {"action": audit.action_label, "object_type": audit.object_type_label,
                          "occurred_at": timestamp}

    base_order = ("id", "desc")
    order_columns = ["occurred_at", "action", "username"]
    label_columns = {
        "occurred_at": _l("Time"),
        "customer_id": _l("Customer ID"),
        "action": _l("Event"),
        "object_type": _l("Object type"),
        "object_id": _l("Object ID"),
        "client_ip": _l("IP address"),
        "details": _l("Details"),
    }
    show_columns = ["occurred_at", "action", "username", "customer_id", "object_type", "object_id", "client_ip",
                    "details"]
