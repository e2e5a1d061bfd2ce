"""Reposts stored by different writers are still one item.

Every harvest the scheduler starts has its own writer process, and so has every
job on every harvest node; each keeps its own in-memory duplicate index, loaded
when it starts.  A notice that the city publishes and a county reposts, read by
two harvests running at once, must still become one item with two sources
(seen failing: two Scrapyd nodes split such a repost into two items).

Two ``Ingestor`` objects stand for two writer processes: each has its own index
and its own connections to the same real database.
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone

from sqlalchemy import func, select

from harvester.fingerprint import content_hash, simhash
from harvester.ingest import Ingestor, WriterSource
from harvester.records import StoreRecord, summarise
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Item, ItemSource, PortalColumn, Source, Unit

BODY = ("为切实做好2026年冬季森林防火工作，有效预防和遏制森林火灾发生，保障人民群众生命财产安全，"
        "经市政府同意，现就有关事项通知如下：一、压实防火责任。各地要严格落实森林防火行政首长负责制。"
        "二、加强火源管控。严禁一切野外违规用火行为，重点时段实行二十四小时值守。三、做好应急准备。") * 3
TITLE = "关于做好2026年冬季森林防火工作的通知"
SOURCES = {"city": WriterSource("qz", "衢州市人民政府", ("tzgg",), "auto"),
           "county": WriterSource("kc", "柯城区人民政府", ("tzgg",), "auto")}


def record(source_id: str, url: str, body: str = BODY, title: str = TITLE) -> StoreRecord:
    return StoreRecord(
        source_id=source_id, run_id=None, url=url, urls=[url], title=title,
        published_at=datetime(2026, 11, 10, 8, 20, tzinfo=timezone.utc), published_date_only=False,
        source_text="", column_name="通知公告", body_html=f"<p>{body}</p>", body_text=body, summary=summarise(body),
        attachments=[], images=[], meta={}, list_date="2026-11-10", content_hash=content_hash(body),
        fingerprint=simhash(body), raw_gz=b"", encoding="utf-8", http_status=200, content_type="text/html",
        extracted_title=title)


def prepared(db_url: str):
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        s.add(PortalColumn(id="tzgg", name="通知公告"))
        s.add_all([Unit(id="qz", name="衢州市人民政府", kind="city", homepage="http://qz.example/"),
                   Unit(id="kc", name="柯城区人民政府", kind="county", homepage="http://kc.example/")])
        s.flush()
        s.add_all([Source(id="city", unit_id="qz", url="http://qz.example/tzgg/", type="list", columns=["tzgg"]),
                   Source(id="county", unit_id="kc", url="http://kc.example/tzgg/", type="list", columns=["tzgg"])])
    return engine, sessions


def items_and_sources(sessions) -> tuple[int, int]:
    with sessions() as s:
        return s.scalar(select(func.count()).select_from(Item)), s.scalar(select(func.count()).select_from(ItemSource))


def test_a_repost_stored_by_another_writer_is_merged(db_url):
    engine, sessions = prepared(db_url)
    city, county = Ingestor(sessions, SOURCES), Ingestor(sessions, SOURCES)  # both started before either stored
    assert city.ingest_batch([record("city", "http://qz.example/art/2026/11/10/art_1230_3628.html")]) == ["new"]
    repost = record("county", "http://kc.example/col/tzgg/202611/t20261111_123476.html",
                    body=BODY.replace("经市政府同意", "经区政府同意"))  # a county's copy: a word changed
    assert county.ingest_batch([repost]) == ["merged"]
    assert items_and_sources(sessions) == (1, 2)
    # and the other way round: the first writer learns of the second's new items too
    other = ("为深入开展城镇燃气安全专项整治，全面排查燃气经营、输送、使用各环节的安全隐患，现将有关事项通知如下："
             "一、全面排查餐饮场所燃气使用情况。二、加快老旧管网更新改造。三、严厉打击非法经营燃气行为。") * 3
    assert county.ingest_batch([record("county", "http://kc.example/art/2.html", body=other,
                                       title="关于开展冬季燃气安全专项整治的通知")]) == ["new"]
    assert city.ingest_batch([record("city", "http://qz.example/art/9.html", body=other,
                                     title="关于开展冬季燃气安全专项整治的通知")]) == ["merged"]
    assert items_and_sources(sessions) == (2, 4)
    engine.dispose()


def test_two_writers_storing_the_same_notice_at_the_same_moment_make_one_item(db_url):
    engine, sessions = prepared(db_url)
    writers = [Ingestor(sessions, SOURCES), Ingestor(sessions, SOURCES)]
    pages = [record("city", "http://qz.example/art/1.html"), record("county", "http://kc.example/art/1.html")]
    start, outcomes = threading.Barrier(2), [None, None]

    def store(n: int) -> None:
        start.wait()
        outcomes[n] = writers[n].ingest_batch([pages[n]])

    threads = [threading.Thread(target=store, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(o[0] for o in outcomes) == ["merged", "new"]
    assert items_and_sources(sessions) == (1, 2)
    engine.dispose()
