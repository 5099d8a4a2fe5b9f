"""Phone numbers as users type them ("0211 555 01", "+49 171 …"), parsed and checked with `phonenumbers`."""
from __future__ import annotations

import phonenumbers

from app.services.errors import Invalid


def parse_valid(value: str, message) -> phonenumbers.PhoneNumber:
    """The number `value` stands for (German numbers may omit +49); Invalid(message) when it is none."""
    try:
        number = phonenumbers.parse(value, "DE")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise Invalid(message)
    return number
