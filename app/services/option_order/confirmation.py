"""The order confirmation email of an option order (R-WIZ-6), queued in the submit's transaction.

Written in the product's default language (the recipient is a contact person, not an
account with a language of its own); it names the order, the contract and each change
with before → after, and carries no secret.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, format_currency, gettext as _

from app.models.enums import Channel
from app.services.notifications import queue


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
            line = f"- {change.change.label}: {change.name} ({change.before} → {change.after})"
            if change.unit_monthly is not None:
                line += ", " + _("%(price)s per month each", price=_money(change.unit_monthly))
            if change.one_time:
                line += ", " + _("%(price)s one-time", price=_money(change.one_time))
            lines.append(line)
        subject = _("Order confirmation %(number)s", number=order.order_number)
        body = _(
            "Hello %(name)s,\n\nthank you for your order %(number)s of kind \"Option change\" for contract "
            "%(contract)s. We have received these changes:\n\n%(changes)s\n\nMonthly total from now on: "
            "%(total)s (before: %(before)s).\n\nYou can follow the order under \"Your orders\" in e:service. "
            "Questions about the options? Call us on %(hotline)s or write to %(email)s.\n\nYour ecotel team",
            name=who.name, number=order.order_number, contract=summary.contract.contract_number,
            changes="\n".join(lines), total=_money(summary.monthly_after), before=_money(summary.monthly_before),
            hotline=current_app.config["HOTLINE_PHONE"], email=current_app.config["SERVICE_EMAIL"],
        )
    message = queue(Channel.EMAIL, who.email, subject, body, locale=locale, sensitive=False)
    message.customer_id = order.customer_id
    return message
