"""The sign-in pages' forms: password step, PIN / app code, forgot password, set password (R-AUTH-2, 5, 6).

Field names and ids are those of the pages before them (`username`, `password`, `pin`,
`confirm`): bookmarks, password managers and the browser journeys rely on them.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo

from app.forms.base import EServiceForm, rule_check
from app.services.account_rules import password_errors

REQUIRED = _l("Please fill in this field.")
PASSWORDS_DIFFER = _l("The two passwords do not match.")
# Longest value a sign-in field sends on; longer input is simply an unknown username (S7).
SIGN_IN_MAXLENGTH = 200


class LoginForm(EServiceForm):
    """Step 1: username and password. Known and unknown usernames get the same answer (S7)."""

    username = StringField(_l("Username"), [DataRequired(REQUIRED)],
                           render_kw={"autocomplete": "username", "maxlength": SIGN_IN_MAXLENGTH, "autofocus": True})
    password = PasswordField(_l("Password"), [DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password", "maxlength": SIGN_IN_MAXLENGTH})


class PinForm(EServiceForm):
    """Step 2: the 8-digit SMS PIN or the 6-digit app code (the view sets label and length)."""

    pin = StringField(_l("PIN"), [DataRequired(REQUIRED)],
                      render_kw={"inputmode": "numeric", "autocomplete": "one-time-code", "autofocus": True})

    def for_method(self, method: str) -> PinForm:
        """Label and length for the SMS PIN or the authenticator code."""
        totp = method == "totp"
        self.pin.label.text = _l("Code") if totp else _l("PIN")
        self.pin.render_kw = dict(self.pin.render_kw or {}, maxlength=6 if totp else 8)
        return self


class ForgotPasswordForm(EServiceForm):
    """R-AUTH-5: the username to send a new link for (asked, or carried over from the login page)."""

    username = StringField(_l("Username"), [DataRequired(REQUIRED)], filters=[lambda v: (v or "").strip()[:200]],
                           render_kw={"maxlength": SIGN_IN_MAXLENGTH})


def new_password_rules(form, value: str) -> list[str]:
    """R-AUTH-2 and the enforced part of R-AUTH-3 (not containing the username)."""
    return password_errors(value, getattr(form, "account_username", None))


class SetPasswordForm(EServiceForm):
    """The one-time link page: the new password twice. The view sets `account_username` (R-AUTH-3)."""

    account_username: str | None = None
    password = PasswordField(_l("New password"), [DataRequired(REQUIRED), rule_check(new_password_rules)],
                             render_kw={"autocomplete": "new-password", "maxlength": SIGN_IN_MAXLENGTH})
    confirm = PasswordField(_l("Repeat the new password"), [DataRequired(REQUIRED), EqualTo("password",
                            PASSWORDS_DIFFER)], render_kw={"autocomplete": "new-password",
                                                           "maxlength": SIGN_IN_MAXLENGTH})
    message_fields = {"confirm": (PASSWORDS_DIFFER,)}

