"""Withdrawals only on evidence.  An item still at its source is never withdrawn
because a listing did not show it: not when pinned old items (置顶) head every
page, not when the list is in manual order (排序号), not when it only aged out of
a window, not from a feed, not after a partial run.  A page gone from a
complete newest-first list, or answering 404/410 when checked again, is
withdrawn, per the source's or the registry's ``withdrawal`` policy.

The column shapes follow county CMS lists: entries a page with 下一页 links (5 here, to be quick),
置顶 entries repeated at the head of every page (as TRS and 大汉 templates do),
and a CMS that only pages through its latest entries.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone
from email.utils import format_datetime

import pytest

from tests.conftest import pg_schema
from tests.security.conftest import items, messages, run_harvest, runs, source_line, write_registry
from tests.security.test_schemes import feed
from tests.sitekit import HTML, Site, article, list_page

PER_PAGE = 5
CST = timezone(timedelta(hours=8))


class Column:
    """A column list at a sub-site.  ``window``: the CMS pages through only that many
    regular entries (older ones drop off the list, their pages stay online)."""

    def __init__(self, label: str, count: int, pinned: int = 0, window: int | None = None, manual: bool = False):
        self.site = Site({})
        self.label = label
        self.window, self.manual = window, manual
        self.next_id = 1
        self.pinned = [self.make(day=f"2019-0{n + 1}-15") for n in range(pinned)]
        self.articles: list[dict] = []
        for _ in range(count):
            self.add()
        if manual:
            random.Random(7).shuffle(self.articles)  # 排序号: the editors' order, not the dates'
        self.publish()

    def make(self, day: str | None = None) -> dict:
        n = self.next_id
        self.next_id += 1
        # dated within the last weeks, so revisits (revisit_window 30d) apply to them
        return {"id": n, "title": f"关于{self.label}第{n}号事项的工作通知", "day": day or (date.today() - timedelta(days=28 - n)).isoformat(),
                "status": 200}

    def add(self, at: int = 0) -> dict:
        art = self.make()
        self.articles.insert(at, art)
        return art

    def listed(self) -> list[dict]:
        return self.articles[: self.window] if self.window else self.articles

    def publish(self, broken_page: int | None = None) -> None:
        listed = [a for a in self.listed() if a["status"] == 200 and not a.get("unlisted")]
        pages = [listed[i: i + PER_PAGE] for i in range(0, len(listed), PER_PAGE)]
        routes = {}
        for p, chunk in enumerate(pages):
            path = "/col/index.html" if p == 0 else f"/col/index_{p}.html"
            nxt = f"/col/index_{p + 1}.html" if p + 1 < len(pages) else None
            shown = self.pinned + chunk  # 置顶 heads every page
            routes[path] = (500, HTML, b"busy") if p == broken_page else (
                200, HTML, list_page([(f"/art/{a['id']}.html", a["title"], a["day"]) for a in shown], nxt))
        for a in self.pinned + self.articles:
            routes[f"/art/{a['id']}.html"] = (a["status"], HTML, article(a["title"], a["day"] + " 09:00"))
        self.site.routes = routes

class Feed:
    """An RSS feed of summaries (pages are fetched) of its latest entries."""

    def __init__(self, count: int):
        self.site = Site({})
        days = [date.today() - timedelta(days=20 - n) for n in range(count)]
        self.entries = [(f"/art/{n}.html", f"订阅源里的第{n}篇通知", format_datetime(datetime.combine(day, time(9), CST)))
                        for n, day in enumerate(days)]
        for (path, title, _), day in zip(self.entries, days):
            self.site.routes[path] = (200, HTML, article(title, day.isoformat()))
        self.publish(self.entries)

    def publish(self, shown) -> None:
        body = feed(list(reversed(shown))).replace(b"<content:encoded>", b"<x>").replace(b"</content:encoded>", b"</x>")
        self.site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, body)


def statuses(db_url: str) -> dict[str, str]:
    return {i["title"]: i["status"] for i in items(db_url)}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def changed(request, tmp_path_factory):
    """Four sources harvested, changed at their sites, harvested again.  Registry-wide
    ``withdrawal: flag``; the list sources say ``withdrawal: unpublish`` for themselves."""
    tmp = tmp_path_factory.mktemp("withdrawals")
    if request.param == "sqlite":
        db_url, ctx = f"sqlite:///{tmp / 'h.db'}", None
    else:
        ctx = pg_schema(request.getfixturevalue("pg_server_url"))
        db_url = ctx.__enter__()
    pinned = Column("置顶栏目", 15, pinned=2, window=15)
    manual = Column("排序栏目", 15, manual=True)
    partial = Column("残缺栏目", 15)
    news = Feed(12)
    own = ", max_pages: 10, withdrawal: unpublish"
    registry = write_registry(tmp / "registry.yaml", pinned.site.url + "/", [
        source_line("pinned", pinned.site.url + "/col/index.html", extra=own),
        source_line("manual", manual.site.url + "/col/index.html", extra=own),
        source_line("partial", partial.site.url + "/col/index.html", extra=own),
        source_line("feed", news.site.url + "/feed.xml", "feed"),
    ], "{per_host: {concurrency: 4, delay: 0}, withdrawal: flag, revisit_every: 1s}")
    first = run_harvest(registry, db_url)

    story = {"first": first, "db_url": db_url}
    # pinned: six new entries push six old ones off the CMS's three pages; one entry is deleted
    story["fallen"], story["pinned_deleted"] = pinned.articles[9:15], pinned.articles[3]
    pinned.articles[3]["status"] = 404
    for _ in range(6):
        pinned.add()
    pinned.publish()
    # manual order: one entry taken off the list (still online), one deleted; new ones on every page
    story["moved"], story["manual_deleted"] = manual.articles[4], manual.articles[11]
    manual.articles[4]["unlisted"] = True
    manual.articles[11]["status"] = 404
    for page in range(3):
        manual.add(at=page * PER_PAGE + 3)
    manual.publish()
    # partial: one entry deleted, and the second list page fails this time
    story["partial_deleted"] = partial.articles[2]
    partial.articles[2]["status"] = 404
    partial.add()
    partial.publish(broken_page=1)
    # feed: one entry leaves the feed (still online), one leaves it and its page answers 404
    story["kept"], story["feed_deleted"] = news.entries[5], news.entries[7]
    news.site.routes[news.entries[7][0]] = (404, HTML, b"gone")
    news.publish([e for e in news.entries if e not in (news.entries[5], news.entries[7])])

    story["second"] = run_harvest(registry, db_url)
    story["runs"], story["items"] = runs(db_url), {i["title"]: i for i in items(db_url)}
    story["pinned"] = pinned
    yield story
    for site in (pinned.site, manual.site, partial.site, news.site):
        site.stop()
    if ctx is not None:
        ctx.__exit__(None, None, None)


def test_every_source_was_read(changed):
    assert {sid: r["new"] for sid, r in changed["first"].items()} == {"pinned": 17, "manual": 15, "partial": 15, "feed": 12}


def test_pinned_old_items_on_every_page_of_a_window(changed):
    second, now = changed["second"]["pinned"], changed["items"]
    assert second["new"] == 6 and second["status"] == "ok", second
    assert second["withdrawn"] == 1  # the pinned 2019 entries did not stretch the evidence back to 2019
    gone = now[changed["pinned_deleted"]["title"]]
    assert gone["status"] == "withdrawn" and gone["flags"][-1]["reason"] == "vanished from its list at the source"
    assert all(now[a["title"]]["status"] == "published" for a in changed["fallen"] + changed["pinned"].pinned)


def test_a_list_in_manual_order_is_no_evidence(changed):
    second, now = changed["second"]["manual"], changed["items"]
    assert second["new"] == 3 and second["status"] == "ok", second
    assert now[changed["moved"]["title"]]["status"] == "published"  # absent from an unsorted list: no evidence
    gone = now[changed["manual_deleted"]["title"]]  # checked again, it answers 404: evidence
    assert gone["status"] == "withdrawn" and gone["flags"][-1]["reason"] == "gone from its listing and its page answers HTTP 404"
    assert second["withdrawn"] == 1


def test_a_partial_run_never_withdraws(changed):
    second = changed["second"]["partial"]
    assert second["status"] == "partial" and second["withdrawn"] == 0
    assert "/col/index_1.html [listing] HTTP 500" in messages(changed["runs"]["partial"])
    assert changed["items"][changed["partial_deleted"]["title"]]["status"] == "published"


def test_a_feed_is_a_window_and_the_registry_wide_policy_applies(changed):
    """Entries gone from a feed are checked again, not withdrawn for their absence;
    the registry-wide ``withdrawal: flag`` flags the one that answers 404."""
    second, now = changed["second"]["feed"], changed["items"]
    assert second["withdrawn"] == 1 and second["status"] == "ok", second
    kept = now[changed["kept"][1]]
    assert kept["status"] == "published" and kept["flags"] == []
    flagged = now[changed["feed_deleted"][1]]
    assert flagged["status"] == "published"  # flag, not unpublish
    assert flagged["flags"][-1]["kind"] == "withdrawn_at_source" and flagged["flags"][-1]["policy"] == "flag"
