"""Email and SMS: every message goes through the outbox table first (R-JOB-3, R1).

`queue_*` add a message to the caller's transaction. What a request queued and
committed is sent once the response has left (`init_app`): never while the user
waits, so a page answers as fast whether or not it sent something (QUALITY S7)
and a slow mail server or SMS gateway never holds a sign-in page. `deliver_due`
is what the delivery job and `flask --app run outbox deliver` run to retry.
"""
from .adapters import ConsoleAdapter, DeliveryError, HttpSmsAdapter, SmtpAdapter, adapter_for
from .delivery import deliver_after_response, deliver_due, deliver_ids, deliver_now, deliver_one
from .messages import (
    queue, queue_activation_email, queue_email_changed_notice, queue_pin_sms, queue_reset_email, recipient_locale,
)
from .listing import latest_messages


def init_app(app) -> None:
    """After each request, hand what it committed to delivery once the response is closed."""
    from flask import g

    @app.after_request
    def _deliver_queued(response):
        pending = g.pop("_outbox_pending", None)
        if pending:
            deliver_after_response(response, pending)
        return response


__all__ = [
    "init_app",
    "ConsoleAdapter", "DeliveryError", "HttpSmsAdapter", "SmtpAdapter", "adapter_for", "deliver_after_response",
    "deliver_due", "deliver_ids", "deliver_now", "deliver_one", "latest_messages", "queue",
    "queue_activation_email", "queue_email_changed_notice", "queue_pin_sms", "queue_reset_email",
    "recipient_locale",
]
