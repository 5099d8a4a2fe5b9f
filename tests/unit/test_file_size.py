"""File sizes are formatted without Babel's per-call parsing (issue 20), to the same text as Babel."""
from __future__ import annotations

import random

import pytest
from babel.numbers import format_decimal

from app.i18n import _one_decimal

PATTERN = "#,##0.0"


def _sizes():
    rng = random.Random(20)
    edges = [0, 1, 51, 52, 102, 103, 1023, 1024, 1025, 10_239, 10_240, 1_048_575, 1_048_576, 1_048_577]
    edges += [n * 1024 // 20 + d for n in range(0, 400) for d in (-1, 0, 1)]  # halves of a tenth of a KB
    edges += [rng.randrange(0, 10**12) for _ in range(3000)] + [rng.randrange(0, 2_000_000) for _ in range(3000)]
    return edges


@pytest.mark.parametrize("locale", ["de", "en"])
def test_one_decimal_matches_babel(locale):
    for size in _sizes():
        for value in (size / 1024, size / (1024 * 1024)):
            assert _one_decimal(value, locale) == format_decimal(value, PATTERN, locale=locale), (size, locale)
