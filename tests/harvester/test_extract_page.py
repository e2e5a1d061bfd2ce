"""extract_page end to end on hand-written fixture pages."""
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from harvester.extract import Extracted, decode_body, extract_page

FIX = Path(__file__).parent / "fixtures" / "extract"
SH = ZoneInfo("Asia/Shanghai")


def _page(name, url="https://www.qz.gov.cn/art/2024/3/5/art_1_1.html", **kw):
    return extract_page((FIX / name).read_text("utf-8"), url, **kw)


def test_meta_tags_win():
    r = _page("meta_page.html")
    assert r.title == "衢州市人民政府办公室关于印发某某管理办法的通知"
    assert r.published_at == datetime(2024, 3, 5, 10, 21, tzinfo=SH)
    assert r.source == "市政府办公室"
    assert r.column_name == "政策文件"
    assert r.site_name == "衢州市人民政府"
    assert r.url == "https://www.qz.gov.cn/art/2024/3/5/art_1_1.html"
    assert [(a.url, a.name) for a in r.attachments] == [
        ("https://www.qz.gov.cn/art/2024/3/5/files/P020240305.pdf", "某某管理办法.pdf")]
    assert r.body_text.startswith("各县（市、区）人民政府，市政府各部门：")
    assert "版权所有" not in r.body_text


def test_info_bar_page():
    r = _page("infobar_page.html", url="http://www.kecheng.gov.cn/art/2024/3/12/a.html")
    assert r.title == "关于开展2024年春季植树活动的通知"
    assert r.published_at == datetime(2024, 3, 12, tzinfo=SH)  # not the header's "today", not the body dates
    assert r.source == "区林业局"
    assert r.column_name == "" and r.site_name == ""
    assert r.body_text.splitlines()[0].startswith("为深入贯彻落实全民义务植树活动要求")
    for junk in ("发布时间", "分享到", "打印本页", "浏览次数", "Copyright", "相关链接"):
        assert junk not in r.body_text, junk
    assert [(i.url, i.name) for i in r.images] == [("http://www.kecheng.gov.cn/images/tree.jpg", "植树现场")]


def test_gov_table_page():
    r = _page("govtable_page.html", url="https://www.qz.gov.cn/art/2008/5/15/art_1.html")
    assert r.meta["document_number"] == "衢政办发〔2008〕12号"
    assert r.meta["written_date"] == "2008-05-12"
    assert r.published_at == datetime(2008, 5, 15, tzinfo=SH)
    assert len(r.attachments) == 3
    assert r.attachments[1].url == "https://www.qz.gov.cn/art/2008/5/download.jsp?filename=table.xls&id=3"


def test_hostile_html_is_sanitized():
    r = _page("hostile_page.html", url="https://a.gov.cn/x/y.html")
    assert r.title == "测试页面标题"
    h = r.body_html.lower()
    for bad in ("<script", "alert", "onclick", "onerror", "onmouseover", "onload", "javascript:", "<iframe",
                "<form", "<object", "style=", "data:text", "injected", "steal", "evil"):
        assert bad not in h, bad
    assert "这是一段正常的正文内容" in r.body_text
    assert 'href="https://a.gov.cn/ok/page.html"' in r.body_html
    assert 'rel="noopener noreferrer"' in r.body_html


def test_gbk_bytes_with_lying_header_end_to_end():
    html = (FIX / "infobar_page.html").read_text("utf-8").replace("charset=utf-8", "charset=gb2312")
    html = html.replace("区林业局决定", "朱镕基同志曾说，区林业局决定")
    text, _enc = decode_body(html.encode("gbk"), "text/html; charset=utf-8")
    r = extract_page(text, "http://www.kecheng.gov.cn/a.html")
    assert "朱镕基" in r.body_text
    assert r.source == "区林业局"


def test_timezone_parameter():
    r = _page("meta_page.html", tz="UTC")
    assert r.published_at.utcoffset().total_seconds() == 0
    assert r.published_at.hour == 10  # naive page time is local to the given tz


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   ",
        "\x00\x01\x02garbage\xff\xfe",
        "<html><body><div><p>未闭合<table><tr><td>格<div></span></b></html>",
        "<?xml version='1.0' encoding='gb2312'?><html><body>正文</body></html>",
        "".join(chr(i) for i in range(1, 0x3000, 7)),
        "<a href='http://[::1'>bad</a><img src='http://[x'>",
    ],
)
def test_hostile_inputs_never_raise(html):
    r = extract_page(html, "https://a.gov.cn/")
    assert isinstance(r, Extracted)
    assert r.url == "https://a.gov.cn/"


def test_huge_nested_divs_are_fast():
    html = "<div>" * 200_000 + "文字" * 1000 + "</div>" * 200_000  # ~2.4 MB
    html += "<p>x</p>" * 100_000  # ~0.8 MB more of flat markup
    t0 = time.perf_counter()
    r = extract_page(html, "https://a.gov.cn/")
    assert isinstance(r, Extracted)
    assert time.perf_counter() - t0 < 20


def test_binary_junk_bytes():
    junk = bytes((i * 37 + 11) % 256 for i in range(200_000))
    text, _ = decode_body(junk)
    r = extract_page(text, "https://a.gov.cn/")
    assert isinstance(r, Extracted)


def test_five_megabytes_of_flat_markup_is_bounded():
    html = "<table>" + "<tr><td><a href=x>链接</a><p>正文内容，测试。</p></td></tr>" * 100_000 + "</table>"
    t0 = time.perf_counter()
    assert isinstance(extract_page(html, "https://a.gov.cn/"), Extracted)
    assert time.perf_counter() - t0 < 15


def test_a_page_that_names_only_a_month_is_dated_the_first_of_it():
    html = ("<html><head><title>论权力与暴力</title></head><body><h1>论权力与暴力</h1><div class='content'>"
            + "<p>正文段落，讨论权力与暴力的区别，以及合法性从何而来的问题。</p>" * 8
            + "<p>——《北京之春》1998年3月号</p></div><p>版权所有 2005年1月</p></body></html>")
    page = extract_page(html, "http://example.gov.cn/a.html")
    assert page.published_at.isoformat() == "1998-03-01T00:00:00+08:00"


def test_underscore_inside_a_title_is_kept_when_the_heading_shows_it_whole():
    from harvester.extract.page import extract_page

    for title in ("关于印发数据_标准的通知文件", "关于A__B的专项通知公告"):
        html = (f"<html><head><meta charset=utf-8><title>{title}</title><meta name='ArticleTitle' content='{title}'>"
                f"</head><body><h1>{title}</h1><div id=zoom><p>{'正文内容。' * 20}</p></div></body></html>")
        assert extract_page(html, "http://x.gov.cn/a.html").title == title
    site_suffixed = ("<html><head><title>通知标题_衢州市人民政府</title><meta name='ArticleTitle' "
                     "content='通知标题_衢州市人民政府'></head><body><h1>通知标题</h1><p>正文</p></body></html>")
    assert extract_page(site_suffixed, "http://x.gov.cn/a.html").title == "通知标题"


def test_text_after_an_embed_is_kept():
    from harvester.extract.page import extract_page

    html = ("<html><head><meta charset=utf-8><title>视频新闻</title></head><body><h1>视频新闻</h1><div id=zoom>"
            f"<p>{'嵌入之前的正文。' * 10}</p><embed src='v.swf'><p>{'嵌入之后的正文段落仍然保留。' * 5}</p></div></body></html>")
    page = extract_page(html, "http://x.gov.cn/a.html")
    assert "嵌入之后的正文段落仍然保留" in page.body_text and "<embed" not in page.body_html
