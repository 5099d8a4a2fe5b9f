"""Every email and SMS, rendered from its template in the recipient's language.

The texts live in `app/templates/email/` and `app/templates/sms/` (plain-text Jinja with
`{% trans %}`, extracted and translated like every other text); a template sets
`block subject` and the body. This module only chooses the template, the values and
the recipient, and queues the result.
"""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale

from app import context
from app.extensions import db
from app.models import OutboxMessage
from app.models.enums import Channel


def recipient_locale(user) -> str:
    """The language a user reads: their own setting, else the product default."""
    languages = current_app.config.get("LANGUAGES", {})
    locale = getattr(user, "locale", None)
    if locale and locale in languages:
        return locale
    return current_app.config.get("BABEL_DEFAULT_LOCALE", "de")


def render_message(template_name: str, locale: str, **values) -> tuple[str, str]:
    """(subject, body) of a message template in `locale`.

    Rendered straight from the app's Jinja environment, not through `render_template`:
    a message must not depend on the request it happens to be queued in (jobs and the CLI
    queue messages too), and `.txt` templates are never HTML-escaped.
    """
    template = current_app.jinja_env.get_template(template_name)
    with force_locale(locale):
        subject = "".join(template.blocks["subject"](template.new_context(dict(values)))).strip()
        body = template.render(values)
    return subject, body


def queue(channel: Channel, recipient: str, subject: str, body: str, *, locale: str,
          sensitive: bool, user=None) -> OutboxMessage:
    """Add one message to the outbox in the caller's transaction (no commit)."""
    message = OutboxMessage(
        channel=channel, recipient=recipient, subject=subject[:200], body=body, sensitive=sensitive,
        locale=locale, user_id=getattr(user, "id", None), customer_id=getattr(user, "customer_id", None),
    )
    if user is not None and getattr(user, "id", None) is None:
        # The user is being created in the same transaction: link after the flush.
        db.session.flush()
        message.user_id, message.customer_id = user.id, user.customer_id
    db.session.add(message)
    _remember_for_request(message)
    return message


def _remember_for_request(message) -> None:
    """Messages queued during a request are sent once its response has left (app/security/request_context.py)."""
    context.after_response(message)


def queue_pin_sms(user, pin: str, minutes: int) -> OutboxMessage:
    """R-AUTH-6: the sign-in PIN to the stored mobile number."""
    locale = recipient_locale(user)
    subject, body = render_message("sms/sign_in_pin.txt", locale, pin=pin, minutes=minutes)
    return queue(Channel.SMS, user.mobile, subject, body, locale=locale, sensitive=True, user=user)


def queue_activation_email(user, link: str, hours: int) -> OutboxMessage:
    """R-AUTH-4: the new account's username and its set-password link."""
    locale = recipient_locale(user)
    subject, body = render_message("email/activation.txt", locale, name=user.full_name, username=user.username,
                                   link=link, hours=hours)
    return queue(Channel.EMAIL, user.email, subject, body, locale=locale, sensitive=True, user=user)


def queue_reset_email(user, link: str, hours: int) -> OutboxMessage:
    """R-AUTH-5: a fresh set-password link, only to the stored email."""
    locale = recipient_locale(user)
    subject, body = render_message("email/password_reset.txt", locale, name=user.full_name,
                                   username=user.username, link=link, hours=hours)
    return queue(Channel.EMAIL, user.email, subject, body, locale=locale, sensitive=True, user=user)


def queue_email_changed_notice(user, previous_email: str) -> OutboxMessage:
    """R-USR-3: tell the previous address that the account's email address was changed.

    It names no new address (the old mailbox may no longer be the user's) and carries no
    link, so it is not sensitive.
    """
    locale = recipient_locale(user)
    subject, body = render_message("email/email_changed.txt", locale, name=user.full_name,
                                   username=user.username, hotline=current_app.config["HOTLINE_PHONE"])
    return queue(Channel.EMAIL, previous_email, subject, body, locale=locale, sensitive=False, user=user)


def queue_username_changed_email(user, link: str, hours: int) -> OutboxMessage:
    """R-USR-3: the new username and a set-password link that confirms it."""
    locale = recipient_locale(user)
    subject, body = render_message("email/username_changed.txt", locale, name=user.full_name,
                                   username=user.username, link=link, hours=hours)
    return queue(Channel.EMAIL, user.email, subject, body, locale=locale, sensitive=True, user=user)
