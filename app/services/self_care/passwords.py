"""New SIP and DSL passwords (R-SIP-1, R-SIP-5): random, readable, never logged."""
from __future__ import annotations

import secrets
import string

# No look-alikes (0/O, 1/l/I): the user types the password into a phone or router.
_LETTERS = "".join(c for c in string.ascii_letters if c not in "OIl")
_DIGITS = "23456789"
_SYMBOLS = "#+-_!"
LENGTH = 16


def new_password(length: int = LENGTH) -> str:
    """A fresh password with upper and lower case letters, digits and a symbol."""
    alphabet = _LETTERS + _DIGITS + _SYMBOLS
    while True:
        text = "".join(secrets.choice(alphabet) for _ in range(length))
        if (any(c.islower() for c in text) and any(c.isupper() for c in text)
                and any(c in _DIGITS for c in text) and any(c in _SYMBOLS for c in text)):
            return text
