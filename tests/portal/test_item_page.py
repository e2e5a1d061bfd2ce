"""An item page as government portals have it: 字号 大/中/小 by link, 打印, 上一篇/下一篇
within the column, 相关信息 from the search index, and a date-only item shows its day."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from hub.db import new_session
from storage import counters, search
from storage.models import Item, ItemColumn, PortalColumn
from tests.portal.pagecheck import assert_accessible_structure, page, texts

SHANGHAI_MIDNIGHT = 16  # 00:00 in Shanghai is 16:00 UTC the day before
FILLER_TOPICS = ["安全生产", "招商引资", "环境整治", "垃圾分类", "疫情防控", "消防安全", "乡村振兴", "文明创建"]


@pytest.fixture
def series(app, ids) -> dict[str, int]:
    """A column 森林防火 with items on known days (one date-only, one undated, one pending)."""
    rows = {  # key: (title, published_at UTC, date only, status)
        "a": ("关于做好2026年冬季森林防火工作的通知", datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc), False, "published"),
        "b": ("衢州市森林防火检查情况的通报", datetime(2026, 11, 2, 2, 0, tzinfo=timezone.utc), False, "published"),
        "c": ("关于开展安全生产大检查的通知", datetime(2026, 11, 3, SHANGHAI_MIDNIGHT, 0, tzinfo=timezone.utc), True,
              "published"),
        "d": ("森林防火宣传标语征集启事", None, False, "published"),
        "e": ("待审核的森林防火通知", datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc), False, "pending"),
        "f": ("关于做好防汛防台工作的通知", datetime(2026, 10, 20, 2, 0, tzinfo=timezone.utc), False, "published"),
    }
    for n, topic in enumerate(FILLER_TOPICS, start=1):  # what most notices of a column look like
        rows[topic] = (f"关于做好{topic}工作的通知", datetime(2026, 9, n, 2, 0, tzinfo=timezone.utc), False, "published")
    out = {}
    with new_session(app) as s:
        s.add(PortalColumn(id="slfh", name="森林防火", position=3))
        s.flush()
        for key, (title, when, date_only, status) in rows.items():
            item = Item(title=title, url=f"http://kc.example/slfh/{len(out)}.html", unit_id="kecheng", status=status,
                        published_at=when, published_date_only=date_only, content_hash=f"{len(out):064d}",
                        body_html="<p>正文</p>", body_text="正文")
            item.columns = [ItemColumn(column_id="slfh")]
            s.add(item)
            s.flush()
            out[key] = item.id
        search.refresh(s, list(out.values()))
        counters.bump(s)
        s.commit()
    return out


def test_font_size_links_and_print(client, series):
    doc = page(client.get(f"/items/{series['b']}"))
    assert_accessible_structure(doc)
    sizes = doc.xpath("//p[@class='font-size']/a")
    assert [a.text_content() for a in sizes] == ["大", "中", "小"]
    assert doc.xpath("//p[@class='font-size']/@aria-labelledby") == ["font-size-label"]  # the group: 字号
    assert [a.get("href") for a in sizes] == [f"/items/{series['b']}?size=large", f"/items/{series['b']}",
                                              f"/items/{series['b']}?size=small"]
    assert doc.xpath("//p[@class='font-size']/a[@aria-current='true']")[0].text_content().startswith("中")
    assert doc.xpath("//article/@class") == ["item item-size-medium"]
    assert doc.xpath("//button[@data-print][@hidden]")  # shown by print.js where script runs
    assert doc.xpath("//script/@src")[0].startswith("/static/portal/print.js")
    assert doc.xpath("//link[@rel='canonical']/@href") == [f"/items/{series['b']}"]

    large = page(client.get(f"/items/{series['b']}?size=large&variant=hant"))
    assert large.xpath("//article/@class") == ["item item-size-large"]
    assert large.xpath("//p[@class='font-size']/a[@aria-current='true']/@href") == [
        f"/items/{series['b']}?variant=hant&size=large"]  # the 繁體 reader stays on 繁體
    assert page(client.get(f"/items/{series['b']}?size=huge")).xpath("//article/@class") == ["item item-size-medium"]
    css = client.get("/static/portal/portal.css").get_data(as_text=True)
    assert "@media print" in css and ".item-size-large .item-body" in css


def test_previous_and_next_within_the_column(client, series):
    def neighbours(key):
        doc = page(client.get(f"/items/{series[key]}"))
        nav = doc.xpath("//nav[@class='item-pager']")[0]
        return texts(nav, ".//li")

    # Newest first: c (11-03), b (11-02), a (11-01), f (10-20), the September notices, then
    # the undated d; e is pending.
    assert neighbours("b") == ["上一篇：关于开展安全生产大检查的通知", "下一篇：关于做好2026年冬季森林防火工作的通知"]
    assert neighbours("c") == ["上一篇：没有了", "下一篇：衢州市森林防火检查情况的通报"]
    assert neighbours("f") == ["上一篇：关于做好2026年冬季森林防火工作的通知", "下一篇：关于做好文明创建工作的通知"]
    assert neighbours("d") == ["上一篇：关于做好安全生产工作的通知", "下一篇：没有了"]


def test_related_items_share_the_title_s_subject(client, series):
    doc = page(client.get(f"/items/{series['a']}"))
    related = texts(doc, "//section[@class='related']//li/a")
    # Those sharing 森林防火, newest first; not those sharing only 关于做好…工作的通知, which most titles say.
    assert related == ["衢州市森林防火检查情况的通报", "森林防火宣传标语征集启事"]
    assert "关于做好2026年冬季森林防火工作的通知" not in related  # not itself
    assert "待审核的森林防火通知" not in related  # published items only


def test_a_date_only_item_shows_its_day_alone(client, series):
    day = page(client.get(f"/items/{series['c']}"))
    assert texts(day, "//dl[@class='item-facts']/div[dt='发布时间']/dd") == ["2026-11-04"]
    assert day.xpath("//dl[@class='item-facts']//time/@datetime") == ["2026-11-04"]
    timed = page(client.get(f"/items/{series['b']}"))
    assert texts(timed, "//dl[@class='item-facts']/div[dt='发布时间']/dd") == ["2026-11-02 10:00"]


def test_related_items_cost_a_few_statements_on_both_databases(any_db_app):
    """相关信息 looks up several rare title terms in the column.  On PostgreSQL each was
    a search of its own (planner settings, week windows, settings back: three to five
    round trips), 39 statements for this page; the rare terms are now read in one.
    SQLite answers in-process: one count per title term there is cheap."""
    from sqlalchemy import event

    from hub.db import EXTENSION

    app = any_db_app
    app.config["PORTAL_PAGE_CACHE"] = False
    titles = ["衢江区森林防火检查情况通报", "开化县森林防火宣传月活动", "常山县防汛抗旱检查情况通报",
              "龙游县森林防火演练顺利举行", "江山市防汛抗旱宣传月活动", "柯城区垃圾分类检查情况通报",
              "衢江区垃圾分类宣传月活动", "开化县乡村振兴演练顺利举行"]
    ids = []
    with new_session(app) as s:
        s.add(PortalColumn(id="jcxc", name="检查宣传", position=4))
        s.flush()
        for n, title in enumerate(titles):
            item = Item(title=title, url=f"http://kc.example/jcxc/{n}.html", unit_id="kecheng", status="published",
                        published_at=datetime(2026, 11, 1 + n, 2, 0, tzinfo=timezone.utc),
                        content_hash=f"{n + 500:064d}", body_html="<p>正文</p>", body_text="正文")
            item.columns = [ItemColumn(column_id="jcxc")]
            s.add(item)
            s.flush()
            ids.append(item.id)
        search.refresh(s, ids)
        counters.bump(s)
        s.commit()
    client = app.test_client()
    assert client.get(f"/items/{ids[1]}").status_code == 200  # the site's lookups are cached from here on
    engine = app.extensions[EXTENSION]["engine"]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        response = client.get(f"/items/{ids[0]}")  # 衢江区森林防火检查情况通报
    finally:
        event.remove(engine, "before_cursor_execute", count)
    related = texts(page(response), "//section[@class='related']//li/a")
    assert related == ["衢江区垃圾分类宣传月活动", "柯城区垃圾分类检查情况通报", "龙游县森林防火演练顺利举行",
                       "常山县防汛抗旱检查情况通报", "开化县森林防火宣传月活动"]
    assert len(statements) <= (20 if engine.dialect.name == "postgresql" else 32), statements
