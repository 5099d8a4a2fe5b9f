"""R-HOME/R-CON-2: the last day to give notice and the minimum-term end, worked out by hand.

Same rule as tests/unit/test_contract_terms.py: notice given on day d ends the contract at
the first term end on or after d + notice months, so the deadline for a term end E is the
last day d with d + notice months <= E.
"""
from __future__ import annotations

from datetime import date as D

import pytest

from app.services.contract_terms import end_of_term, minimum_term_end, notice_deadline

CASES = {
    # Minimum term ends 31 Dec 2024; 3 months' notice must arrive by 30 Sep.
    "within the minimum term": ((D(2024, 1, 1), 12, 3, 12, D(2024, 9, 1)), (D(2024, 9, 30), D(2024, 12, 31))),
    "on the deadline itself": ((D(2024, 1, 1), 12, 3, 12, D(2024, 9, 30)), (D(2024, 9, 30), D(2024, 12, 31))),
    # One day late: the next chance is the end of the first renewal year.
    "one day late": ((D(2024, 1, 1), 12, 3, 12, D(2024, 10, 1)), (D(2025, 9, 30), D(2025, 12, 31))),
    # Term ends 30 Apr (start 1 May); the deadline is 31 Jan, not a clipped 30 Jan.
    "end of a short month": ((D(2023, 5, 1), 12, 3, 12, D(2023, 12, 1)), (D(2024, 1, 31), D(2024, 4, 30))),
    # Ends 31 May; 28 Feb + 3 months = 28 May still reaches it, 1 Mar would not.
    "clipped to February": ((D(2023, 6, 1), 24, 3, 12, D(2025, 1, 10)), (D(2025, 2, 28), D(2025, 5, 31))),
    "no notice period": ((D(2024, 1, 1), 12, 0, 12, D(2024, 12, 1)), (D(2024, 12, 31), D(2024, 12, 31))),
}


@pytest.mark.parametrize("args, expected", CASES.values(), ids=CASES.keys())
def test_notice_deadline(args, expected):
    assert notice_deadline(*args) == expected
    deadline, end = expected
    start, minimum, notice, renewal, _ = args
    # Notice on the deadline reaches the end; one day later it does not.
    assert end_of_term(start, minimum, notice, renewal, deadline) == end
    assert end_of_term(start, minimum, notice, renewal, D.fromordinal(deadline.toordinal() + 1)) != end


def test_no_deadline_before_the_start_or_once_it_runs_on_without_renewal():
    assert notice_deadline(None, 24, 3, 12, D(2024, 1, 1)) is None
    # Minimum term over, no renewal periods: notice ends it any day.
    assert notice_deadline(D(2020, 1, 1), 12, 1, 0, D(2024, 1, 1)) is None
    # Still within the minimum term it has a deadline like any other.
    assert notice_deadline(D(2024, 1, 1), 12, 1, 0, D(2024, 6, 1)) == (D(2024, 11, 30), D(2024, 12, 31))


def test_minimum_term_end():
    assert minimum_term_end(D(2024, 1, 15), 24) == D(2026, 1, 14)
    assert minimum_term_end(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert minimum_term_end(None, 24) is None
