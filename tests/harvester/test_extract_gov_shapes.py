"""Held-out kinds of miss on government pages, on fixtures shaped like real sites
(each fixture says which): a site name left after the title, a 来源 cut down to a
province, a date only in the URL, and a meta date in digits only; and the learned
site template reading them the same way."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from harvester.extract import extract_page
from harvester.extract.template import TemplateBook, char_f1

FIX = Path(__file__).parent / "fixtures" / "extract"
SH = ZoneInfo("Asia/Shanghai")


def _page(name: str, url: str):
    return extract_page((FIX / name).read_text("utf-8"), url)


def test_a_contentsource_cut_to_the_province_yields_to_the_offices_full_name():
    r = _page("regulator_branch_page.html", "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212099")
    assert r.source == "国家金融监督管理总局浙江监管局"  # ContentSource says only "浙江"
    assert r.title == "国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕99号）"
    assert r.published_at == datetime(2025, 6, 3, 11, 18, tzinfo=SH)  # the meta tag keeps its time


def test_a_meta_source_the_page_does_not_extend_still_leads():
    html = (FIX / "regulator_branch_page.html").read_text("utf-8").replace(
        "来源：国家金融监督管理总局浙江监管局", "来源：国家金融监督管理总局")
    assert extract_page(html, "https://www.nfra.gov.cn/x").source == "浙江"


def test_a_bare_hyphen_site_name_after_the_title_goes():
    r = _page("county_news_hyphen_suffix.html", "http://www.example.gov.cn/xwzx/bdxw/202306/c1234.html")
    assert r.title == "全县安全生产工作座谈会召开"
    assert r.published_at == datetime(2023, 6, 1, 10, 20, tzinfo=SH)
    assert r.source == "某某县融媒体中心"
    assert r.body_text.startswith("6月1日上午") and "分享到" not in r.body_text


def test_without_a_title_element_a_tail_that_names_the_site_goes():
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8").replace(
        '<div class="detail-tit">全县安全生产工作座谈会召开</div>', "")
    assert extract_page(html, "http://www.example.gov.cn/a.html").title == "全县安全生产工作座谈会召开"


def test_a_portal_suffix_goes_and_a_script_written_date_is_read_from_the_url():
    r = _page("xxgk_script_date_page.html", "http://www.example.gov.cn/zwgk/zcwj/202306/t20230601_4567.html")
    assert r.title == "关于做好2023年度城乡居民医疗保险参保缴费工作的通知"
    assert r.published_at == datetime(2023, 6, 1, tzinfo=SH)
    assert r.body_text.startswith("各县（市、区）医疗保障局")


def test_a_short_place_name_after_a_bar_goes_when_the_h1_shows_the_title_alone():
    r = _page("pipe_suffix_og_page.html", "https://news.example.cn/news/1234.html")
    assert r.title == "市政府召开第十二次常务会议"
    assert r.published_at == datetime(2023, 6, 1, tzinfo=SH)  # PubDate "20230601"
    assert r.source == "市政府办公室"


def test_a_subtitle_after_a_dash_stays_in_the_cms_title():
    html = ("<html><head><meta name='ArticleTitle' content='凝心聚力谋发展——全县经济工作会议侧记'>"
            "<meta name='PubDate' content='2023-06-01'><title>全县经济工作会议侧记</title></head><body>"
            "<h1>凝心聚力谋发展</h1><h2>全县经济工作会议侧记</h2><div class='content'>"
            + "<p>全县经济工作会议召开，会议总结了上半年经济运行情况，部署了下半年重点任务。</p>" * 3
            + "</div></body></html>")
    assert extract_page(html, "http://www.example.gov.cn/a.html").title == "凝心聚力谋发展——全县经济工作会议侧记"


# -- the learned template carries the same fixes ------------------------------------------
def _county_page(k: int) -> str:
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8")
    return (html.replace("全县安全生产工作座谈会召开", f"全县第{k}次安全生产工作座谈会召开")
            .replace("2023-06-01 10:20", f"2023-06-{k:02d} 10:20")
            .replace("会议通报了近期", f"会议第{k}次通报了近期"))


def _regulator_page(k: int) -> str:
    html = (FIX / "regulator_branch_page.html").read_text("utf-8")
    return (html.replace("99号", f"{k}号").replace("2025-06-03", f"2025-06-{k:02d}")
            .replace("罚款四十二万元", f"罚款{k}万元"))


def test_the_template_title_element_settles_the_site_name():
    book = TemplateBook()
    ways = []
    for k in range(1, 21):
        html, url = _county_page(k), f"http://www.example.gov.cn/xwzx/bdxw/202306/c{k}.html"
        page, report = book.extract("county", html, url, "Asia/Shanghai")
        ways.append(report["way"])
        if "learned" in report:
            learned = report["learned"]
        full = extract_page(html, url)
        assert page.title == full.title == f"全县第{k}次安全生产工作座谈会召开"
        assert page.published_at == full.published_at == datetime(2023, 6, k, 10, 20, tzinfo=SH)
        assert page.source == "某某县融媒体中心"
        assert char_f1(page.body_text, full.body_text) >= 0.99
    assert learned["title"] == '//div[@class="detail-tit"]'
    assert ways.count("template") >= 15 and "miss" not in ways


def test_the_template_keeps_the_whole_office_name_over_a_cut_contentsource():
    book = TemplateBook()
    ways = []
    for k in range(1, 13):
        html, url = _regulator_page(k), f"https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId={k}"
        page, report = book.extract("nfra-zj", html, url, "Asia/Shanghai")
        ways.append(report["way"])
        assert page.source == "国家金融监督管理总局浙江监管局"
        assert page.title == f"国家金融监督管理总局浙江监管局行政处罚信息公开表（浙金罚决字〔2024〕{k}号）"
    assert "template" in ways


# -- the publication day among the other days of a disclosure page -------------------------
_XXGK_URL = "http://www.example.gov.cn/zwgk/gfxwj/content_7788.html"


def test_the_published_day_outranks_the_issued_day_and_the_body_s_days():
    r = _page("xxgk_issued_and_published.html", _XXGK_URL)
    assert r.published_at == datetime(2024, 3, 15, tzinfo=SH)  # 发布日期, not 发文日期 2024-03-10
    assert r.meta["written_date"] == "2024-03-10"  # the issued day is kept where it belongs
    assert r.title == "某某市人民政府办公室关于印发某某市公共租赁住房管理办法的通知"


def test_an_issued_day_alone_still_dates_the_page():
    html = (FIX / "xxgk_issued_and_published.html").read_text("utf-8").replace(
        '<td class="t1">发布日期：</td><td>2024-03-15</td>', "").replace(
        '<p style="text-align:right">2024年3月12日</p>', "")
    assert extract_page(html, _XXGK_URL).published_at == datetime(2024, 3, 10, tzinfo=SH)


def test_without_the_table_the_signature_dates_the_page_not_the_day_it_takes_effect():
    html = (FIX / "xxgk_issued_and_published.html").read_text("utf-8")
    start, end = html.index('<table class="xxgk_table">'), html.index("</table>") + len("</table>")
    r = extract_page(html[:start] + html[end:], _XXGK_URL)
    assert r.published_at == datetime(2024, 3, 12, tzinfo=SH)  # not 2024-05-01 (自…起施行)


def test_a_meta_day_takes_the_time_the_info_bar_shows():
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8").replace(
        "<title>", '<meta name="PubDate" content="2023-06-01"><title>')
    url = "http://www.example.gov.cn/xwzx/bdxw/202306/c1234.html"
    assert extract_page(html, url).published_at == datetime(2023, 6, 1, 10, 20, tzinfo=SH)
    other_day = html.replace("2023-06-01 10:20", "2023-06-02 10:20")  # another day: the meta tag leads
    assert extract_page(other_day, url).published_at == datetime(2023, 6, 1, tzinfo=SH)


# -- the two held-out kinds of miss, in the other shapes real pages give them -------------
def test_a_full_width_hyphen_and_a_media_centre_name_after_the_title_go():
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8")
    html = html.replace('<div class="detail-tit">全县安全生产工作座谈会召开</div>', "")
    for tail in ("－某某县融媒体中心网站", "－某某县融媒体中心", "-某某县融媒体中心"):
        page = html.replace("-某某县融媒体中心网站</title>", tail + "</title>")
        assert extract_page(page, "http://www.example.gov.cn/a.html").title == "全县安全生产工作座谈会召开", tail


def test_a_dash_inside_the_title_stays_when_the_site_name_follows_an_underscore():
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8").replace(
        '<div class="detail-tit">全县安全生产工作座谈会召开</div>', "")
    for title in ("某某县2024—2026年安全生产行动计划发布", "“平安护航—2024”专项行动启动"):
        page = html.replace("全县安全生产工作座谈会召开-某某县融媒体中心网站", title + "_某某县人民政府")
        assert extract_page(page, "http://www.example.gov.cn/a.html").title == title


def test_the_real_branch_page_shape_keeps_the_office_its_bar_names():
    # nfra.gov.cn as saved (../shared/corpus/nfra.gov.cn/tests/merged_cells_page_source.html):
    # ContentSource "浙江", the bar "来源：浙江监管局"
    html = (FIX / "regulator_branch_page.html").read_text("utf-8").replace(
        "来源：国家金融监督管理总局浙江监管局", "来源：浙江监管局")
    assert extract_page(html, "https://www.nfra.gov.cn/x").source == "浙江监管局"


def test_a_source_meta_that_repeats_its_label_and_a_paper_in_title_marks():
    # people.com.cn / xhby.net: <meta name="source" content="来源：人民日报">, the bar
    # "来源：人民网－人民日报"; gmw.cn: "来源：光明网-《光明日报》" (../shared/corpus/magic-html)
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8").replace(
        "<title>", '<meta name="source" content="来源：某某日报"><title>')
    assert extract_page(html, "http://www.example.gov.cn/a.html").source == "某某日报"
    bar = html.replace("来源：某某县融媒体中心", "来源：某某网－某某日报")
    assert extract_page(bar, "http://www.example.gov.cn/a.html").source == "某某网－某某日报"
    marks = bar.replace('<meta name="source" content="来源：某某日报">', "").replace(
        "来源：某某网－某某日报", "来源：某某网-《某某日报》")
    assert extract_page(marks, "http://www.example.gov.cn/a.html").source == "某某网-《某某日报》"


def test_an_unlabelled_bar_date_below_the_title_beats_a_dated_list_just_above_it():
    # a 相关新闻 column of dated links ends right above the title, and the bar under the
    # title prints its date without a label ("2023-06-01 10:20　来源：…", as TRS news bars do)
    related = "<ul class='xgxw'>" + "".join(
        f"<li><a href='/xwzx/c{i}.html'>全县第{i}季度重点工作推进会召开</a><span>2023-05-2{i}</span></li>"
        for i in range(1, 5)) + "</ul>"
    html = (FIX / "county_news_hyphen_suffix.html").read_text("utf-8").replace(
        '<div class="detail-tit">', related + '<div class="detail-tit">').replace(
        "发布时间：2023-06-01 10:20", "2023-06-01 10:20")
    r = extract_page(html, "http://www.example.gov.cn/xwzx/bdxw/c1234.html")
    assert r.published_at == datetime(2023, 6, 1, 10, 20, tzinfo=SH)
    assert r.title == "全县安全生产工作座谈会召开"
