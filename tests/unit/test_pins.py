"""PIN and link primitives that need no app (QUALITY S4, S5); the keyed PIN hash is in
tests/security/test_auth_pin_hash.py (it reads the app's secret key)."""
from __future__ import annotations

import re

import pytest

from app.services.auth import pins, tokens
from app.security.auth_views import mask_mobile, safe_next
from tests.security.auth_fixtures import berlin_time  # noqa: F401  - fixture


@pytest.mark.rule("S4")
def test_pin_is_8_digits_and_varies():
    seen = {pins.generate_pin() for _ in range(200)}
    assert all(re.fullmatch(r"\d{8}", p) for p in seen)
    assert len(seen) > 190


@pytest.mark.rule("S5")
def test_link_token_hash_is_sha256():
    assert tokens.token_hash("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_mask_mobile_shows_only_ends():
    assert mask_mobile("+491711234567") == "+49•••••••567"
    assert mask_mobile(None) == ""


@pytest.mark.rule("S10")
def test_safe_next_rejects_offsite_targets():
    for bad in ("//evil", "https://evil", "/\\evil", "http:evil", "javascript:x", "evil", "/x\r\nLocation: y", ""):
        assert safe_next(bad) is None, bad
    assert safe_next("/account/profile?x=1") == "/account/profile?x=1"


@pytest.mark.rule("R-AUTH-6")
def test_totp_code_is_accepted_off_utc(berlin_time):
    """R-AUTH-6: a correct authenticator code works whatever the server's time zone (epoch seconds, not
    a naive UTC datetime that pyotp would read as local time)."""
    import time

    import pyotp

    assert time.timezone != 0 or time.altzone != 0, "the test needs a zone other than UTC"
    secret = pyotp.random_base32()
    totp = pyotp.TOTP(secret)
    code = totp.at(time.time())
    assert pins._totp_timecode(secret, code) == totp.timecode(time.time())
    # A code of two hours ago (what a naive UTC datetime read as Berlin time produces) is refused.
    assert pins._totp_timecode(secret, totp.at(time.time() - 7200)) is None
