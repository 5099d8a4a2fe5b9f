"""R-CON-2 end of term and R-WIZ-5 earliest reduction date, worked out by hand.

The rule (German civil code, §§ 187(2), 188(2)/(3) BGB, as contracts count):
a term of n months that starts on day S ends on the day before the day
numbered S in the n-th month after the start; when that month has no day S
(start 31 Jan, 1 month), it ends on that month's last day. After the minimum
term the contract renews by the renewal period unless notice reaches the
carrier `notice` months before a term ends; a notice given today ends the
contract at the first term end on or after today + notice months. With no
renewal period the contract can end any day once the notice has run.
Every expected date below was computed on paper from this rule.
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.services.contract_terms import earliest_reduction_date, end_of_term

D = date

# (start, minimum months, notice months, renewal months, today) -> end of term
END_OF_TERM_CASES = {
    # Within the minimum term, notice comfortably in time.
    "minimum term, early": ((D(2024, 1, 15), 24, 3, 12, D(2024, 6, 1)), D(2026, 1, 14)),
    # Minimum term ends 31 Dec; 3 months' notice must arrive by 30 Sep.
    "last day for notice": ((D(2024, 1, 1), 12, 3, 12, D(2024, 9, 30)), D(2024, 12, 31)),
    "one day late renews": ((D(2024, 1, 1), 12, 3, 12, D(2024, 10, 1)), D(2025, 12, 31)),
    # Notice period 0: today itself may be the end of term.
    "no notice, end is today": ((D(2024, 1, 1), 12, 0, 12, D(2024, 12, 31)), D(2024, 12, 31)),
    "no notice, day after": ((D(2024, 1, 1), 12, 0, 12, D(2025, 1, 1)), D(2025, 12, 31)),
    # Start on the 1st of March: terms end on the last day of February (leap year 2024).
    # Ends: 2022-02-28, 2023-02-28, 2024-02-29, 2025-02-28, 2026-02-28.
    "renewed twice, leap February": ((D(2020, 3, 1), 24, 3, 12, D(2023, 11, 29)), D(2024, 2, 29)),
    "renewed, after leap deadline": ((D(2020, 3, 1), 24, 3, 12, D(2024, 5, 10)), D(2025, 2, 28)),
    "renewal deadline met": ((D(2020, 3, 1), 24, 3, 12, D(2024, 11, 28)), D(2025, 2, 28)),
    "renewal deadline missed": ((D(2020, 3, 1), 24, 3, 12, D(2024, 12, 1)), D(2026, 2, 28)),
    # Monthly renewal: ends on the 9th of each month after 2024-05-09.
    "monthly renewal": ((D(2023, 5, 10), 12, 1, 1, D(2024, 7, 20)), D(2024, 9, 9)),
    "monthly renewal, in time": ((D(2023, 5, 10), 12, 1, 1, D(2024, 7, 9)), D(2024, 8, 9)),
    # Two-year renewals over decades: ends 2000-12-31, 2002-12-31, ... 2024-12-31, 2026-12-31.
    "long contract, 24-month renewal": ((D(2000, 1, 1), 12, 3, 24, D(2024, 10, 1)), D(2026, 12, 31)),
    "long contract, in time": ((D(2000, 1, 1), 12, 3, 24, D(2024, 9, 30)), D(2024, 12, 31)),
    "long contract, odd year": ((D(2000, 1, 1), 12, 3, 24, D(2025, 1, 5)), D(2026, 12, 31)),
    # No renewal period: after the minimum term, any day once the notice has run.
    "renewal 0, within minimum": ((D(2022, 1, 1), 24, 1, 0, D(2023, 6, 1)), D(2023, 12, 31)),
    "renewal 0, after minimum": ((D(2022, 1, 1), 24, 1, 0, D(2024, 3, 10)), D(2024, 4, 10)),
    "renewal 0, notice into leap Feb": ((D(2022, 1, 1), 24, 1, 0, D(2024, 1, 31)), D(2024, 2, 29)),
    "renewal 0, no notice": ((D(2022, 1, 1), 24, 0, 0, D(2024, 3, 10)), D(2024, 3, 10)),
    # Month-end starts: the month of the end has no matching day -> its last day.
    "31 Jan + 1 month": ((D(2023, 1, 31), 1, 0, 1, D(2023, 1, 31)), D(2023, 2, 28)),
    "31 Jan + 1 month, leap": ((D(2024, 1, 31), 1, 0, 1, D(2024, 1, 31)), D(2024, 2, 29)),
    "30 Jan + 1 month": ((D(2023, 1, 30), 1, 0, 1, D(2023, 1, 30)), D(2023, 2, 28)),
    "30 Jan + 1 month, leap": ((D(2024, 1, 30), 1, 0, 1, D(2024, 1, 30)), D(2024, 2, 29)),
    "29 Jan + 1 month, leap": ((D(2024, 1, 29), 1, 0, 1, D(2024, 1, 29)), D(2024, 2, 28)),
    "31 Jan + 2 months": ((D(2023, 1, 31), 2, 0, 1, D(2023, 1, 31)), D(2023, 3, 30)),
    "31 Jan + 3 months": ((D(2023, 1, 31), 3, 0, 1, D(2023, 1, 31)), D(2023, 4, 30)),
    "31 Aug + 6 months": ((D(2023, 8, 31), 6, 0, 1, D(2023, 9, 1)), D(2024, 2, 29)),
    "29 Feb + 12 months": ((D(2024, 2, 29), 12, 0, 12, D(2024, 3, 1)), D(2025, 2, 28)),
    "29 Feb + 48 months": ((D(2024, 2, 29), 48, 0, 12, D(2024, 3, 1)), D(2028, 2, 28)),
    "1 Dec + 3 months": ((D(2023, 12, 1), 3, 0, 1, D(2023, 12, 1)), D(2024, 2, 29)),
    # Month-end start with monthly renewal: ends 2024-01-30, 2024-02-29, 2024-03-30, ...
    "31 Jan start, monthly renewal": ((D(2023, 1, 31), 12, 1, 1, D(2024, 1, 20)), D(2024, 2, 29)),
    "31 Jan start, renewal in March": ((D(2023, 1, 31), 12, 1, 1, D(2024, 2, 15)), D(2024, 3, 30)),
}


@pytest.mark.rule("R-CON-2")
@pytest.mark.parametrize("args, expected", END_OF_TERM_CASES.values(), ids=END_OF_TERM_CASES.keys())
def test_end_of_term(args, expected):
    start, minimum, notice, renewal, today = args
    assert end_of_term(start, minimum, notice, renewal, today) == expected


@pytest.mark.rule("R-CON-2")
def test_every_day_of_two_years_gets_the_first_term_end_the_notice_can_reach():
    # Start 31 July: every term ends on 30 July. Three calendar months are 89 to 92 days.
    start = D(2021, 7, 31)
    for offset in range(730):
        today = D(2024, 1, 1) + timedelta(days=offset)
        end = end_of_term(start, 12, 3, 12, today)
        assert (end.month, end.day) == (7, 30), (today, end)
        assert (end - today).days >= 89, (today, end)
        previous = end.replace(year=end.year - 1)
        assert previous < start or (previous - today).days <= 92, (today, end)


@pytest.mark.rule("R-CON-2")
def test_contract_without_start_date_has_no_end_of_term():
    assert end_of_term(None, 24, 3, 12, D(2024, 1, 1)) is None


@pytest.mark.rule("R-CON-2")
@pytest.mark.parametrize("minimum, notice, renewal", [(-1, 3, 12), (24, -1, 12), (24, 3, -1)])
def test_negative_term_lengths_are_refused(minimum, notice, renewal):
    with pytest.raises(ValueError):
        end_of_term(D(2024, 1, 1), minimum, notice, renewal, D(2024, 6, 1))


# (option start, option minimum months) -> first day a reduction is possible (R-WIZ-5)
REDUCTION_CASES = {
    "mid month": ((D(2024, 1, 15), 12), D(2025, 1, 15)),
    "first of month": ((D(2024, 3, 1), 1), D(2024, 4, 1)),
    "31 Jan, 1 month": ((D(2023, 1, 31), 1), D(2023, 3, 1)),
    "31 Jan, 1 month, leap": ((D(2024, 1, 31), 1), D(2024, 3, 1)),
    "29 Feb, 12 months": ((D(2024, 2, 29), 12), D(2025, 3, 1)),
    "31 Mar, 1 month": ((D(2024, 3, 31), 1), D(2024, 5, 1)),
    "no minimum term": ((D(2024, 6, 10), 0), D(2024, 6, 10)),
    "24 months over a year end": ((D(2023, 11, 20), 24), D(2025, 11, 20)),
}


@pytest.mark.rule("R-WIZ-5")
@pytest.mark.parametrize("args, expected", REDUCTION_CASES.values(), ids=REDUCTION_CASES.keys())
def test_earliest_reduction_date(args, expected):
    assert earliest_reduction_date(*args) == expected


@pytest.mark.rule("R-CON-2")
def test_add_months_is_relativedelta_month_arithmetic():
    """The hand-made month step gives what dateutil's relativedelta gives, clipping and leap years included."""
    from dateutil.relativedelta import relativedelta

    from app.services.contract_terms import add_months

    day = D(1999, 11, 25)
    while day < D(2102, 3, 10):
        for months in (-37, -13, -12, -3, -1, 0, 1, 2, 3, 11, 12, 24, 25, 120):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += timedelta(days=3 if day.day < 27 else 1)
