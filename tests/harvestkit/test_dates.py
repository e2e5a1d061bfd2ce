"""The one date module: every format a list, a feed, a URL or a detail page writes
a date in, read by the same parser (``harvestkit.dates``)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from harvestkit.dates import (
    DATE,
    date_in_url,
    feed_date,
    find_date,
    find_dates,
    find_month,
    parse_date,
    parse_hint,
    with_shown_time,
)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2013.08.15", datetime(2013, 8, 15)),
        ("2024年3月5日", datetime(2024, 3, 5)),
        ("2024-03-05 10:21", datetime(2024, 3, 5, 10, 21)),
        ("2024/03/05", datetime(2024, 3, 5)),
        ("2024-3-5 10:21:33", datetime(2024, 3, 5, 10, 21, 33)),
        ("发布时间：2024年03月05日 10时21分", datetime(2024, 3, 5, 10, 21)),
        ("2005年5月7日 星期六 21:23", datetime(2005, 5, 7, 21, 23)),
        ("2005年5月7日 下午9:23", datetime(2005, 5, 7, 21, 23)),
        ("2024-03-05T10:21:00+08:00", datetime.fromisoformat("2024-03-05T10:21:00+08:00")),
        ("2024年 3 月 5 日", datetime(2024, 3, 5)),
        ("2024．03．05", datetime(2024, 3, 5)),
        # meta tags of TRS/Ucap templates sometimes hold digits only
        ("20240305", datetime(2024, 3, 5)),
        ("20240305 1021", datetime(2024, 3, 5, 10, 21)),
    ],
)
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "无日期", "2024-13-05", "2024-02-30", "v1.2.3", "1850-01-01", "123456789",
                                  "20241305", "2099-01-01"])
def test_parse_date_rejects(text):
    assert parse_date(text) is None


def test_us_style_dates_from_asp_templates():
    assert parse_date("9/17/2004 5:54:13 AM") == datetime(2004, 9, 17, 5, 54, 13)
    assert parse_date("7/5/2005 9:23:57 PM") == datetime(2005, 7, 5, 21, 23, 57)
    assert parse_date("12/1/2020") == datetime(2020, 12, 1)


def test_find_dates_labels():
    dates = find_dates("发布时间：2024-03-05 来源：市政府 成文日期：2024-03-01")
    assert dates == [(datetime(2024, 3, 5), True)]  # 成文日期 is not a publication date
    assert find_dates("今天是2024年3月20日") == [(datetime(2024, 3, 20), False)]
    assert find_dates("日期:2013.08.15")[0][1] is True


def test_label_on_previous_line_and_posted_lines():
    assert find_dates("2022年01月28日", prev="发布日期：") == [(datetime(2022, 1, 28), True)]
    assert find_dates("2022年01月27日", prev="成文日期：") == []
    assert find_dates("本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表.") == [
        (datetime(2005, 8, 12, 16, 12, 21), True)]


def test_an_issued_day_is_a_date_but_not_a_labelled_publication():
    assert find_dates("发文日期：2024-03-10 发布日期：2024-03-15") == [
        (datetime(2024, 3, 10), False), (datetime(2024, 3, 15), True)]
    assert find_dates("2024年03月10日", prev="印发日期：") == [(datetime(2024, 3, 10), False)]


@pytest.mark.parametrize("line, expected", [
    ("本办法自2024年5月1日起施行。", []),
    ("请各单位于2024年3月31日前报送。", []),
    ("截至2024年3月31日，全市共受理申请120件。", []),
    ("从2024年6月1日起，全市实行新标准。", []),
    ("公示期为2024年3月1日至2024年3月15日。", [(datetime(2024, 3, 1), False)]),  # only the closing day goes
])
def test_days_that_open_or_close_a_period_are_not_publication_dates(line, expected):
    assert find_dates(line) == expected


def test_a_period_word_elsewhere_on_the_line_does_not_drop_the_date():
    assert find_dates("发布时间：2024-03-15 自动播放") == [(datetime(2024, 3, 15), True)]
    assert find_dates("发布日期：2024-03-15 起草单位：市住建局") == [(datetime(2024, 3, 15), True)]


def test_a_meta_day_takes_the_shown_time_of_the_same_day_only():
    day = datetime(2024, 3, 15)
    assert with_shown_time(day, datetime(2024, 3, 15, 9, 30)) == datetime(2024, 3, 15, 9, 30)
    assert with_shown_time(day, datetime(2024, 3, 16, 9, 30)) == day  # another day
    assert with_shown_time(day, datetime(2024, 3, 15)) == day and with_shown_time(day, None) == day
    timed = datetime(2024, 3, 15, 8, 0)
    assert with_shown_time(timed, datetime(2024, 3, 15, 9, 30)) == timed  # the meta tag's own time stays
    assert with_shown_time(None, datetime(2024, 3, 15, 9, 30)) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        # the strings listings have always stored and compared between runs
        ("2026-11-20", "2026-11-20"),
        ("[2026-11-20]", "2026-11-20"),
        ("2026年11月20日", "2026-11-20"),
        ("2026-11-20 10:21", "2026-11-20T10:21:00"),
        ("2026/11/20 10:21:33", "2026-11-20T10:21:33"),
        ("2026-11-20T10:21:00+08:00", "2026-11-20"),
        ("标题 2026.11.20", "2026-11-20"),
        ("1989-12-26", "1989-12-26"),  # a list of laws shows old documents
        ("第2026-99-01号", None),
        ("无", None),
        ("", None),
    ],
)
def test_find_date_keeps_the_listing_strings(text, expected):
    assert find_date(text) == expected


def test_the_group_free_pattern_embeds_twice():
    import re

    both_ends = re.compile(r"^\s*(?:" + DATE.pattern + r")|(?:" + DATE.pattern + r")\s*$")
    assert both_ends.sub("", "2026-11-20 关于开展植树活动的通知 2026-11-21").strip() == "关于开展植树活动的通知"


@pytest.mark.parametrize(
    "url, expected",
    [
        ("http://www.qz.gov.cn/art/2023/6/1/art_1229_123.html", datetime(2023, 6, 1)),
        ("https://www.gov.cn/zhengce/content/202306/content_6884.htm", None),
        ("https://www.mee.gov.cn/xxgk2018/xxgk/xxgk15/202306/t20230601_1032.html", datetime(2023, 6, 1)),
        ("http://www.example.gov.cn/xwzx/2023/06/01/12345.shtml", datetime(2023, 6, 1)),
        ("http://www.example.gov.cn/news/202306/01/c1234.html", datetime(2023, 6, 1)),
        ("http://www.example.gov.cn/news/20230601/1234.html", datetime(2023, 6, 1)),
        ("http://www.example.gov.cn/news/20231301/1234.html", None),
        ("http://finance.people.com.cn/n1/2024/0510/c1004-40232587.html", datetime(2024, 5, 10)),
        ("http://www.example.gov.cn/html/2024/1332/123.html", None),
        ("http://www.example.gov.cn/col/col1229/index.html", None),
        ("", None),
    ],
)
def test_date_in_url(url, expected):
    assert date_in_url(url) == expected


def test_find_month():
    assert find_month("——《北京之春》1998年3月号") == datetime(1998, 3, 1)
    assert find_month("2003年5月") == datetime(2003, 5, 1)
    assert find_month("2003年5月7日") is None
    assert find_month("没有月份") is None


def test_feed_dates_keep_their_offset():
    assert feed_date("Tue, 03 Jun 2008 11:05:30 GMT") == "2008-06-03T11:05:30+00:00"
    assert feed_date("2008-06-03T11:05:30+08:00") == "2008-06-03T11:05:30+08:00"
    assert feed_date("2008年6月3日") == "2008-06-03"
    assert feed_date("") is None and feed_date("soon") is None


def test_hints_are_local_unless_they_say_otherwise():
    shanghai = ZoneInfo("Asia/Shanghai")
    assert parse_hint("2026-11-20", "Asia/Shanghai") == datetime(2026, 11, 20, tzinfo=shanghai)
    utc = parse_hint("2026-11-20T02:00:00Z", "Asia/Shanghai")
    assert utc == datetime(2026, 11, 20, 2, tzinfo=timezone.utc)
    assert utc.utcoffset() == timedelta(hours=8)
    assert parse_hint("2026年11月20日 10:21", "Asia/Shanghai") == datetime(2026, 11, 20, 10, 21, tzinfo=shanghai)
