"""Username and password rules exactly as the manual gives them (R-AUTH-1..3)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

# The manual's dash "–" is typeset; the ASCII hyphen is accepted as well (SPEC R-AUTH-1).
USERNAME_SPECIALS = frozenset("._,#$%=?`:;@~^–-+*({)}[]\\")
PASSWORD_SPECIALS = frozenset("/$@,;_:#+({)}[]?*^|\\–- ")
USERNAME_MIN, USERNAME_MAX = 3, 80
PASSWORD_MIN, PASSWORD_MAX = 8, 40

USERNAME_HINT = _l(
    "3 to 80 characters: letters of any language, digits 0-9 and . _ , # $ % = ? ` : ; @ ~ ^ - + * ( { ) } [ ] \\"
)
INACTIVE_IS_FINAL = _l(
    "This account is inactive: an inactive account is deactivated for good and cannot be reactivated "
    "or locked. Please create a new account instead."
)
PASSWORD_HINT = _l(
    "8 to 40 characters: letters of any language, space, digits 0-9 and / $ @ , ; _ : # + ( { ) } [ ] ? * ^ | \\ -"
)


def _is_letter_or_digit(ch: str) -> bool:
    return ch.isalpha() or ch in "0123456789"


def username_errors(username: str) -> list[str]:
    """Every R-AUTH-1 rule the username breaks, as translated messages."""
    errors: list[str] = []
    if not (USERNAME_MIN <= len(username) <= USERNAME_MAX):
        errors.append(str(_l("The username must be 3 to 80 characters long.")))
    bad = sorted({ch for ch in username if not (_is_letter_or_digit(ch) or ch in USERNAME_SPECIALS)})
    if bad:
        errors.append(
            str(_l("The username contains characters that are not allowed: %(chars)s", chars=" ".join(bad)))
        )
    return errors


def password_errors(password: str, username: str | None = None) -> list[str]:
    """Every R-AUTH-2 rule (and the enforced part of R-AUTH-3) the password breaks."""
    errors: list[str] = []
    if not (PASSWORD_MIN <= len(password) <= PASSWORD_MAX):
        errors.append(str(_l("The password must be 8 to 40 characters long.")))
    bad = sorted({ch for ch in password if not (_is_letter_or_digit(ch) or ch in PASSWORD_SPECIALS)})
    if bad:
        errors.append(
            str(_l("The password contains characters that are not allowed: %(chars)s", chars=" ".join(bad)))
        )
    if contains_username(password, username):
        errors.append(str(PASSWORD_CONTAINS_USERNAME))
    return errors


PASSWORD_CONTAINS_USERNAME = _l("The password must not contain the username.")


def contains_username(password: str, username: str | None) -> bool:
    """R-AUTH-3 (enforced): the username, in any case, is part of the password."""
    return bool(username and len(username) >= 3 and username.casefold() in (password or "").casefold())


def password_warnings(password: str, full_name: str = "") -> list[str]:
    """R-AUTH-3 recommendations the password does not follow (shown, not enforced)."""
    warnings: list[str] = []
    if len(password) < 11:
        warnings.append(str(_l("11 or more characters are better.")))
    classes = sum(
        [
            any(c.isupper() for c in password),
            any(c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
    )
    if classes < 3:
        warnings.append(
            str(_l("Use characters from at least three of: capitals, small letters, digits, special characters."))
        )
    name = "".join(full_name.split()).casefold()
    pw = password.casefold()
    if any(name[i : i + 3] in pw for i in range(max(0, len(name) - 2))):
        warnings.append(str(_l("The password should not contain more than two consecutive characters of your name.")))
    return warnings
