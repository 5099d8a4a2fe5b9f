"""Email and SMS: every message goes through the outbox table first (R-JOB-3, R1).

`queue_*` add a message to the caller's transaction; `deliver_now` sends right
after the commit; `deliver_due` is what the delivery job and
`flask --app run outbox deliver` run to retry.
"""
from .adapters import ConsoleAdapter, DeliveryError, HttpSmsAdapter, SmtpAdapter, adapter_for
from .delivery import deliver_due, deliver_now, deliver_one
from .messages import queue, queue_activation_email, queue_pin_sms, queue_reset_email, recipient_locale
from .listing import latest_messages

__all__ = [
    "ConsoleAdapter", "DeliveryError", "HttpSmsAdapter", "SmtpAdapter", "adapter_for", "deliver_due",
    "deliver_now", "deliver_one", "latest_messages", "queue", "queue_activation_email", "queue_pin_sms",
    "queue_reset_email", "recipient_locale",
]
