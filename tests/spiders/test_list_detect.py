"""Automatic item-list detection on column pages, and pagination."""
from __future__ import annotations

from spiders import list_detect, pagers

NAV = "<ul class='nav'>" + "".join(f"<li><a href='/col/{i}/'>栏目导航{i}</a></li>" for i in range(8)) + "</ul>"
LINKS = "<div class='yqlj'>" + "".join(f"<p><a href='http://x{i}.gov.cn/'>友情链接单位{i}</a></p>" for i in range(6)) + "</div>"


def page(body: str) -> str:
    return f"<html><body>{NAV}<div class='main'>{body}</div>{LINKS}<div class='footer'>版权所有 2026 衢州市人民政府</div></body></html>"


def detect(html: str, url: str = "http://a.gov.cn/col/tzgg/index.html"):
    return list_detect.detect_entries(list_detect.parse(html, url), url)


def test_ul_li_with_span_dates():
    html = page("<ul class='list'>" + "".join(
        f"<li><a href='./2026{i:02d}/t2026_{i}.html' title='关于第{i}批项目的通知'>关于第{i}批项目的...</a><span>2026-11-{i:02d}</span></li>" for i in range(1, 8)
    ) + "</ul>")
    entries = detect(html)
    assert len(entries) == 7
    assert entries[0].url == "http://a.gov.cn/col/tzgg/202601/t2026_1.html"
    assert entries[0].title == "关于第1批项目的通知"  # the title attribute beats the truncated text
    assert entries[0].date == "2026-11-01"


def test_table_rows_with_chinese_dates():
    rows = "".join(f"<tr><td><a href='/art/{i}.html'>衢江区召开第{i}次常务会议</a></td><td>2026年10月{i}日</td></tr>" for i in range(1, 6))
    entries = detect(page(f"<table><tbody>{rows}</tbody></table>"))
    assert [e.date for e in entries] == [f"2026-10-{i:02d}" for i in range(1, 6)]
    assert entries[2].title == "衢江区召开第3次常务会议"


def test_navigation_without_dates_is_not_a_list():
    assert detect(page("<p>本栏目暂无信息</p>")) == []


def test_rules_override_detection():
    html = page("<div class='odd'>" + "".join(f"<section><h4><a href='/a{i}.html'>标题{i}号文章</a></h4><em>2026/11/0{i}</em></section>" for i in range(1, 4)) + "</div>")
    doc = list_detect.parse(html, "http://a.gov.cn/")
    entries = list_detect.entries_by_rules(doc, "http://a.gov.cn/", {"item": "div.odd section", "link": "h4 a", "title": "h4 a", "date": "em"})
    assert [(e.url, e.title, e.date) for e in entries][0] == ("http://a.gov.cn/a1.html", "标题1号文章", "2026-11-01")


def test_next_link_and_trs_pages():
    doc = list_detect.parse(page("<a href='list_3.html'>下一页</a>"), "http://a.gov.cn/col/list_2.html")
    assert pagers.next_url(doc, "http://a.gov.cn/col/list_2.html") == "http://a.gov.cn/col/list_3.html"
    url = "http://a.gov.cn/col/tzgg/index.htm"
    paging = pagers.detect(list_detect.parse('<script>createPageHTML(4, 0, "index", "htm");</script>', url), url)
    assert paging.urls == [f"http://a.gov.cn/col/tzgg/index_{n}.htm" for n in (1, 2, 3)]
    assert paging.declared_pages == 4 and paging.understood
    single = pagers.detect(list_detect.parse("<p>no paging</p>", "http://a.gov.cn/"), "http://a.gov.cn/")
    assert single.scheme == "single page" and not single.urls and single.understood


def test_titles_lose_their_dates_and_ellipses_but_keep_dates_inside():
    from spiders.list_entry import clean_title

    assert clean_title("[2026-11-18] 关于开展安全检查的通知") == "关于开展安全检查的通知"
    assert clean_title("关于开展安全检查的通知（2026年11月18日）") == "关于开展安全检查的通知"
    assert clean_title("关于开展安全检查的通知 2026-11-18") == "关于开展安全检查的通知"
    assert clean_title("关于开展安全检查工作的...") == "关于开展安全检查工作的"
    assert clean_title("关于开展安全检查工作的…") == "关于开展安全检查工作的"
    assert clean_title("关于2026年1月1日起调整最低工资标准的通知") == "关于2026年1月1日起调整最低工资标准的通知"


def test_the_date_of_an_entry_is_looked_for_outside_its_title_first():
    html = page("<ul>" + "".join(
        f"<li><a href='/a{i}.html'>关于2026年1月{i}日起调整工作时间的通知</a><span>2025-12-2{i}</span></li>" for i in range(1, 4)
    ) + "</ul>")
    entries = detect(html)
    assert [e.date for e in entries] == ["2025-12-21", "2025-12-22", "2025-12-23"]
    assert entries[0].title == "关于2026年1月1日起调整工作时间的通知"


def test_repeated_groups_are_one_list_but_boxes_with_headings_are_not():
    groups = "".join("<div class='grp'><ul>" + "".join(
        f"<li><a href='/g{g}{i}.html' title='第{g}组第{i}条政务信息'>第{g}组第{i}条</a><span>2026-10-{g * 5 + i:02d}</span></li>"
        for i in range(1, 6)) + "</ul><div class='line'></div></div>" for g in range(1, 4))
    assert len(detect(page(f"<div class='list'>{groups}</div>"))) == 15
    boxes = "".join(f"<div class='box'><h2>栏目{g}</h2><a href='/col{g}/'>更多</a><ul>" + "".join(
        f"<li><a href='/b{g}{i}.html'>第{g}栏目第{i}条政务信息</a><span>2026-10-{g * 5 + i:02d}</span></li>" for i in range(1, 6))
        + "</ul></div>" for g in range(1, 4))
    assert len(detect(page(boxes))) == 5  # a homepage's column boxes: one of them, not all
