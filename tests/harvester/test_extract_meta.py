"""Government <meta> tags."""
from harvester.extract.dom import parse_html
from harvester.extract.meta import read_meta


def test_gov_meta_tags_case_insensitive():
    root = parse_html(
        '<html><head><META NAME="articletitle" CONTENT="标题甲"><meta name="PUBDATE" content="2024-03-05 10:21">'
        '<meta name="ContentSource" content=" 市政府 "><meta name="columnname" content="通知公告">'
        '<meta name="SiteName" content="某市政府"><meta name="Url" content="https://a.gov.cn/x.html">'
        "<title>标题甲_某市政府</title></head><body></body></html>"
    )
    m = read_meta(root)
    assert (m.title, m.date, m.source, m.column_name, m.site_name, m.url) == (
        "标题甲", "2024-03-05 10:21", "市政府", "通知公告", "某市政府", "https://a.gov.cn/x.html")
    assert m.html_title == "标题甲_某市政府"


def test_alternate_meta_names():
    root = parse_html(
        '<head><meta property="og:title" content="OG 标题"><meta property="article:published_time" '
        'content="2024-03-05T10:21:00+08:00"><meta name="firstpublishedtime" content="2024-01-01"></head>'
    )
    m = read_meta(root)
    assert m.title == "OG 标题"
    assert m.date == "2024-01-01" or m.date.startswith("2024-03-05")


def test_empty_meta_is_ignored():
    m = read_meta(parse_html('<meta name="ContentSource" content=""><meta name="source" content="新华社">'))
    assert m.source == "新华社"
    assert read_meta(None).title == ""


def test_publication_dates_under_other_names():
    for tag in ('<meta itemprop="datePublished" content="2023-06-01T10:20:00+08:00">',
                '<meta name="releaseDate" content="2023-06-01 10:20">',
                '<meta name="pub_date" content="2023年6月1日">'):
        assert read_meta(parse_html(f"<head>{tag}</head>")).date.startswith("2023")


def test_markup_inside_a_meta_title_goes():
    # bynr.gov.cn fills ArticleTitle from a rich-text title (../shared/corpus CWCE 500b350d)
    root = parse_html('<html><head><meta name="ArticleTitle" content="凝聚强大力量<div>——热烈祝贺会议开幕</div>">'
                      '</head><body></body></html>')
    assert read_meta(root).title == "凝聚强大力量——热烈祝贺会议开幕"


def test_a_meta_title_whose_markup_the_page_title_shows_is_kept_as_written():
    # The same characters in <title> (escaped in the source, text once parsed): they are the
    # title's text, stored as written and rendered inert (tests/security/test_xss_rendered.py)
    title = '关于"&gt;&lt;img src=x onerror=alert(2)&gt;的通知'
    root = parse_html(f"<html><head><title>{title}</title><meta name='ArticleTitle' content='{title}'></head></html>")
    assert read_meta(root).title == '关于"><img src=x onerror=alert(2)>的通知'
    # the <title> shows another text: the value's markup is a leak and goes
    root = parse_html("<html><head><title>凝聚强大力量——热烈祝贺会议开幕_某某市人民政府网</title>"
                      "<meta name='ArticleTitle' content='凝聚强大力量&lt;div&gt;——热烈祝贺会议开幕'></head></html>")
    assert read_meta(root).title == "凝聚强大力量——热烈祝贺会议开幕"
