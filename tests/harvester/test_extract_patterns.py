"""Date, 来源 and title-suffix patterns."""
from datetime import datetime

import pytest

from harvester.extract.patterns import (
    clean_source,
    find_dates,
    find_source,
    is_info_line,
    parse_date,
    split_site_suffix,
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
        ("2024-03-05T10:21:00+08:00", datetime.fromisoformat("2024-03-05T10:21:00+08:00")),
        ("2024年 3 月 5 日", datetime(2024, 3, 5)),
    ],
)
def test_parse_date_formats(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["", "无日期", "2024-13-05", "2024-02-30", "v1.2.3", "1850-01-01", "123456789"])
def test_parse_date_rejects(text):
    assert parse_date(text) is None


def test_find_dates_labels():
    dates = find_dates("发布时间：2024-03-05 来源：市政府 成文日期：2024-03-01")
    assert dates == [(datetime(2024, 3, 5), True)]  # 成文日期 is not a publication date
    assert find_dates("今天是2024年3月20日") == [(datetime(2024, 3, 20), False)]
    assert find_dates("日期:2013.08.15")[0][1] is True


@pytest.mark.parametrize(
    "line, source",
    [
        ("发布时间：2024-03-05 来源：衢州市人民政府办公室 作者：张三", "衢州市人民政府办公室"),
        ("信息来源:区林业局  浏览次数：88", "区林业局"),
        ("文章来源： 新华社\u00a0\u00a0编辑：李四", "新华社"),
        ("来源：【市委宣传部】 【字号：大 中 小】", "市委宣传部"),
        ("没有来源的一行", ""),
    ],
)
def test_find_source(line, source):
    assert find_source(line) == source


def test_clean_source_trims_tail():
    assert clean_source("人民日报 点击数：100") == "人民日报"


def test_info_lines():
    assert is_info_line("发布时间：2024-03-05 10:21 浏览次数：12")
    assert is_info_line("【打印本页】【关闭窗口】")
    assert not is_info_line("为深入贯彻落实全民义务植树活动要求，区林业局决定组织开展春季植树活动。")


@pytest.mark.parametrize(
    "title, expected",
    [
        ("关于印发某某办法的通知_衢州市人民政府", "关于印发某某办法的通知"),
        ("关于开展植树活动的通知 - 柯城区人民政府网", "关于开展植树活动的通知"),
        ("关于开展植树活动的通知 | 柯城区 | 衢州", "关于开展植树活动的通知"),
        ("没有后缀的标题", "没有后缀的标题"),
        ("", ""),
    ],
)
def test_split_site_suffix(title, expected):
    assert split_site_suffix(title) == expected


def test_us_style_dates_from_asp_templates():
    assert parse_date("9/17/2004 5:54:13 AM") == datetime(2004, 9, 17, 5, 54, 13)
    assert parse_date("7/5/2005 9:23:57 PM") == datetime(2005, 7, 5, 21, 23, 57)
    assert parse_date("12/1/2020") == datetime(2020, 12, 1)


def test_label_on_previous_line_and_posted_lines():
    assert find_dates("2022年01月28日", prev="发布日期：") == [(datetime(2022, 1, 28), True)]
    assert find_dates("2022年01月27日", prev="成文日期：") == []
    assert find_dates("本贴由大卫于2005年8月12日16:12:21在〖心灵体操〗发表.") == [
        (datetime(2005, 8, 12, 16, 12, 21), True)]
