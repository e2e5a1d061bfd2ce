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
