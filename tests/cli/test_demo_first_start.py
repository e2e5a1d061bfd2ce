"""`make run` on a new database: every column shows content, the newest items of the
review-required sources wait in the 审核 queue, and the banner states the schedules."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from cli.demo_backlog import first_start, harvested, publish_backlog
from cli.demo_cmd import _schedule_lines
from harvester.registry import load_registry
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import AuditEntry, HarvestRun, Item, ItemSource, Source, Unit

ROOT = Path(__file__).resolve().parents[2]


def test_first_start_publishes_all_but_the_newest_of_a_review_source(sqlite_url):
    engine = make_engine(sqlite_url)
    upgrade(engine)
    sessions = session_factory(engine)
    day = datetime(2026, 11, 1, 2, 0, tzinfo=timezone.utc)
    with sessions.begin() as s:
        s.add(Unit(id="fgw", name="市发改委", kind="department", homepage="http://fgw.example/"))
        s.add(Source(id="fgw-zcwj", unit_id="fgw", url="http://fgw.example/zcwj/", type="list", columns=["zcwj"]))
        s.flush()
        for n in range(6):
            item = Item(title=f"政策文件{n}", url=f"http://fgw.example/{n}.html", unit_id="fgw", status="pending",
                        published_at=day + timedelta(days=n), content_hash=f"{n:064d}",
                        sensitive_terms=["内部资料"] if n == 0 else [])
            s.add(item)
            s.flush()
            s.add(ItemSource(item_id=item.id, source_id="fgw-zcwj", unit_id="fgw", url=item.url, is_primary=True))
    with sessions.begin() as s:
        assert first_start(s) and not harvested(s, "fgw-zcwj")
        s.add(HarvestRun(source_id="fgw-zcwj", status="ok"))
    with sessions.begin() as s:
        assert harvested(s, "fgw-zcwj")
        done = publish_backlog(s, "fgw-zcwj")
    assert (done.published, done.waiting) == (2, 4)  # the newest 3 wait, and the one the screen held
    with sessions() as s:
        status = dict(s.query(Item.title, Item.status).all())
        assert [t for t, st in sorted(status.items()) if st == "published"] == ["政策文件1", "政策文件2"]
        assert s.query(AuditEntry).filter_by(action="publish", username="system").count() == 2
        assert not first_start(s)  # the next start leaves the queue alone
    engine.dispose()


def test_the_banner_says_what_the_registry_schedules():
    lines = _schedule_lines(load_registry(ROOT / "registry.yaml"), 60, 10)
    text = "\n".join(lines)
    assert "at least every 2m–10m" in text and "cron '*/5 * * * *'" in text and "down to 1m" in text
    assert "every 60 s one demo source publishes, in turn over 10 sources" in text and "within 10m" in text
    assert "kecheng-tzgg (通知公告)" in text and "fgw-zcwj (政策文件)" in text and "newest 3" in text
