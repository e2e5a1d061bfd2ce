"""Working days (工作日) in the People's Republic of China, for 办理时限.

The State Council publishes each year's holidays and the weekends worked in exchange
(调休) every November; the maintained ``chinesecalendar`` package carries them, so no
list is written here.  A year the installed package does not know yet (upgrade it
each December) counts Monday to Friday, and :func:`covered` says so, so the hub can
warn that a deadline in that year may move.
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def covered(day: date) -> bool:
    """Whether the installed calendar knows ``day``'s year (else weekdays stand in)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself does not count)."""
    day, left = start, count
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days in ``(start, end]``: 0 for the same day, 1 for the next working day.
    Negative when ``end`` comes first."""
    if end < start:
        return -workdays_between(end, start)
    return sum(1 for n in range(1, (end - start).days + 1) if is_workday(start + timedelta(days=n)))
