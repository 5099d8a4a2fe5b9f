"""Email and SMS: every message goes through the outbox table first (R-JOB-3, R1).

`queue_*` add a message to the caller's transaction; `deliver_now` sends right
after the commit; `deliver_due` is what the delivery job and
`flask --app run outbox deliver` run to retry.
"""
from .adapters import ConsoleAdapter, DeliveryError, HttpSmsAdapter, SmtpAdapter, adapter_for
from .delivery import deliver_due, deliver_now, deliver_one
from .messages import queue, queue_activation_email, queue_pin_sms, queue_reset_email, recipient_locale
from .listing import latest_messages



def init_app(app) -> None:
    """Send what a request queued once its transaction is committed (the delivery job retries failures)."""
    from flask import g

    from sqlalchemy import inspect

    @app.after_request
    def _deliver_queued(response):
        pending = g.pop("_outbox_pending", None)
        if pending:
            committed = []
            for message in pending:
                try:
                    # Only rows the request really committed; a rolled-back one has no identity.
                    state = inspect(message)
                    if state.persistent and not state.modified:
                        committed.append(message)
                except Exception:  # noqa: BLE001 - never fail a response over delivery
                    continue
            deliver_now(committed)
        return response


__all__ = [
    "init_app",
    "ConsoleAdapter", "DeliveryError", "HttpSmsAdapter", "SmtpAdapter", "adapter_for", "deliver_due",
    "deliver_now", "deliver_one", "latest_messages", "queue", "queue_activation_email", "queue_pin_sms",
    "queue_reset_email", "recipient_locale",
]
