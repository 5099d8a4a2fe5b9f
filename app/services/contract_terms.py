"""Contract term arithmetic (R-CON-2): the computed end of term.

A contract starts on `start`, runs for `minimum_term_months`, then renews by
`renewal_period_months` at a time unless terminated with `notice_period_months`
notice before a term ends. The end of term shown to the customer is the
earliest date on which the contract can end if notice is given today.
With no renewal period (0) the contract runs on after the minimum term and
can end any day once the notice period has passed.
"""
from __future__ import annotations

from datetime import date, timedelta

_DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` (negative: back), clipped to the target month's last day.

    What `day + dateutil.relativedelta(months=months)` gives (31 Jan + 1 month = 28/29 Feb),
    done by hand: the start page works this out for every running contract of a customer,
    and relativedelta costs about ten times as much (issue 20, P10).
    """
    index = day.year * 12 + day.month - 1 + months
    year, month0 = divmod(index, 12)
    last = _DAYS_IN_MONTH[month0]
    if month0 == 1 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        last = 29
    return day.replace(year=year, month=month0 + 1, day=min(day.day, last))


def term_end(start: date, months: int) -> date:
    """Last day of a term of `months` starting on `start` (start 15 Jan, 1 month → 14 Feb).

    §§ 187(2), 188(2)/(3) BGB: when the last month has no day matching the
    start day (start 31 Jan, 1 month), the term ends on that month's last day.
    """
    corresponding = add_months(start, months)
    if corresponding.day != start.day:
        return corresponding  # add_months already moved it to the month's last day
    return corresponding - timedelta(days=1)


def end_of_term(
    start: date | None,
    minimum_term_months: int,
    notice_period_months: int,
    renewal_period_months: int,
    today: date,
) -> date | None:
    """Earliest possible end date of the contract when notice is given on `today`.

    Returns None for a contract that has not started yet (no start date).
    """
    if start is None:
        return None
    if minimum_term_months < 0 or notice_period_months < 0 or renewal_period_months < 0:
        raise ValueError("term lengths must not be negative")
    notice_reaches = add_months(today, notice_period_months)
    end = term_end(start, minimum_term_months)
    if end >= notice_reaches:
        return end
    if renewal_period_months == 0:
        # Runs on indefinitely: ends as soon as the notice period has passed.
        return notice_reaches
    # Jump close to the answer instead of looping term by term from the start.
    months_needed = (notice_reaches.year - end.year) * 12 + (notice_reaches.month - end.month)
    periods = max(0, months_needed // renewal_period_months - 1)
    while True:
        end = term_end(start, minimum_term_months + periods * renewal_period_months)
        if end >= notice_reaches:
            return end
        periods += 1


def earliest_reduction_date(option_start: date, minimum_term_months: int) -> date:
    """R-WIZ-5: first day on which a booked option may be reduced or cancelled."""
    return term_end(option_start, minimum_term_months) + timedelta(days=1)


def minimum_term_end(start: date | None, minimum_term_months: int) -> date | None:
    """Last day of the minimum term (None before the contract has started)."""
    if start is None:
        return None
    return term_end(start, minimum_term_months)


def notice_deadline(
    start: date | None,
    minimum_term_months: int,
    notice_period_months: int,
    renewal_period_months: int,
    today: date,
) -> tuple[date, date] | None:
    """(last day to give notice, the end it reaches) for the earliest end reachable from `today`.

    None when there is no such deadline: the contract has not started, or it runs on
    without renewal periods and can be ended any day once notice is given.
    """
    end = end_of_term(start, minimum_term_months, notice_period_months, renewal_period_months, today)
    if end is None:
        return None
    notice = notice_period_months
    if renewal_period_months == 0 and term_end(start, minimum_term_months) < add_months(today, notice):
        return None
    deadline = add_months(end, -notice)
    # Month arithmetic clips to a month's last day (31 Jan + 3 months = 30 Apr), so the last
    # day whose notice still reaches `end` may lie a few days either side of `end - notice`.
    while add_months(deadline, notice) > end:
        deadline -= timedelta(days=1)
    while add_months(deadline + timedelta(days=1), notice) <= end:
        deadline += timedelta(days=1)
    return deadline, end


def option_reduction_date(option) -> date:
    """R-WIZ-5: the first day a booked option (`ContractOption`) may be reduced or cancelled.

    The one answer for the wizard's refusal and the contract page: the option's own
    start and minimum term, as booked.
    """
    return earliest_reduction_date(option.start_date, option.minimum_term_months)
