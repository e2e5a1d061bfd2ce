"""来源, info-line and title-suffix patterns (dates: tests/harvestkit/test_dates.py)."""
import pytest

from harvester.extract.patterns import (
    clean_source,
    find_source,
    is_info_line,
    settle_source,
    split_site_suffix,
    strip_site_name,
    title_before_site_name,
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


@pytest.mark.parametrize(
    "value, source",
    [
        ("来源：新华日报", "新华日报"),  # a meta tag that repeats the label (xhby.net, people.com.cn)
        ("信息来源: 区林业局", "区林业局"),
        ("光明网-《光明日报》", "光明网-《光明日报》"),  # title marks that belong to the name stay
        ("市政府办公室（市政务公开办）", "市政府办公室（市政务公开办）"),
        ("【市委宣传部】", "市委宣传部"),
        ("（新华社）", "新华社"),
        ("《人民日报》（2024年05月10日 04 版）", "人民日报"),
        ("人民网 ]\ue5c2  ", "人民网"),  # "来源：[ 人民网 ]" and a font glyph (a GBK-era sohu page)
        ("第一财经日报 网友评论 0 条", "第一财经日报"),
    ],
)
def test_clean_source_keeps_the_whole_name(value, source):
    assert clean_source(value) == source


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
        # a site name is appended with one kind of separator: the dashes before it stay
        ("为现代化建设凝聚强大力量——热烈祝贺市政协会议开幕_某某市人民政府网", "为现代化建设凝聚强大力量——热烈祝贺市政协会议开幕"),
        ("开展“联合利剑—2024A”演习_某某网", "开展“联合利剑—2024A”演习"),
        ("某某市2023—2025年行动计划", "某某市2023—2025年行动计划"),  # a range, not a separator
        ("四年前中500万现穷困潦倒__商贸_产业资讯_新浪网", "四年前中500万现穷困潦倒"),
        ("没有后缀的标题", "没有后缀的标题"),
        ("", ""),
    ],
)
def test_split_site_suffix(title, expected):
    assert split_site_suffix(title) == expected


@pytest.mark.parametrize(
    "title, site_names, expected",
    [
        ("全县安全生产工作座谈会召开-某某县融媒体中心网站", (), "全县安全生产工作座谈会召开"),
        ("全县安全生产工作座谈会召开－某某网", (), "全县安全生产工作座谈会召开"),  # the full-width hyphen
        ("全县安全生产工作座谈会召开-某某县融媒体中心", (), "全县安全生产工作座谈会召开"),
        ("东部战区开展“联合利剑－2024A”演习", (), "东部战区开展“联合利剑－2024A”演习"),
        ("关于印发某某办法的通知_某某市人民政府门户网站", (), "关于印发某某办法的通知"),
        ("关于开展植树活动的通知|人民网", (), "关于开展植树活动的通知"),
        ("关于开展植树活动的通知 - 某某日报", (), "关于开展植树活动的通知"),
        ("市政府召开常务会议|某某", ("某某",), "市政府召开常务会议"),  # the page's SiteName
        ("市政府召开常务会议_要闻_某某市人民政府", (), "市政府召开常务会议_要闻"),  # a column is not a site name
        ("中国-东盟博览会开幕", (), "中国-东盟博览会开幕"),
        ("2023-2024学年校历", (), "2023-2024学年校历"),
        ("凝心聚力谋发展——全县经济工作会议侧记", (), "凝心聚力谋发展——全县经济工作会议侧记"),
        ("G20-新华网", (), "G20-新华网"),  # never below four characters
        ("关于《某某网》的通知-某某网", (), "关于《某某网》的通知"),
    ],
)
def test_strip_site_name(title, site_names, expected):
    assert strip_site_name(title, site_names) == expected


def test_title_element_settles_the_title_tag():
    assert title_before_site_name("全县安全生产工作座谈会召开-某某县融媒体中心网站", "全县安全生产工作座谈会召开")
    assert title_before_site_name("市政府召开常务会议 | 某某", "市政府召开常务会议")
    assert title_before_site_name("市政府召开常务会议_要闻_某某市人民政府", "市政府召开常务会议")
    assert not title_before_site_name("市政府召开常务会议", "市政府召开常务会议")
    assert not title_before_site_name("关于XX-YY工作的补充说明", "关于XX")  # a cut heading, not a suffix
    # a CMS's own title tag: a subtitle after a dash stays
    assert not title_before_site_name("凝心聚力谋发展——全县经济工作会议侧记", "凝心聚力谋发展", strict=True)
    assert title_before_site_name("市政府召开常务会议|某某", "市政府召开常务会议", strict=True)


@pytest.mark.parametrize(
    "meta, shown, expected",
    [
        ("浙江", "国家金融监督管理总局浙江监管局", "国家金融监督管理总局浙江监管局"),
        ("浙江", "浙江监管局", "浙江监管局"),
        ("市政府办公室", "市政府办公室", "市政府办公室"),
        ("新华社", "某某县融媒体中心", "新华社"),  # the meta tag leads
        ("", "区林业局", "区林业局"),
        ("人民日报 点击数：100", "", "人民日报"),
        ("", "", ""),
    ],
)
def test_settle_source(meta, shown, expected):
    assert settle_source(meta, shown) == expected
