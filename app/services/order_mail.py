"""Order emails the manual implies beyond the option wizard's own confirmation (R-ORD-2, R-ORD-4).

- An offer accepted in the portal tells its sales advisor (the staff member who entered
  it) and the Sales team's address (config SALES_TEAM_EMAIL).
- An order created by any other source than the option order path (which sends its own,
  `option_order/confirmation.py`), e.g. entered in the back office, sends the order
  confirmation ("Die Auftragsbestätigung wurde an dich verschickt") to the customer's
  telecom contact, else its Portal Admin. An offer is not an order yet: none for it.

All queued into the caller's transaction (no commit).
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from app.models.enums import Channel, OrderStatus
from app.services.notifications import queue
from app.services.notifications.messages import render_message


def _locale() -> str:
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "de")


def _items(order) -> list[str]:
    return [item.description for item in order.items]


def queue_offer_accepted(order, user) -> list:
    """R-ORD-4: to the offer's sales advisor and the Sales team's address (each once)."""
    from flask_babel import gettext as _

    advisor = order.created_by
    recipients = []
    with force_locale(_locale()):
        if advisor is not None and advisor.customer_id is None and advisor.email:
            recipients.append((advisor.email, advisor.full_name or advisor.username))
        team = current_app.config.get("SALES_TEAM_EMAIL")
        if team and team not in [address for address, _name in recipients]:
            recipients.append((team, _("Sales team")))
    customer = order.customer
    messages = []
    for address, name in recipients:
        subject, body = render_message(
            "email/offer_accepted.txt", _locale(), name=name, number=order.order_number,
            company=customer.company_name, customer_number=customer.customer_number,
            author=getattr(user, "full_name", "") or user.username,
            contract=order.contract.contract_number if order.contract else "–", items=_items(order))
        message = queue(Channel.EMAIL, address, subject, body, locale=_locale(), sensitive=False)
        message.customer_id = order.customer_id
        messages.append(message)
    return messages


def queue_order_confirmation(order):
    """The confirmation of an order entered outside the option order path; None for an offer or no recipient."""
    from app.services.option_order.changes import recipient

    if order.status is OrderStatus.OFFER_CREATED or order.customer is None:
        return None
    who = recipient(order.customer)
    if who is None:
        return None
    locale = _locale()
    with force_locale(locale):
        kind = str(order.kind.label)
    subject, body = render_message(
        "email/order_confirmation.txt", locale, name=who.name, number=order.order_number, kind=kind,
        contract=order.contract.contract_number if order.contract else "", items=_items(order),
        hotline=current_app.config["HOTLINE_PHONE"], email=current_app.config["SERVICE_EMAIL"])
    message = queue(Channel.EMAIL, who.email, subject, body, locale=locale, sensitive=False)
    message.customer_id = order.customer_id
    return message
