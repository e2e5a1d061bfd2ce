"""办理时限 in working days on the State Council's schedule (chinesecalendar): the 2026
Spring Festival with its 调休 Saturdays, National Day with its worked Saturday, and a
year the calendar does not know yet."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from harvester.registry import InteractionPolicy
from hub.db import new_session
from interaction import calendar, service
from interaction.models import Letter
from interaction.stats import letter_stats
from storage.models import User

TZ = "Asia/Shanghai"
CST = timezone(timedelta(hours=8))


@pytest.mark.parametrize("start,count,due", [
    (date(2026, 2, 13), 5, date(2026, 2, 27)),  # Fri; Sat 2/14 is worked (调休); 2/15-2/23 off
    (date(2026, 2, 12), 1, date(2026, 2, 13)),
    (date(2026, 2, 13), 1, date(2026, 2, 14)),  # the 调休 Saturday counts
    (date(2026, 2, 14), 1, date(2026, 2, 24)),  # nine days of Spring Festival in between
    (date(2026, 9, 30), 5, date(2026, 10, 13)),  # 10/1-10/7 off, Sat 10/10 worked, Sun 10/11 off
    (date(2026, 9, 24), 1, date(2026, 9, 28)),  # Mid-Autumn 9/25-9/27
    (date(2026, 11, 27), 5, date(2026, 12, 4)),  # an ordinary week
])
def test_add_workdays_follows_the_holiday_schedule(start, count, due):
    assert calendar.add_workdays(start, count) == due
    assert calendar.workdays_between(start, due) == count


def test_workdays_and_weekends():
    assert calendar.is_workday(date(2026, 2, 14)) and calendar.is_workday(date(2026, 2, 28))  # Saturdays worked
    assert not calendar.is_workday(date(2026, 2, 16)) and not calendar.is_workday(date(2026, 10, 5))  # Mondays off
    assert calendar.is_workday(date(2026, 10, 10)) and not calendar.is_workday(date(2026, 10, 11))
    assert calendar.workdays_between(date(2026, 2, 13), date(2026, 2, 13)) == 0
    assert calendar.workdays_between(date(2026, 2, 27), date(2026, 2, 13)) == -5


def test_a_year_the_calendar_does_not_know_counts_weekdays_and_says_so():
    assert calendar.covered(date(2026, 12, 31)) and not calendar.covered(date(2099, 1, 5))
    assert calendar.add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)  # Fri → Mon


@pytest.fixture
def letter_app(app):
    with new_session(app) as s:
        user = s.query(User).filter_by(username="editor").one()
        reporter = s.query(User).filter_by(username="reporter").one()
        s.expunge_all()
    return app, user, reporter


def _letter(s, **values) -> Letter:
    letter, _code = service.receive(s, service.LetterForm(title="咨询", body="正文", phone="0570-3012345", **values))
    return letter


def test_dispatch_over_spring_festival_and_one_extension(letter_app):
    app, editor, reporter = letter_app
    policy = InteractionPolicy()
    with new_session(app) as s:
        letter = _letter(s)
        service.dispatch(s, letter, editor, "kecheng", policy, TZ, now=datetime(2026, 2, 13, 9, 0, tzinfo=CST))
        assert letter.due_on == date(2026, 2, 27)
        with pytest.raises(service.LetterError, match="最多可延期 10 个工作日"):
            service.reply(s, letter, reporter, "阶段性答复", policy, TZ, extend_days=11, reason="需现场勘查")
        with pytest.raises(service.LetterError, match="理由"):
            service.reply(s, letter, reporter, "阶段性答复", policy, TZ, extend_days=3, reason=" ")
        service.reply(s, letter, reporter, "正在现场勘查。", policy, TZ, extend_days=10, reason="需现场勘查")
        assert letter.due_on == date(2026, 3, 12)  # Sat 2/28 is worked (调休)
        assert letter.status == "dispatched" and letter.extended_days == 10
        with pytest.raises(service.LetterConflict, match="已延期过一次"):
            service.reply(s, letter, reporter, "再延", policy, TZ, extend_days=1, reason="再延")
        service.reply(s, letter, reporter, "已办结。", policy, TZ, now=datetime(2026, 3, 12, 17, 0, tzinfo=CST))
        assert service.on_time(letter, TZ) is True
        s.commit()


def test_stats_per_unit_and_period(letter_app):
    app, editor, reporter = letter_app
    policy = InteractionPolicy(reply_within=5, max_days=15)
    dispatched = datetime(2026, 9, 30, 10, 0, tzinfo=CST)  # due 2026-10-13
    with new_session(app) as s:
        on_time, late, open_, other = (_letter(s) for _ in range(4))
        for letter in (on_time, late, open_):
            service.dispatch(s, letter, editor, "kecheng", policy, TZ, now=dispatched)
        service.dispatch(s, other, editor, "jiangshan", policy, TZ, now=dispatched + timedelta(days=40))
        service.reply(s, on_time, reporter, "答复", policy, TZ, now=datetime(2026, 10, 9, 9, 0, tzinfo=CST))
        service.reply(s, late, reporter, "答复", policy, TZ, now=datetime(2026, 10, 15, 9, 0, tzinfo=CST))
        s.commit()
        rows = letter_stats(s, start=date(2026, 9, 1), end=date(2026, 9, 30), today=date(2026, 10, 20), tz=TZ)
    assert set(rows) == {"kecheng"}  # jiangshan's letter was dispatched in November
    k = rows["kecheng"]
    # on_time: 2 working days (10/8, 10/9); late: 10/8,9,10,12,13,14,15 = 7
    assert (k.received, k.replied, k.on_time, k.overdue, k.mean_days) == (3, 2, 1, 2, 4.5)
    assert k.as_dict()["on_time_rate"] == round(1 / 3, 4)
