"""The pure parts of judgement: what counts as an empty list, a dated homepage link, an
error page dressed as 200; periods of duties; vetoes, deductions and the score."""
from __future__ import annotations

from datetime import date, datetime, timezone

from harvestkit.emptiness import declared_empty
from harvester.registry import SupervisionPolicy, parse_registry
from supervision import pages
from supervision.checks.duties import last_complete
from supervision.models import Finding
from supervision.verdicts import judge

# A Hanweb column without records, as its datastore renders (cf. tests/spiders/test_formats.py).
HANWEB_EMPTY = """<html><body><div id="1229"><script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&webid=2&path=/&columnid=1229&unitid=5467">]]></nextgroup>
<recordset>
</recordset></datastore></script></div></body></html>"""


def test_a_list_that_says_it_is_empty():
    assert declared_empty("<div class='bszl_list'><ul><li>暂无数据</li></ul></div>") == "暂无数据"
    assert declared_empty("<table><tr><td colspan='2'>本栏目暂无信息！</td></tr></table>") == "本栏目暂无信息！"
    assert declared_empty("<div class='list'><p>栏目建设中，敬请期待</p></div>") == "栏目建设中，敬请期待"
    assert declared_empty(HANWEB_EMPTY).startswith("列表为空")


def test_a_list_the_reader_cannot_read_is_not_empty():
    js_list = "<div id='app'></div><script>var empty = '暂无信息'; render(window.__LIST__)</script>"
    assert declared_empty(js_list) is None  # the notice sits in a script: no one sees it
    article = "<p>" + "本次会议指出，对群众反映的问题暂无信息反馈的单位要限期整改，" * 3 + "</p>"
    assert declared_empty(article) is None  # words in a sentence, not a notice
    assert declared_empty("") is None and declared_empty(None) is None


def test_homepage_dates_are_those_of_article_links():
    page = pages.parse("""<html><body><div class="top">今天是2026年12月3日 星期四</div>
      <div class="news"><ul>
        <li><a href="/a.html">市政府召开常务会议研究部署冬季工作</a><span>2026-11-30</span></li>
        <li><a href="/b.html" title="关于做好元旦春节期间安全生产工作的通知">关于做好元旦…</a> [2026-11-28]</li>
        <li><a href="/c.html">明年计划：2027年重点项目清单</a><span>2027-03-01</span></li>
        <li><a href="/more.html">更多</a><span>2026-12-02</span></li>
      </ul></div><p class="copy">版权所有 2026-12-03</p></body></html>""", "http://x/")
    assert pages.dated_links(page, date(2026, 12, 3)) == ["2026-11-30", "2026-11-28"]


def test_error_pages_dressed_as_200():
    # error_404.php of zhihong01/ahgk (a county information-disclosure site's CMS)
    ahgk = ("<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'><title>404 文件不存在</title>"
            "<style>body{margin:40px}</style></head><body><div id='container'><p>非常抱歉，您访问的页面不存在，"
            "或者已经被移除！</p><p><a href='/'>返回首页</a></p></div></body></html>")
    assert pages.error_page_reason(ahgk) == "页面标题为“404 文件不存在”"
    hanweb_gone = "<html><head><title>衢州市人民政府</title></head><body><div>该信息已被删除！</div></body></html>"
    assert pages.error_page_reason(hanweb_gone).startswith("页面内容为")
    article = ("<html><head><title>关于开展网站链接检查的通知</title></head><body>"
               + "<p>各单位要定期检查网站，发现“404”错误链接和页面不存在的情况及时整改。</p>" * 20 + "</body></html>")
    assert pages.error_page_reason(article) is None
    assert pages.is_homepage_url("http://x/index.html") and pages.is_homepage_url("http://x/")
    assert not pages.is_homepage_url("http://x/art/2026/11/30/art_1229_3001.html")


def test_duty_periods_are_the_last_complete_ones():
    assert (last_complete(date(2026, 12, 2), "month").start, last_complete(date(2026, 12, 2), "month").end) == (
        date(2026, 11, 1), date(2026, 12, 1))
    assert last_complete(date(2026, 1, 15), "month").label == "2025年12月"
    week = last_complete(date(2026, 12, 2), "week")  # a Wednesday: the week before, Monday to Sunday
    assert (week.start, week.end) == (date(2026, 11, 23), date(2026, 11, 30))
    quarter = last_complete(date(2026, 2, 10), "quarter")
    assert (quarter.start, quarter.end, quarter.label) == (date(2025, 10, 1), date(2026, 1, 1), "2025年第4季度")
    assert last_complete(date(2026, 7, 1), "quarter").start == date(2026, 4, 1)
    assert (last_complete(date(2026, 6, 1), "year").start, last_complete(date(2026, 6, 1), "year").label) == (
        date(2025, 1, 1), "2025年")


def finding(kind: str, **data) -> Finding:
    return Finding(unit_id="u", kind=kind, subject=f"{kind}{len(data)}{id(data)}", data=data,
                   since=datetime.now(timezone.utc))


def test_vetoes_deductions_and_score():
    policy = SupervisionPolicy()
    fine = judge([], 14, policy)
    assert (fine.verdict, fine.score, fine.vetoes) == ("合格", 100, [])
    assert judge([], 15, policy).vetoes == ["site_unreachable"]
    stale = [finding("column_stale") for _ in range(5)]
    verdict = judge(stale + [finding("homepage_stale")], 0, policy)
    assert verdict.verdict == "不合格" and verdict.vetoes == ["homepage_stale", "column_stale"]
    assert verdict.deductions == {"column_stale": 10, "homepage_stale": 5} and verdict.score == 85
    links = [finding("broken_link", scope="homepage") for _ in range(12)] + [finding("broken_link", scope="item")]
    mixed = judge(links + [finding("harvest_broken"), finding("duty_shortfall")], 0, policy)
    assert mixed.deductions == {"broken_link": 10, "broken_link_item": 0.1, "duty_shortfall": 2}  # capped at 10
    assert (mixed.verdict, mixed.score) == ("合格", 87.9)  # harvest_broken is the portal's: no points


def test_thresholds_and_points_come_from_the_registry():
    registry = parse_registry(
        "portal: {name: 测试}\ncolumns:\n  - {id: a, name: 甲}\n"
        "supervision: {veto: {empty_columns: 1}, deduct: {column_empty: 7}, deduct_max: {column_empty: 7},"
        " stale_after: {notice: 30d}}\n")
    policy = registry.supervision
    verdict = judge([finding("column_empty"), finding("column_empty")], 0, policy)
    assert verdict.vetoes == ["column_empty"] and verdict.deductions == {"column_empty": 7}
    assert (policy.stale_days("dynamic"), policy.stale_days("notice"), policy.stale_days("other")) == (14, 30, None)
