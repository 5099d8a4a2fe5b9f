"""The SMS PIN hash: keyed with the app's secret and bound to one login attempt (QUALITY S4)."""
from __future__ import annotations

import pytest

from app.services.auth import pins


@pytest.mark.rule("S4")
def test_pin_hash_is_bound_to_attempt(app_ctx):
    a, b = pins.new_attempt_id(), pins.new_attempt_id()
    assert a != b and len(a) >= 43  # 256 bits
    assert pins.hash_pin("12345678", a) == pins.hash_pin("12345678", a)
    assert pins.hash_pin("12345678", a) != pins.hash_pin("12345678", b)
    assert "12345678" not in pins.hash_pin("12345678", a)
