"""Full-text search as portal visitors use it, on SQLite (FTS5) and PostgreSQL (tsvector)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import insert, inspect
from werkzeug.security import generate_password_hash

from hub import actions
from storage import search
from storage.db import make_engine, session_factory
from storage.migrate import alembic_config, upgrade
from storage.models import Item, ItemColumn, PortalColumn, Unit, User
from storage.search import QueryError

ROOT = Path(__file__).resolve().parents[2]
_hashes = iter(range(10**6))


@pytest.fixture
def session(db_url):
    yield from _seeded_session(db_url)


@pytest.fixture
def pg_session(pg_url):
    """The same seeded session on PostgreSQL only (for its own query plans)."""
    yield from _seeded_session(pg_url)


def _seeded_session(db_url):
    engine = make_engine(db_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add_all([
            Unit(id="kecheng", name="柯城区人民政府", kind="county", homepage="http://kc.example/"),
            Unit(id="tax", name="市税务局", kind="department", homepage="http://tax.example/"),
            PortalColumn(id="notices", name="通知公告", position=1),
            PortalColumn(id="policy", name="政策文件", position=2),
            User(username="editor", password_hash=generate_password_hash("pw"), role="editor"),
        ])
        s.commit()
        yield s
    engine.dispose()


def add(s, title: str, body: str = "", *, status: str = "published", unit: str = "kecheng",
        columns: tuple[str, ...] = (), at: datetime = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)) -> int:
    """An item as the harvester or the hub leaves it: stored, then refreshed in the same transaction."""
    item = Item(title=title, body_text=body, status=status, unit_id=unit, published_at=at,
                url=f"http://kc.example/{next(_hashes)}.html", content_hash=f"{next(_hashes):064d}")
    item.columns = [ItemColumn(column_id=c) for c in columns]
    s.add(item)
    s.flush()
    search.refresh(s, [item.id])
    s.commit()
    return item.id


def found(s, q: str, **kw) -> list[int]:
    return [hit.item_id for hit in search.search(s, q, per_page=100, **kw).hits]


# -- what matches -----------------------------------------------------------------------
def test_one_character_finds_it_anywhere_in_a_word(session):
    income = add(session, "关于个人所得税年度汇算的公告")
    revenue = add(session, "税收宣传月活动启动", "今年的主题是税法宣传。")
    other = add(session, "春季森林防火通知")
    assert set(found(session, "税")) == {income, revenue}
    assert other not in found(session, "税")


def test_one_character_with_other_words_filters_and_relevance_levels(session):
    """税 alone is every 税, wherever it is in a run (start, middle, its last character),
    ANDed with other words, filtered, ranked by the title like any term."""
    def at(month: int) -> datetime:
        return datetime(2026, month, 1, 2, tzinfo=timezone.utc)

    both = add(session, "税务局森林防火通告", "", unit="tax", columns=("notices",), at=at(1))
    body = add(session, "春季森林防火通知", "个人所得税汇算开始。", unit="tax", at=at(2))
    add(session, "防火演练", "演练内容见附件。", at=at(3))
    title = add(session, "个税提醒", "请按时申报。", columns=("notices",), at=at(4))
    last = add(session, "关于依法办事的说明", "依法纳税", at=at(5))
    year = add(session, "2026税收政策解读", "", unit="tax", at=at(6))
    assert found(session, "税 防火") == [both, body]
    assert found(session, "防火 税", unit="tax") == [both, body]
    assert found(session, "税", unit="tax") == [year, both, body]
    assert found(session, "税", column="notices") == [title, both]
    assert found(session, "税", sort="newest") == [year, last, title, body, both]
    assert found(session, "税", date_from=date(2026, 2, 1), date_to=date(2026, 4, 30), sort="newest") == [title, body]
    assert found(session, "2026税") == [year]  # a prefix after a word: still a prefix
    assert search.search(session, "税", unit="tax").total == 3
    assert search.search(session, "税", column="notices").hits[0].title_html == "个<mark>税</mark>提醒"


def test_two_characters(session):
    notice = add(session, "关于做好春节假期安全生产工作的通知")
    in_body = add(session, "安全生产工作会议", "会议要求各地认真落实上级通知精神。")
    add(session, "通报表扬先进集体")
    assert set(found(session, "通知")) == {notice, in_body}


def test_a_longer_word_must_be_contiguous(session):
    together = add(session, "2026年度医保缴费开始", "城乡居民医保个人缴费标准公布。")
    apart = add(session, "城乡建设动态", "居民反映问题后，医保部门作出答复。")
    assert found(session, "城乡居民医保") == [together]
    assert set(found(session, "城乡 居民 医保")) == {together, apart}  # words, not a phrase


def test_quoted_phrase_keeps_its_words_together(session):
    close = add(session, "医保 缴费提醒", "")
    far = add(session, "医保政策解读", "明年缴费标准不变。")
    assert set(found(session, "医保 缴费")) == {close, far}
    assert found(session, '"医保 缴费"') == [close]
    assert found(session, "“城乡居民医保”") == found(session, "城乡居民医保") == []


def test_mixed_ascii_and_chinese(session):
    air = add(session, "空气质量月报", "本月PM2.5平均浓度为28微克/立方米。")
    fund = add(session, "2026年城乡居民医保缴费通知")
    old = add(session, "2025年医保政策回顾")
    assert found(session, "PM2.5") == found(session, "pm2.5") == found(session, "ＰＭ２．５") == [air]
    assert found(session, "2026 医保") == [fund]
    assert found(session, "2026年") == [fund]
    assert set(found(session, "医保")) == {fund, old}
    assert found(session, "pm") == []  # a word matches whole, not as a prefix


def test_all_words_are_required(session):
    both = add(session, "安全生产检查通知", "")
    add(session, "安全生产月活动")
    add(session, "防汛工作通知")
    assert found(session, "安全生产 通知") == [both]


# -- filters, order, pages ----------------------------------------------------------------
def test_unit_column_and_date_filters(session):
    early = add(session, "森林防火通告", unit="kecheng", columns=("notices",), at=datetime(2026, 1, 5, 3, tzinfo=timezone.utc))
    tax = add(session, "税务局森林防火通告", unit="tax", columns=("notices", "policy"),
              at=datetime(2026, 3, 1, 17, 0, tzinfo=timezone.utc))  # 2026-03-02 01:00 in Shanghai
    undated = add(session, "森林防火须知", at=None)
    assert set(found(session, "防火")) == {early, tax, undated}
    assert found(session, "防火", unit="tax") == [tax]
    assert found(session, "防火", column="policy") == [tax]
    assert set(found(session, "防火", column="notices")) == {early, tax}
    assert found(session, "防火", unit="kecheng", column="policy") == []
    assert found(session, "防火", date_from=date(2026, 3, 2)) == [tax]  # local days
    assert found(session, "防火", date_to=date(2026, 3, 1)) == [early]
    assert found(session, "防火", date_from=date(2026, 1, 5), date_to=date(2026, 1, 5)) == [early]
    assert found(session, "防火", date_from=date(2026, 3, 3), date_to=date(2026, 3, 1)) == []


def test_filter_tokens_and_the_title_are_not_words_of_the_text(session):
    """Unit and column filters are tokens in the index: typing one finds nothing, and a word
    written in full width is the same word (the index keeps its own marks apart)."""
    from storage.search import documents

    item = add(session, "2026年森林防火通告", "请各单位做好防火工作。", unit="tax", columns=("policy",))
    for token in (documents.unit_token("tax"), documents.column_token("policy")):
        assert found(session, token) == []
        assert found(session, "\uff46" + token) == []  # the SQLite index's filter mark, typed
    assert found(session, "\uff54" + "2026") == []  # its title mark: ｔ2026 is the word t2026
    assert found(session, "ｔ2026") == found(session, "T2026") == []
    assert found(session, "２０２６") == [item]
    assert found(session, "森林 工作", unit="tax", column="policy") == [item]


def test_relevance_puts_title_matches_first_newest_sorts_by_date(session):
    title_old = add(session, "垃圾分类工作推进会", "会议总结了前阶段工作。", at=datetime(2025, 5, 1, tzinfo=timezone.utc))
    body_new = add(session, "城市管理动态", "本周开展了垃圾分类宣传。", at=datetime(2026, 5, 1, tzinfo=timezone.utc))
    body_mid = add(session, "社区简讯", "居民积极参与垃圾分类。", at=datetime(2025, 12, 1, tzinfo=timezone.utc))
    assert found(session, "垃圾分类")[0] == title_old
    assert found(session, "垃圾分类", sort="newest") == [body_new, body_mid, title_old]
    with pytest.raises(QueryError):
        search.search(session, "垃圾分类", sort="oldest")


def test_pages_and_total(session):
    ids = [add(session, f"第{n}期政务公开简报", at=datetime(2026, 1, 1 + n, tzinfo=timezone.utc)) for n in range(7)]
    first = search.search(session, "简报", sort="newest", page=1, per_page=3)
    assert (first.total, first.total_is_capped, first.page, first.per_page) == (7, False, 1, 3)
    pages = [[h.item_id for h in search.search(session, "简报", sort="newest", page=p, per_page=3).hits] for p in (1, 2, 3, 4)]
    assert pages == [ids[6:3:-1], ids[3:0:-1], ids[:1], []]
    ranked = [h.item_id for p in (1, 2, 3) for h in search.search(session, "简报", page=p, per_page=3).hits]
    assert sorted(ranked) == sorted(ids)


def test_relevance_levels_page_across_each_other(session):
    def at(day: int) -> datetime:
        return datetime(2026, 2, day, tzinfo=timezone.utc)

    both_old = add(session, "医保缴费通知", at=at(1))
    both_new = add(session, "关于医保缴费的说明", at=at(2))
    one = [add(session, f"医保政策解读{n}", "缴费渠道见附件。", at=at(3 + n)) for n in range(3)]
    body = [add(session, f"社区简讯{n}", "提醒居民按时办理医保缴费。", at=at(10 + n)) for n in range(2)]
    expected = [both_new, both_old, *one[::-1], *body[::-1]]
    for per_page in (1, 2, 3, 4, 7):
        pages = [[h.item_id for h in search.search(session, "医保 缴费", page=p, per_page=per_page).hits]
                 for p in range(1, 9)]
        assert [i for page in pages for i in page] == expected, per_page
    assert found(session, "医保 缴费", sort="newest") == [*body[::-1], *one[::-1], both_new, both_old]


def test_total_is_capped(session, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    ids = [add(session, f"工作动态{n}", at=datetime(2026, 1, 1 + n, tzinfo=timezone.utc)) for n in range(5)]
    first = search.search(session, "工作", per_page=2)
    assert (first.total, first.total_is_capped) == (3, True)
    assert [h.item_id for h in first.hits] == [ids[4], ids[3]]
    assert [h.item_id for h in search.search(session, "工作", page=2, per_page=2).hits] == [ids[2]]
    assert search.search(session, "工作", page=3, per_page=2).hits == []
    assert search.search(session, "工作动态4").total_is_capped is False


def test_postgresql_week_windows_give_the_same_pages(pg_session, monkeypatch):
    """PostgreSQL reads matches newest first in windows of weeks, sized by what it
    has found so far, then the rest without a window; however the windows fall,
    the pages are the same items in the same order."""
    from storage.search import postgres_index

    session = pg_session
    for n in range(6):  # one item every ten days: several weeks, some empty
        add(session, f"城乡居民医保通知{n}" if n % 2 else f"社区动态{n}", "城乡居民医保缴费开始。税收宣传。",
            columns=("notices",), at=datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(days=10 * n))
    queries = [("城乡居民医保", {}), ("税", {"sort": "newest"}), ("医保 通知", {"column": "notices"}),
               ("城乡居民医保", {"date_from": date(2026, 1, 15)}), ("动态", {"date_to": date(2026, 1, 25)})]

    def pages():
        return {q + repr(kw): [found(session, q, **kw), search.search(session, q, per_page=2, page=2, **kw).hits]
                for q, kw in queries}

    chosen = pages()
    newest = chosen["税{'sort': 'newest'}"][0]
    assert len(newest) == 6 and newest == sorted(newest, reverse=True)
    by_level = chosen["城乡居民医保{}"][0]  # the titles that have it first
    assert by_level == sorted(newest[:6:2], reverse=True) + sorted(newest[1:6:2], reverse=True)
    assert len(chosen["城乡居民医保{'date_from': datetime.date(2026, 1, 15)}"][0]) == 4
    for widest, ahead in ((1, 1000), (1, 0), (2, 3), (8, 48)):  # one week at a time; then the rest at once; …
        monkeypatch.setattr(postgres_index, "WINDOW_WEEKS", widest)
        monkeypatch.setattr(postgres_index, "MAX_AHEAD", ahead)
        assert pages() == chosen
    monkeypatch.setattr(postgres_index, "PHRASE_COUNT_CAP", 2)
    result = search.search(session, "城乡居民医保")
    assert (result.total, result.total_is_capped) == (2, True)
    assert search.search(session, "医保").total == 6  # no phrase: the usual cap


def test_only_published_items_are_found(session):
    public = add(session, "雪天道路交通安全提示")
    for status in ("pending", "scheduled", "rejected", "withdrawn"):
        add(session, f"雪天道路交通安全提示（{status}）", status=status)
    assert found(session, "交通安全") == [public]


# -- the index follows editorial changes --------------------------------------------------
def test_refresh_follows_publish_unpublish_edit_and_merge(session):
    editor = session.query(User).filter_by(username="editor").one()
    item_id = add(session, "关于开展消防安全检查的通知", "请各单位做好消防安全自查。", status="pending")
    assert found(session, "消防") == []
    item = session.get(Item, item_id)
    actions.publish(session, item, editor)
    session.commit()
    assert found(session, "消防") == [item_id]

    actions.edit(session, item, editor, title="关于开展燃气安全检查的通知")
    session.commit()
    assert found(session, "燃气") == [item_id]
    assert found(session, "消防检查") == [] and found(session, "消防") == [item_id]  # still in the body

    actions.unpublish(session, item, editor, reason="重复发布")
    session.commit()
    assert found(session, "燃气") == found(session, "消防") == []

    target = add(session, "燃气安全宣传周", "")
    other = add(session, "燃气安全宣传周活动", "")
    actions.merge(session, session.get(Item, target), session.get(Item, other), editor)
    session.commit()
    assert found(session, "燃气") == [target]


def test_refresh_of_unknown_or_empty_ids_is_harmless(session):
    item_id = add(session, "人才引进公告")
    search.refresh(session, [])
    search.refresh(session, [item_id, item_id, 987654])
    session.commit()
    assert found(session, "人才") == [item_id]


def test_rebuild_indexes_every_published_item(session):
    with session.begin_nested():
        session.execute(insert(Item.__table__), [  # bulk import behind the index's back
            {"title": f"水利工程简报{n}", "url": f"http://kc.example/bulk{n}", "unit_id": "kecheng",
             "status": "published" if n % 2 else "pending", "content_hash": f"bulk{n}"} for n in range(6)
        ])
    session.commit()
    assert found(session, "水利") == []
    assert search.rebuild(session) == 3
    session.commit()
    assert len(found(session, "水利")) == 3


def test_full_width_compatibility_and_rare_characters_match_their_plain_forms(session):
    odd = add(session, "ＰＭ２．５监测", "\uf9b5社区（兼容汉字“例”）发布𠀀𠀁公告。" + "x" * 70 + " 结束")
    assert found(session, "pm2.5") == [odd]
    assert found(session, "例社区") == [odd]  # U+F9B5 is a compatibility form of 例
    assert found(session, "𠀀𠀁") == [odd]
    assert found(session, "x" * 70) == []  # over-long "words" are not indexed
    search.refresh(session, [odd])  # unchanged: nothing to do
    session.get(Item, odd).title = "普通标题"
    search.refresh(session, [odd])  # the stored tokens are forgotten exactly
    session.commit()
    assert found(session, "pm2.5") == [] and found(session, "例社区") == [odd]


# -- what the visitor sees -----------------------------------------------------------------
def test_highlighted_title_and_snippet_are_escaped(session):
    body = ("为进一步做好冬季安全工作，" * 8) + "请关注<script>alert(1)</script>个人所得税汇算通知，" + ("落实责任。" * 30)
    add(session, "个人所得税<b>汇算</b>提醒", body)
    hit = search.search(session, "所得税 汇算").hits[0]
    assert hit.title_html == "个人<mark>所得税</mark>&lt;b&gt;<mark>汇算</mark>&lt;/b&gt;提醒"
    assert "alert(1)&lt;/script&gt;个人<mark>所得税汇算</mark>通知" in hit.snippet_html  # touching matches: one mark
    assert "<script>" not in hit.snippet_html and "</script>" not in hit.snippet_html
    assert hit.snippet_html.startswith("…") and hit.snippet_html.endswith("…")
    visible = hit.snippet_html.replace("<mark>", "").replace("</mark>", "").replace("&lt;", "<").replace("&gt;", ">")
    assert 100 <= len(visible.strip("…")) <= 125


def test_a_title_only_match_shows_the_start_of_the_body(session):
    add(session, "春运返乡提示", "铁路部门增开列车。")
    hit = search.search(session, "春运").hits[0]
    assert hit.title_html == "<mark>春运</mark>返乡提示" and hit.snippet_html == "铁路部门增开列车。"


def test_snippet_finds_a_late_match_in_a_long_body(session):
    body = "各地各部门要高度重视，" * 400 + "全市PM2.5年均浓度下降。" + "持续推进。" * 50
    add(session, "空气质量通报", body)
    snippet = search.search(session, "PM2.5").hits[0].snippet_html
    assert "重视，全市<mark>PM2.5</mark>年均浓度下降。持续推进。" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_words_are_marked_only_where_they_match(session):
    add(session, "PM2.5与PM10监测", "PM2.5浓度下降，pm10持平，2026年数据另行公布，20261号文件。")
    hit = search.search(session, "pm2.5 2026年").hits[0]
    assert hit.title_html == "<mark>PM2.5</mark>与PM10监测"
    assert hit.snippet_html == "<mark>PM2.5</mark>浓度下降，pm10持平，<mark>2026年</mark>数据另行公布，20261号文件。"


# -- queries that cannot run -----------------------------------------------------------------
def test_empty_query_finds_nothing(session):
    add(session, "任意信息")
    for q in ("", "   ", "，。！", '""'):
        result = search.search(session, q)
        assert result.hits == [] and result.total == 0 and result.terms == []


def test_too_long_a_query_is_refused_in_chinese(session):
    with pytest.raises(QueryError, match="太长"):
        search.search(session, "通知" * 51)
    with pytest.raises(QueryError, match="太多"):
        search.search(session, " ".join(f"词{n}" for n in range(11)))
    assert search.search(session, "通知" * 50).terms == ["通知" * 50]


def test_terms_are_reported_for_display(session):
    assert search.search(session, '医保  "城乡 居民" PM2.5 医保').terms == ["医保", "城乡 居民", "PM2.5"]


# -- schema and command line ------------------------------------------------------------------
def test_migration_backfills_and_downgrade_drops_the_index(db_url):
    engine = make_engine(db_url)
    upgrade(engine, "0004")
    with engine.begin() as conn:
        conn.execute(insert(Unit.__table__).values(id="kecheng", name="柯城区", kind="county", homepage="http://kc/"))
        conn.execute(insert(Item.__table__), [
            {"title": "已发布的防汛通知", "url": "http://kc/1", "unit_id": "kecheng", "status": "published", "content_hash": "1"},
            {"title": "待审的防汛通知", "url": "http://kc/2", "unit_id": "kecheng", "status": "pending", "content_hash": "2"},
        ])
    upgrade(engine)
    with session_factory(engine)() as s:
        assert [h.title_html for h in search.search(s, "防汛").hits] == ["已发布的<mark>防汛</mark>通知"]
    assert any(search.is_index_table(t) for t in inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "0004")
    assert not any(search.is_index_table(t) for t in inspect(engine).get_table_names())
    engine.dispose()


def test_an_index_written_before_the_marks_is_rebuilt(sqlite_url):
    """Migration 0008: entries written with bare title and filter tokens are found again."""
    engine = make_engine(sqlite_url)
    upgrade(engine, "0007")
    with engine.begin() as conn:
        conn.execute(insert(Unit.__table__).values(id="kecheng", name="柯城区", kind="county", homepage="http://kc/"))
        conn.execute(insert(Item.__table__).values(id=1, title="防汛通知", url="http://kc/1", unit_id="kecheng",
                                                   status="published", content_hash="1"))
        conn.exec_driver_sql("INSERT INTO item_search(rowid, title, body, facets) VALUES (1, '防汛 汛通 通知 知', '', ?)",
                             (search.documents.unit_token("kecheng"),))  # as the index held it at 0007
    with session_factory(engine)() as s:
        assert found(s, "防汛", unit="kecheng") == []  # the query's filter token is marked, the entry's bare
    upgrade(engine)
    with session_factory(engine)() as s:
        assert found(s, "防汛") == [1] and found(s, "防汛", unit="kecheng") == [1]
    engine.dispose()


def zhanqun(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", "search", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_search_rebuild_and_query_commands(sqlite_url):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(insert(Unit.__table__).values(id="kecheng", name="柯城区", kind="county", homepage="http://kc/"))
        conn.execute(insert(Item.__table__), [
            {"title": "关于<森林>防火的通知", "url": "http://kc/1", "unit_id": "kecheng", "status": "published",
             "content_hash": "1", "published_at": datetime(2026, 3, 1, 20, tzinfo=timezone.utc)},
        ])
    engine.dispose()
    result = zhanqun("rebuild", "--db", sqlite_url)
    assert result.returncode == 0, result.stderr
    assert "indexed 1 published items" in result.stdout

    result = zhanqun("query", "防火 通知", "--db", sqlite_url, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["total"] == 1 and data["terms"] == ["防火", "通知"]
    assert data["hits"][0]["title_html"] == "关于&lt;森林&gt;<mark>防火</mark>的<mark>通知</mark>"
    assert data["hits"][0]["published_at"].startswith("2026-03-02T04:00:00+08:00")

    text = zhanqun("query", "防火", "--db", sqlite_url).stdout
    assert "共 1 条" in text and "关于<森林>【防火】的通知" in text
    refused = zhanqun("query", "长" * 101, "--db", sqlite_url)
    assert refused.returncode != 0 and "太长" in refused.stderr


def test_migration_0025_gives_postgresql_entries_their_week(pg_url):
    """Entries written before 0025 get the week lexeme the windows read, exactly as a rebuild writes it."""
    from sqlalchemy import text

    engine = make_engine(pg_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(Unit(id="kecheng", name="柯城区", kind="county", homepage="http://kc/"))
        s.commit()
        ids = [add(s, "防汛防台工作通知", "做好防汛准备。", at=datetime(2026, 6, 1, tzinfo=timezone.utc)),
               add(s, "防汛物资", "", at=datetime(2019, 6, 1, tzinfo=timezone.utc))]
        s.execute(text("UPDATE items SET published_at = NULL WHERE id = :id"), {"id": ids[1]})
        search.refresh(s, [ids[1]])
        s.commit()
        rebuilt = s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all()
    command.downgrade(alembic_config(engine), "0019")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM item_search WHERE tsv::text LIKE '%''w:%' "
                                 "OR title_tsv::text LIKE '%''w:%'")).scalar_one() == 0
    upgrade(engine)
    with session_factory(engine)() as s:
        assert s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all() == rebuilt
        assert found(s, "防汛") == ids
    engine.dispose()


def test_migration_0026_gives_postgresql_entries_their_ideographs_and_filters(pg_url):
    """Entries written before 0026 get an ideograph lexeme each and the filters in tsv,
    exactly as a rebuild writes them; the downgrade takes them away again."""
    from sqlalchemy import text

    engine = make_engine(pg_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add_all([Unit(id="tax", name="市税务局", kind="department", homepage="http://tax/"),
                   PortalColumn(id="notices", name="通知公告", position=1)])
        s.commit()
        ids = [add(s, "个人所得税汇算通知", "依法纳税，PM2.5 〇", unit="tax", columns=("notices",)),
               add(s, "森林防火", "税收宣传", unit="tax")]
        rebuilt = s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all()
    command.downgrade(alembic_config(engine), "0025")
    with engine.connect() as conn:
        lexemes = conn.execute(text("SELECT array_agg(l) FROM item_search, unnest(tsvector_to_array(tsv)) l "
                                    "WHERE l LIKE 'h:%' OR l LIKE 'u:%' OR l LIKE 'c:%'")).scalar_one()
        title = conn.execute(text("SELECT array_agg(l) FROM item_search, unnest(tsvector_to_array(title_tsv)) l "
                                  "WHERE l LIKE '_:%' AND l NOT LIKE 'w:%' ORDER BY 1")).scalar_one()
    assert lexemes is None  # filters stay in title_tsv, as 0025 had them
    assert sorted(title) == sorted(["u:" + "tax".encode().hex(), "c:" + "notices".encode().hex(), "u:" + "tax".encode().hex()])
    upgrade(engine)
    with session_factory(engine)() as s:
        assert s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all() == rebuilt
        assert found(s, "税") == ids and found(s, "税", column="notices") == ids[:1]
        assert found(s, "〇") == ids[:1]
    engine.dispose()


def test_postgresql_title_frequencies_are_counted_across_week_windows(pg_session, monkeypatch):
    """相关信息's term counts read titles a few weeks at a time: the counts (capped) are the same."""
    from storage.search import postgres_index
    from storage.search.query import make_term

    session = pg_session
    start = datetime(2025, 1, 1, tzinfo=timezone.utc)
    for n in range(12):  # every third week; 森林防火 in four titles, 通知 in all of them
        add(session, f"森林防火工作通知{n}" if n % 3 == 0 else f"防汛工作通知{n}", at=start + timedelta(weeks=3 * n))
    terms = [make_term(t) for t in ("森林", "通知", "防汛", "地震")]
    expected = [4, 5, 5, 0]  # capped at 5
    for windows in ((1, 2), (1000,), (2, 10, 1000)):
        monkeypatch.setattr(postgres_index, "TITLE_WINDOWS", windows)
        assert postgres_index.title_frequencies(session, terms, 5) == expected


def test_date_ranges_of_whole_years_find_exactly_those_years(session):
    """A range of whole years (a year filter) finds the items of those local
    years and no others, at the very edges of each year (a Shanghai day starts
    at 16:00 UTC the day before) and never an undated item."""
    def at(y, m, d, hh, mm):
        return datetime(y, m, d, hh, mm, tzinfo=timezone.utc)

    last_of_2023 = add(session, "防汛工作通知", at=at(2023, 12, 31, 15, 59))  # 23:59 local
    first_of_2024 = add(session, "防汛工作通知", at=at(2023, 12, 31, 16, 0))  # 2024-01-01 00:00 local
    mid_2024 = add(session, "防汛工作通知", at=at(2024, 7, 1, 2, 0))
    last_of_2024 = add(session, "防汛工作通知", at=at(2024, 12, 31, 15, 59))
    first_of_2025 = add(session, "防汛工作通知", at=at(2024, 12, 31, 16, 0))
    undated = add(session, "防汛工作通知")
    session.execute(Item.__table__.update().where(Item.id == undated).values(published_at=None))
    search.refresh(session, [undated])
    session.commit()
    year = {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}
    assert found(session, "防汛", **year) == [last_of_2024, mid_2024, first_of_2024]
    assert found(session, "防汛", sort="newest", **year) == [last_of_2024, mid_2024, first_of_2024]
    assert search.search(session, "防汛", **year).total == 3
    assert found(session, "防汛", date_from=date(2023, 1, 1), date_to=date(2024, 12, 31)) == \
        [last_of_2024, mid_2024, first_of_2024, last_of_2023]
    assert found(session, "防汛", date_from=date(2024, 7, 1), date_to=date(2025, 12, 31)) == \
        [first_of_2025, last_of_2024, mid_2024]  # a partial year at the start
    assert found(session, "防汛", date_from=date(2023, 1, 1), date_to=date(2024, 6, 30)) == \
        [first_of_2024, last_of_2023]  # and at the end
    assert found(session, "防汛", date_from=date(2024, 1, 1)) == [first_of_2025, last_of_2024, mid_2024, first_of_2024]
    assert undated in found(session, "防汛")


def test_postgresql_year_lexemes_answer_whole_years_without_windows(pg_session, monkeypatch):
    """On PostgreSQL each dated entry carries its local year (y:2024, in both
    tsvectors), and a range of whole years read without week windows is those
    lexemes alone, with no key condition: the same items however the windows fall."""
    from sqlalchemy import text
    from storage.search import postgres_index

    session = pg_session
    ids = {}
    for n, when in enumerate([datetime(2023, 12, 31, 15, 59, tzinfo=timezone.utc), datetime(2023, 12, 31, 16, 0, tzinfo=timezone.utc),
                              datetime(2024, 5, 1, tzinfo=timezone.utc), datetime(2024, 12, 31, 15, 59, tzinfo=timezone.utc),
                              datetime(2024, 12, 31, 16, 0, tzinfo=timezone.utc), datetime(2025, 3, 1, tzinfo=timezone.utc)]):
        ids[n] = add(session, f"税收宣传通知{n}", "依法纳税。", columns=("notices",), at=when)
    undated = add(session, "税收宣传通知", columns=("notices",))
    session.execute(Item.__table__.update().where(Item.id == undated).values(published_at=None))
    search.refresh(session, [undated])
    session.commit()
    years = dict(session.execute(text(
        "SELECT item_id, (SELECT string_agg(l, ' ') FROM unnest(tsvector_to_array(tsv)) l WHERE l LIKE 'y:%') "
        "FROM item_search WHERE title_tsv @@ CAST(:y AS tsquery) OR item_id = :u"), {"y": "'y:2024'", "u": undated}).all())
    assert years == {ids[1]: "y:2024", ids[2]: "y:2024", ids[3]: "y:2024", undated: None}
    match, _ = postgres_index.compile_query([], ["c" + "notices".encode().hex()], *documents_key(2024, 2024))
    assert "sort_key" not in match.whole and "sort_key" in match.sql  # whole years: no key condition
    match, _ = postgres_index.compile_query([], [], *documents_key(2024, 2024, first=date(2024, 3, 1)))
    assert "sort_key + 0 >= :low" in match.whole and "sort_key + 0 <= :high" not in match.whole
    cases = [({"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}, [ids[3], ids[2], ids[1]]),
             ({"date_from": date(2024, 1, 1), "date_to": date(2025, 12, 31), "column": "notices"},
              [ids[5], ids[4], ids[3], ids[2], ids[1]]),
             ({"date_from": date(2023, 6, 1), "date_to": date(2024, 12, 31)}, [ids[3], ids[2], ids[1], ids[0]])]
    for widest, ahead in ((8, 48), (1, 0), (1, 1000)):  # the defaults; then one week, then the rest without a window
        monkeypatch.setattr(postgres_index, "WINDOW_WEEKS", widest)
        monkeypatch.setattr(postgres_index, "MAX_AHEAD", ahead)
        for kw, expected in cases:
            for q in ("税", "税收 通知"):
                assert found(session, q, sort="newest", **kw) == expected
                assert search.search(session, q, **kw).total == len(expected)


def documents_key(first_year: int, last_year: int, first: date | None = None) -> tuple[int, int]:
    from storage.search import documents
    return documents.key_range(first or date(first_year, 1, 1), date(last_year, 12, 31))


def test_migration_0027_gives_postgresql_entries_their_year(pg_url):
    """Entries written before 0027 get the year lexeme of their 发布日期 (none
    when undated), exactly as a rebuild writes it; the downgrade takes it away."""
    from sqlalchemy import text

    engine = make_engine(pg_url)
    upgrade(engine)
    with session_factory(engine)() as s:
        s.add(Unit(id="kecheng", name="柯城区", kind="county", homepage="http://kc/"))
        s.commit()
        ids = [add(s, "防汛防台工作通知", "做好防汛准备。", at=datetime(2025, 12, 31, 16, 0, tzinfo=timezone.utc)),
               add(s, "防汛物资", "", at=datetime(2019, 6, 1, tzinfo=timezone.utc)),
               add(s, "防汛演练", "", at=datetime(2020, 6, 1, tzinfo=timezone.utc))]
        s.execute(text("UPDATE items SET published_at = NULL WHERE id = :id"), {"id": ids[2]})
        search.refresh(s, [ids[2]])
        s.commit()
        rebuilt = s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all()
    command.downgrade(alembic_config(engine), "0026")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM item_search WHERE tsv::text LIKE '%''y:%' "
                                 "OR title_tsv::text LIKE '%''y:%'")).scalar_one() == 0
    upgrade(engine)
    with session_factory(engine)() as s:
        after = s.execute(text("SELECT item_id, tsv, title_tsv FROM item_search ORDER BY item_id")).all()
        assert after == rebuilt
        assert "'y:2026'" in str(after[0].tsv) and "'y:2019'" in str(after[1].title_tsv)
        assert found(s, "防汛", date_from=date(2026, 1, 1), date_to=date(2026, 12, 31)) == ids[:1]
    engine.dispose()
