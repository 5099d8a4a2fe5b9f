"""The user menu's forms: My profile, Change password, authenticator app (R-AUTH-8, R-AUTH-9).

The rules a single field shows (username R-AUTH-1, password R-AUTH-2/3) are checked here
with the service's own rule functions; the account itself (current password, a username
or email already taken, the PIN roles' mobile number) is checked by the service, whose
messages `message_fields` puts at the field they concern.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, StringField
from wtforms.fields import EmailField, TelField
from wtforms.validators import DataRequired, EqualTo

from app.forms.auth import PASSWORDS_DIFFER, REQUIRED, SIGN_IN_MAXLENGTH, new_password_rules
from app.forms.base import EServiceForm, rule_check
from app.services.account_rules import PASSWORD_CONTAINS_USERNAME, username_errors
from app.services.auth.usernames import taken_message

# Messages of the account services, by the field they concern (compared in the request's language).
CURRENT_PASSWORD_WRONG = _l("The current password is not correct.")
USERNAME_NEEDS_PASSWORD = _l("Changing the username needs your current password.")
NEW_PASSWORD_SAME = _l("The new password must differ from the current one.")
EMAIL_INVALID = _l("Please enter a valid email address.")
EMAIL_TAKEN = _l("An account with this email address already exists.")
MOBILE_INVALID = _l("Please enter a valid mobile number, for example +49 171 1234567.")
MOBILE_NOT_MOBILE = _l("This is not a mobile number. The SMS PIN can only be sent to a mobile number, "
                       "for example +49 171 1234567.")
MOBILE_NEEDED = _l("You sign in with an SMS PIN, so your mobile number cannot be removed. You can change it, "
                   "or set up the authenticator app first.")
PASSWORD_HOLDS_NEW_USERNAME = _l("Your current password contains the new username. Please change your "
                                 "password first, then the username.")
TOTP_CODE_WRONG = _l("The code does not match. Please enter the current code from your app.")


def _changed_username_rules(form, value: str) -> list[str]:
    """R-AUTH-1 for a new username; the stored one is not judged again."""
    value = value.strip()
    if value == (form.account_username or ""):
        return []
    return username_errors(value)


class ProfileForm(EServiceForm):
    """R-AUTH-8: username (needs the current password), email, mobile. The view sets `account_username`."""

    account_username: str | None = None
    username = StringField(_l("Username"), [DataRequired(REQUIRED), rule_check(_changed_username_rules)],
                           filters=[lambda v: (v or "").strip()], render_kw={"maxlength": 80})
    current_password = PasswordField(_l("Current password (needed to change the username)"),
                                     render_kw={"autocomplete": "current-password",
                                                "maxlength": SIGN_IN_MAXLENGTH})
    email = EmailField(_l("Email"), [DataRequired(REQUIRED)], filters=[lambda v: (v or "").strip()],
                       render_kw={"maxlength": 254})
    mobile = TelField(_l("Mobile number"), filters=[lambda v: (v or "").strip()], render_kw={"maxlength": 32})

    message_fields = {
        "current_password": (USERNAME_NEEDS_PASSWORD, PASSWORD_HOLDS_NEW_USERNAME),
        "username": (PASSWORD_CONTAINS_USERNAME,),
        "email": (EMAIL_INVALID, EMAIL_TAKEN),
        "mobile": (MOBILE_INVALID, MOBILE_NOT_MOBILE, MOBILE_NEEDED),
    }

    def message_owners(self) -> dict[str, str]:
        """As every form, plus "username taken", which names the username entered."""
        return {**super().message_owners(), taken_message(self.username.data or ""): "username"}


class ChangePasswordForm(EServiceForm):
    """R-AUTH-9: current and new password (twice). The view sets `account_username` (R-AUTH-3)."""

    account_username: str | None = None
    current_password = PasswordField(_l("Current password"), [DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password",
                                                "maxlength": SIGN_IN_MAXLENGTH})
    new_password = PasswordField(_l("New password"), [DataRequired(REQUIRED), rule_check(new_password_rules)],
                                 render_kw={"autocomplete": "new-password", "maxlength": SIGN_IN_MAXLENGTH})
    confirm = PasswordField(_l("Repeat the new password"), [DataRequired(REQUIRED),
                            EqualTo("new_password", PASSWORDS_DIFFER)],
                            render_kw={"autocomplete": "new-password", "maxlength": SIGN_IN_MAXLENGTH})

    message_fields = {
        "current_password": (CURRENT_PASSWORD_WRONG,),
        "new_password": (NEW_PASSWORD_SAME,),
        "confirm": (PASSWORDS_DIFFER,),
    }


class TotpEnableForm(EServiceForm):
    """Set up the authenticator app: the code it shows proves the enrolment."""

    action = HiddenField(default="enable")
    code = StringField(_l("Code from the app"), [DataRequired(REQUIRED)],
                       render_kw={"inputmode": "numeric", "maxlength": 6, "autocomplete": "one-time-code"})
    message_fields = {"code": (TOTP_CODE_WRONG,)}


class TotpDisableForm(EServiceForm):
    """Switch the authenticator app off: needs the current password."""

    action = HiddenField(default="disable")
    current_password = PasswordField(_l("Current password"), [DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password",
                                                "maxlength": SIGN_IN_MAXLENGTH})
    message_fields = {"current_password": (CURRENT_PASSWORD_WRONG,)}


__all__ = ["ChangePasswordForm", "ProfileForm", "TotpDisableForm", "TotpEnableForm"]
