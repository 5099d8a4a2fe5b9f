"""The texts of every message, rendered in the recipient's language."""
from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext as _

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
    with force_locale(locale):
        subject = _("Sign-in PIN")
        body = _(
            "Your e:service sign-in PIN: %(pin)s\nIt is valid for %(minutes)s minutes. "
            "Never pass it on.", pin=pin, minutes=minutes,
        )
    return queue(Channel.SMS, user.mobile, subject, body, locale=locale, sensitive=True, user=user)


def queue_activation_email(user, link: str, hours: int) -> OutboxMessage:
    """R-AUTH-4: the new account's username and its set-password link."""
    locale = recipient_locale(user)
    with force_locale(locale):
        subject = _("Your access to the e:service customer portal")
        body = _(
            "Hello %(name)s,\n\nan e:service account has been set up for you.\n\n"
            "Username: %(username)s\n\nPlease set your password with this link "
            "(valid for %(hours)s hours, usable once):\n%(link)s\n\n"
            "If the link has expired, use \"Forgot password\" on the login page.\n\nYour ecotel team",
            name=user.full_name, username=user.username, link=link, hours=hours,
        )
    return queue(Channel.EMAIL, user.email, subject, body, locale=locale, sensitive=True, user=user)


def queue_reset_email(user, link: str, hours: int) -> OutboxMessage:
    """R-AUTH-5: a fresh set-password link, only to the stored email."""
    locale = recipient_locale(user)
    with force_locale(locale):
        subject = _("Set a new e:service password")
        body = _(
            "Hello %(name)s,\n\na new password was requested for your e:service account "
            "%(username)s.\n\nSet it with this link (valid for %(hours)s hours, usable once):\n%(link)s\n\n"
            "If you did not ask for this, ignore this email: your current password stays valid.\n\n"
            "Your ecotel team",
            name=user.full_name, username=user.username, link=link, hours=hours,
        )
    return queue(Channel.EMAIL, user.email, subject, body, locale=locale, sensitive=True, user=user)


def queue_email_changed_notice(user, previous_email: str) -> OutboxMessage:
    """R-USR-3: tell the previous address that the account's email address was changed.

    It names no new address (the old mailbox may no longer be the user's) and carries no
    link, so it is not sensitive.
    """
    locale = recipient_locale(user)
    with force_locale(locale):
        subject = _("Your e:service email address has been changed")
        body = _(
            "Hello %(name)s,\n\nthe email address of your e:service account %(username)s has just been "
            "changed. From now on, emails such as links to set a new password go to the new address."
            "\n\nIf you did not make this change, please call your "
            "Portal Admin or our hotline %(hotline)s at once.\n\nYour ecotel team",
            name=user.full_name, username=user.username, hotline=current_app.config["HOTLINE_PHONE"],
        )
    return queue(Channel.EMAIL, previous_email, subject, body, locale=locale, sensitive=False, user=user)
