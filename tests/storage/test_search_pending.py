"""PostgreSQL: a search reads the GIN index proper, not a pile of pending entries.

GIN keeps new entries in a pending list that every search reads in full until
VACUUM, autovacuum's ANALYZE or a 4 MB limit merges it; the portal's searches
(相关信息 on every item page) slowed tenfold while harvests stored.  Whoever
writes index entries merges them (storage.search.postgres_index.merge_pending),
so what a search reads stays small however many entries were just written.
"""
from __future__ import annotations

import json

from sqlalchemy import text

from storage import search
from storage.models import Item
from storage.search.postgres_index import char_lexeme
from tests.storage.test_search import add, pg_session  # noqa: F401 - the seeded PostgreSQL session

SUBJECTS = "森林防火 防汛抗旱 安全生产 疫苗接种 垃圾分类 乡村振兴 营商环境 共同富裕".split()


def index_blocks(s, index: str, query: str) -> int:
    """Buffers the bitmap scan of ``index`` reads for a title query (EXPLAIN ANALYZE)."""
    s.execute(text("SET LOCAL enable_seqscan = off"))
    s.execute(text("SET LOCAL enable_indexscan = off"))
    plan = s.execute(text("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) SELECT item_id FROM item_search "
                          "WHERE title_tsv @@ CAST(:q AS tsquery)"), {"q": query}).scalar_one()
    plan = json.loads(plan) if isinstance(plan, str) else plan
    s.rollback()

    def nodes(node):
        yield node
        for child in node.get("Plans", []):
            yield from nodes(child)
    scans = [n for n in nodes(plan[0]["Plan"]) if n["Node Type"] == "Bitmap Index Scan"]
    assert [n["Index Name"] for n in scans] == [index]
    return scans[0]["Shared Hit Blocks"] + scans[0]["Shared Read Blocks"]


def test_a_search_right_after_harvests_reads_a_few_index_pages(pg_session):  # noqa: F811
    s = pg_session
    # 240 items, stored 40 to a transaction as the harvest's writer stores them (several commits)
    for batch in range(6):
        ids = []
        for n in range(40):
            subject = SUBJECTS[(batch * 40 + n) % len(SUBJECTS)]
            item = Item(title=f"关于第{batch}批{n}号{subject}工作情况的通报（{batch * 40 + n}）", body_text=subject * 40,
                        status="published", unit_id="kecheng", url=f"http://kc.example/p/{batch}/{n}.html",
                        content_hash=f"{batch:032d}{n:032d}")
            s.add(item)
            ids.append(item)
        s.flush()
        search.refresh(s, [item.id for item in ids])
        s.commit()
    rare = add(s, "关于鹦鹉螺标本征集的通知")
    assert search.search(s, "鹦鹉螺").hits[0].item_id == rare
    # one ideograph's posting: the metapage, the entry tree's root and leaf, a posting page or two;
    # 240 pending titles alone fill dozens of pages, every one of them read by every search
    assert index_blocks(s, "ix_item_search_title_tsv", char_lexeme("鹦")) <= 6
    assert index_blocks(s, "ix_item_search_title_tsv", char_lexeme("森")) <= 6
