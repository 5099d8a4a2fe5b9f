"""Email and SMS texts come from templates under app/templates/email/ and sms/ (R-AUTH-4..6, R-USR-3).

The texts read exactly as they did when they were Python strings: word for word, line
for line, in German and English. Names and links go in as they are (plain text, never
HTML-escaped), and a message renders the same outside a request (jobs, CLI).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from app.extensions import db
from app.security.roles import PORTAL_ADMIN
from app.services import notifications
from tests.factories import make_customer, make_user

LINK = "http://127.0.0.1:5000/set-password/abc?x=1&y=2"
NAME = "Anna Müller & Söhne <x>"

EXPECTED = {
    ("pin", "de"): (
        "Anmelde-PIN",
        "Deine e:service Anmelde-PIN: 01234567\n"
        "Sie ist 10 Minuten gültig. Gib sie niemals weiter.",
    ),
    ("pin", "en"): (
        "Sign-in PIN",
        "Your e:service sign-in PIN: 01234567\n"
        "It is valid for 10 minutes. Never pass it on.",
    ),
    ("activation", "de"): (
        "Dein Zugang zum Kundenportal e:service",
        f"Hallo {NAME},\n\n"
        "für dich wurde ein Zugang zum Kundenportal e:service angelegt.\n\n"
        "Benutzername: golden.de\n\n"
        "Bitte vergib dein persönliches Kennwort über diesen Link (24 Stunden gültig, einmal verwendbar):\n"
        f"{LINK}\n\n"
        "Ist der Link abgelaufen, nutze auf der Anmeldeseite die Funktion „Kennwort vergessen“.\n\n"
        "Dein ecotel Team",
    ),
    ("activation", "en"): (
        "Your access to the e:service customer portal",
        f"Hello {NAME},\n\n"
        "an e:service account has been set up for you.\n\n"
        "Username: golden.en\n\n"
        "Please set your password with this link (valid for 24 hours, usable once):\n"
        f"{LINK}\n\n"
        "If the link has expired, use \"Forgot password\" on the login page.\n\n"
        "Your ecotel team",
    ),
    ("reset", "de"): (
        "Neues Kennwort für e:service vergeben",
        f"Hallo {NAME},\n\n"
        "für deinen e:service Zugang golden.de wurde ein neues Kennwort angefordert.\n\n"
        "Vergib es über diesen Link (24 Stunden gültig, einmal verwendbar):\n"
        f"{LINK}\n\n"
        "Wenn du das nicht angefordert hast, ignoriere diese E-Mail: Dein aktuelles Kennwort bleibt gültig.\n\n"
        "Dein ecotel Team",
    ),
    ("reset", "en"): (
        "Set a new e:service password",
        f"Hello {NAME},\n\n"
        "a new password was requested for your e:service account golden.en.\n\n"
        "Set it with this link (valid for 24 hours, usable once):\n"
        f"{LINK}\n\n"
        "If you did not ask for this, ignore this email: your current password stays valid.\n\n"
        "Your ecotel team",
    ),
    ("email_changed", "de"): (
        "Deine E-Mail-Adresse im e:service wurde geändert",
        f"Hallo {NAME},\n\n"
        "die E-Mail-Adresse deines e:service Zugangs golden.de wurde soeben geändert. E-Mails wie Links zum "
        "Setzen eines neuen Kennworts gehen ab jetzt an die neue Adresse.\n\n"
        "Wenn du diese Änderung nicht vorgenommen hast, rufe bitte sofort deinen Administrator Kundenportal "
        "oder unsere Hotline 0800 032 68 35 an.\n\n"
        "Dein ecotel Team",
    ),
    ("email_changed", "en"): (
        "Your e:service email address has been changed",
        f"Hello {NAME},\n\n"
        "the email address of your e:service account golden.en has just been changed. From now on, emails "
        "such as links to set a new password go to the new address.\n\n"
        "If you did not make this change, please call your Portal Admin or our hotline 0800 032 68 35 at "
        "once.\n\n"
        "Your ecotel team",
    ),
}


def _queue(kind: str, user):
    if kind == "pin":
        return notifications.queue_pin_sms(user, "01234567", 10)
    if kind == "activation":
        return notifications.queue_activation_email(user, LINK, 24)
    if kind == "reset":
        return notifications.queue_reset_email(user, LINK, 24)
    return notifications.queue_email_changed_notice(user, "vorher@example.com")


def _user(locale: str):
    last = NAME.split(" ", 1)[1]
    return make_user(PORTAL_ADMIN, customer=make_customer(), username=f"golden.{locale}", first_name="Anna",
                     last_name=last, email=f"golden.{locale}@example.com", mobile="+491711239999", locale=locale)


@pytest.mark.rule("R-AUTH-4", "R-AUTH-5", "R-AUTH-6", "R-USR-3")
@pytest.mark.parametrize("kind, locale", sorted(EXPECTED))
def test_message_reads_exactly_as_before(app_ctx, kind, locale):
    """Subject and body word for word in the recipient's language; names and links unescaped."""
    message = _queue(kind, _user(locale))
    db.session.commit()
    assert (message.subject, message.body) == EXPECTED[(kind, locale)]
    assert message.locale == locale


@pytest.mark.rule("R-AUTH-4", "R-JOB-3")
def test_messages_render_outside_a_request(app):
    """The scheduler and the CLI queue messages too: no request, same text."""
    with app.app_context():
        try:
            message = _queue("activation", _user("de"))
            assert (message.subject, message.body) == EXPECTED[("activation", "de")]
        finally:
            db.session.rollback()


def test_every_message_template_has_a_subject_and_a_layout(app):
    """A new template under email/ or sms/ follows the same frame: a subject block and its channel's layout."""
    root = Path(app.root_path) / "templates"
    names = sorted(p.relative_to(root).as_posix() for folder in ("email", "sms")
                   for p in (root / folder).glob("*.txt") if not p.name.startswith("_"))
    assert {"email/activation.txt", "email/password_reset.txt", "email/email_changed.txt",
            "sms/sign_in_pin.txt"} <= set(names)
    for name in names:
        source = (root / name).read_text(encoding="utf-8")
        assert f'{{% extends "{name.split("/")[0]}/_layout.txt" %}}' in source, name
        template = app.jinja_env.get_template(name)
        assert "subject" in template.blocks and "body" in template.blocks, name


def test_no_message_text_is_written_in_python():
    """The notifications code chooses templates; it holds no gettext of its own."""
    source = (Path(__file__).resolve().parents[2] / "app/services/notifications/messages.py").read_text()
    assert "gettext" not in source and "_(" not in source


@pytest.mark.rule("R-WIZ-6")
def test_the_option_order_confirmation_reads_as_before_from_its_template(app_ctx):
    """R-WIZ-6: the confirmation is `email/option_order_confirmation.txt`, word for word the former text,
    in the product's language, with each change's line; its texts are no Python strings any more."""
    from types import SimpleNamespace

    from app.models.enums import ItemChange
    from app.services.option_order import confirmation

    change = SimpleNamespace(change=ItemChange.CHANGED, name="Sprachkanal", before=8, after=11,
                             unit_monthly=4.9, one_time=0)
    summary = SimpleNamespace(recipient=SimpleNamespace(name=NAME, email="tk@example.com"), changes=[change],
                              contract=SimpleNamespace(contract_number="V-1"), monthly_after=83.8,
                              monthly_before=69.1)
    order = SimpleNamespace(order_number="A2612020001", customer_id=make_customer().id)
    message = confirmation.queue_confirmation(order, summary)
    assert message.subject == "Auftragsbestätigung A2612020001"
    assert message.body == (
        f"Hallo {NAME},\n\n"
        "vielen Dank für deinen Auftrag A2612020001 der Auftragsart „Optionsänderung“ zum Vertrag V-1. "
        "Wir haben folgende Änderungen erhalten:\n\n"
        "- Geändert: Sprachkanal (8 → 11), je 4,90\xa0€ pro Monat\n\n"
        "Monatliche Summe ab jetzt: 83,80\xa0€ (bisher: 69,10\xa0€).\n\n"
        "Den Verlauf des Auftrags siehst du in e:service unter „Deine Aufträge“. Hast du Fragen zu den Optionen? "
        f"Ruf uns unter {app_ctx.config['HOTLINE_PHONE']} an oder schreib an {app_ctx.config['SERVICE_EMAIL']}.\n\n"
        "Dein ecotel Team"
    )
    source = (Path(__file__).resolve().parents[2] / "app/services/option_order/confirmation.py").read_text()
    assert "thank you for your order" not in source
