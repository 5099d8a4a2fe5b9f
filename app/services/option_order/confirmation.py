"""The order confirmation email of an option order (R-WIZ-6), queued in the submit's transaction.

The text is the template `email/option_order_confirmation.txt`, like every email. Written in the
product's default language (the recipient is a contact person, not an
account with a language of its own); it names the order, the contract and each change
with before → after, and carries no secret.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_currency, gettext as _

from app.models.enums import Channel
from app.services.notifications import queue
from app.services.notifications.messages import render_message


def _money(value) -> str:
    return format_currency(value, "EUR")


def queue_confirmation(order, summary):
    """Add the confirmation to the outbox (no commit); None when the customer has no one to send it to."""
    who = summary.recipient
    if who is None:
        return None
    locale = current_app.config.get("BABEL_DEFAULT_LOCALE", "de")
    with force_locale(locale):
        lines = []
        for change in summary.changes:
            line = f"{change.change.label}: {change.name} ({change.before} → {change.after})"
            if change.unit_monthly is not None:
                line += ", " + _("%(price)s per month each", price=_money(change.unit_monthly))
            if change.one_time:
                line += ", " + _("%(price)s one-time", price=_money(change.one_time))
            lines.append(line)
        total, before = _money(summary.monthly_after), _money(summary.monthly_before)
    subject, body = render_message(
        "email/option_order_confirmation.txt", locale, name=who.name, number=order.order_number,
        contract=summary.contract.contract_number, changes=lines, total=total, before=before,
        hotline=current_app.config["HOTLINE_PHONE"], email=current_app.config["SERVICE_EMAIL"],
    )
    message = queue(Channel.EMAIL, who.email, subject, body, locale=locale, sensitive=False)
    message.customer_id = order.customer_id
    return message
