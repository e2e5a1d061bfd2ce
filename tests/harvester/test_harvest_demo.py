"""The real spiders against the demo federation on loopback, on SQLite and PostgreSQL.

The demo sites know their own truth; every item a polite harvester can reach
must be stored with the right title, date, 来源, unit and columns.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from demo import catalog
from harvestkit.urls import canonical_url
from tests.conftest import pg_schema
from tests.demokit import served_demo

ROOT = Path(__file__).resolve().parents[2]


def zhanqun(*args: str, check_codes=(0, 1)) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in check_codes, proc.stderr[-3000:]
    return proc


def harvest_json(registry: Path, db_url: str, *extra: str) -> tuple[int, dict]:
    proc = zhanqun("harvest", "--registry", str(registry), "--db", db_url, "--json", *extra)
    return proc.returncode, json.loads(proc.stdout)


def export(registry: Path, db_url: str) -> list[dict]:
    proc = zhanqun("export", "--registry", str(registry), "--db", db_url, check_codes=(0,))
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.fixture(scope="module")
def federation(tmp_path_factory):
    with served_demo(tmp_path_factory.mktemp("demo")) as served:
        yield served


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def harvested(request, federation, tmp_path_factory):
    fed, server, registry = federation
    if request.param == "sqlite":
        db_urls = iter([f"sqlite:///{tmp_path_factory.mktemp('db') / 'zhanqun.db'}"])
        ctx = None
    else:
        ctx = pg_schema(request.getfixturevalue("pg_server_url"))
        db_urls = iter([ctx.__enter__()])
    db_url = next(db_urls)
    code, first = harvest_json(registry, db_url)
    items = export(registry, db_url)
    code2, second = harvest_json(registry, db_url)
    items_after = export(registry, db_url)
    yield {"code": code, "first": first, "second": second, "items": items, "items_after": items_after, "truth": fed.truth()}
    if ctx:
        ctx.__exit__(None, None, None)


def by_url(items: list[dict]) -> dict[str, dict]:
    return {canonical_url(url): item for item in items for url in item["sources"]}


def test_every_published_item_is_harvested_right(harvested):
    stored = by_url(harvested["items"])
    problems = []
    for want in harvested["truth"]["items"]:
        got = stored.get(canonical_url(want["url"]))
        if got is None:
            problems.append(f"missing {want['source_id']} {want['url']} {want['title']}")
            continue
        if want.get("group"):
            continue  # reposts are checked in their own test
        for key, got_key in (("title", "title"), ("published_at", "published_at"), ("source", "source"), ("unit_id", "unit_id")):
            if got[got_key] != want[key]:
                problems.append(f"{want['url']}: {key} {got[got_key]!r} != {want[key]!r}")
        if got["columns"] != sorted(want["columns"]):
            problems.append(f"{want['url']}: columns {got['columns']} != {want['columns']}")
        if sorted(a["url"] for a in got["attachments"]) != sorted(a["url"] for a in want["attachments"]):
            problems.append(f"{want['url']}: attachments {got['attachments']} != {want['attachments']}")
        for key, value in (want.get("meta") or {}).items():
            if got["meta"].get(key) != value:
                problems.append(f"{want['url']}: meta {key} {got['meta'].get(key)!r} != {value!r}")
    assert not problems, "\n".join(problems[:40])


def test_a_day_without_a_time_is_stored_as_such(harvested):
    """Sources whose pages give the day only (TRS, plain lists here) are flagged date-only,
    so the portal shows 2026-11-18, not 2026-11-18 00:00; pages with a time are not."""
    precision = {src["id"]: src["precision"] for site in catalog.SITES for src in site["sources"]}
    truth = {canonical_url(t["url"]): t["source_id"] for t in harvested["truth"]["items"]}
    stored = by_url(harvested["items"])
    seen = set()
    for url, source_id in truth.items():
        item = stored.get(url)
        if item is None or canonical_url(item["url"]) != url:
            continue  # merged into another publisher's item
        assert item["published_date_only"] is (precision[source_id] == "day"), (url, item["published_at"])
        seen.add(precision[source_id])
    assert seen == {"day", "minute", "second"}


def test_nothing_unreachable_or_foreign_is_stored(harvested):
    stored = by_url(harvested["items"])
    for bad in harvested["truth"]["unreachable"]:
        assert canonical_url(bad["url"]) not in stored, bad
    truth_urls = {canonical_url(i["url"]) for i in harvested["truth"]["items"]}
    extra = set(stored) - truth_urls
    assert not extra, sorted(extra)


def test_republished_notice_is_one_item_with_three_sources(harvested):
    groups: dict[str, list[dict]] = {}
    for want in harvested["truth"]["items"]:
        if want.get("group"):
            groups.setdefault(want["group"], []).append(want)
    assert groups, "the demo must republish a city notice"
    stored = by_url(harvested["items"])
    for copies in groups.values():
        items = {stored[canonical_url(c["url"])]["id"] for c in copies}
        assert len(items) == 1, f"{len(copies)} copies became {len(items)} items"
        item = stored[canonical_url(copies[0]["url"])]
        earliest = min(copies, key=lambda c: c["published_at"])
        assert len(item["sources"]) == len(copies) >= 3
        assert item["sources"][0] == canonical_url(earliest["url"]) and item["unit_id"] == earliest["unit_id"]
        assert item["published_at"] == earliest["published_at"]


def test_reharvest_adds_nothing(harvested):
    assert harvested["second"]["totals"]["new"] == 0
    assert harvested["second"]["totals"]["updated"] == 0
    assert len(harvested["items_after"]) == len(harvested["items"])


def test_gbk_page_with_lying_header_decodes(harvested):
    titles = [i["title"] for i in harvested["items"] if "镕" in i["title"]]
    assert titles, "the GBK page served as charset=utf-8 must decode to 镕"
    assert not any("\ufffd" in i["title"] or "锟" in i["title"] for i in harvested["items"])


def test_a_failing_site_does_not_stop_the_others(harvested):
    assert harvested["code"] == 1  # some source failed
    statuses = {s["id"]: s for s in harvested["first"]["sources"]}
    for source in harvested["truth"]["sources"]:
        got = statuses[source["id"]]
        if source["expect"] == "fail":
            assert got["status"] == "failed" and got["errors"] >= 1
        elif source["expect"] == "empty":  # a watched-only list that says 暂无信息: read, quiet, nothing stored
            assert got["status"] == "ok" and got["new"] == 0 and got["errors"] == 0, got
        else:
            assert got["status"] in ("ok", "partial") and got["new"] > 0, got


def test_robots_disallowed_pages_are_not_fetched(federation, harvested):
    _, server, _ = federation
    robots = [u for u in harvested["truth"]["unreachable"] if "robots" in u["why"]]
    assert robots
    fetched = {path for _, _, path, _ in server.requests}
    for entry in robots:
        path = entry["url"].split("/", 3)[3]
        assert "/" + path not in fetched
