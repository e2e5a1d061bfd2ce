"""来源, info-line and title-suffix patterns (dates: tests/harvestkit/test_dates.py)."""
import pytest

from harvester.extract.patterns import (
    clean_source,
    find_source,
    is_info_line,
    split_site_suffix,
)


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
