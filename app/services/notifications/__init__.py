"""Email and SMS: every message goes through the outbox table first (R-JOB-3, R1).

`queue_*` add a message to the caller's transaction. What a request queued and
committed is sent once the response has left (app/security/request_context.py): never while the user
waits, so a page answers as fast whether or not it sent something (QUALITY S7)
and a slow mail server or SMS gateway never holds a sign-in page. `deliver_due`
is what the delivery job and `flask --app run outbox deliver` run to retry.
"""
from .adapters import ConsoleAdapter, DeliveryError, HttpSmsAdapter, SmtpAdapter, adapter_for
from .delivery import deliver_after_response, deliver_due, deliver_ids, deliver_now, deliver_one, run_after_response
from .messages import (
    queue, queue_activation_email, queue_email_changed_notice, queue_pin_sms, queue_reset_email, queue_username_changed_email,
    recipient_locale,
)
from .listing import latest_messages


__all__ = [
    "ConsoleAdapter", "DeliveryError", "HttpSmsAdapter", "SmtpAdapter", "adapter_for", "deliver_after_response",
    "deliver_due", "deliver_ids", "deliver_now", "deliver_one", "latest_messages", "queue",
    "queue_activation_email", "queue_email_changed_notice", "queue_pin_sms", "queue_reset_email",
    "queue_username_changed_email",
    "recipient_locale", "run_after_response",
]
