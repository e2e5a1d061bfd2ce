"""Supervision against real loopback sites, after real harvests, on SQLite and PostgreSQL:
a healthy unit, a dead port, a stale column, an empty (watched-only) column, a redesigned
list (harvest_broken, never column_stale), dead homepage links and a duty shortfall;
findings that last stay one finding, close by themselves, and a past date keeps its verdict."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from cli.main import main
from harvester.registry import load_registry
from storage.db import make_engine, session_factory
from storage.models import ItemSource, Source
from supervision import service
from supervision.findings import raw_page
from supervision.models import ColumnState, Finding, Probe
from supervision.status import Scope, status
from tests.sitekit import HTML
from tests.supervision.federation import Federation, ago

ROOT = Path(__file__).resolve().parents[2]


def harvest(registry: Path, db_url: str, *sources: str) -> dict:
    cmd = [sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url, "--json", "--workers", "0"]
    for source in sources:
        cmd += ["--source", source]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    return {s["id"]: s for s in json.loads(proc.stdout)["sources"]}


@pytest.fixture
def world(tmp_path, db_url):
    fed = Federation()
    registry_path = fed.registry(tmp_path / "registry.yaml")
    first = harvest(registry_path, db_url)
    fed.redesign_list()  # the unit redesigns its list page: our reader no longer finds entries
    second = harvest(registry_path, db_url, "redesign-xw")
    engine = make_engine(db_url)
    yield fed, load_registry(registry_path), session_factory(engine), registry_path, {"first": first, "second": second}
    engine.dispose()
    fed.stop()


def open_findings(sessions) -> dict[str, set[tuple[str, str]]]:
    with sessions() as s:
        out: dict[str, set[tuple[str, str]]] = {}
        for f in s.scalars(select(Finding).where(Finding.status == "open")):
            out.setdefault(f.unit_id, set()).add((f.kind, f.subject))
        return out


def test_supervision_of_a_federation(world, db_url):
    fed, registry, sessions, registry_path, runs = world
    # The harvest path: a watched-only list is read, nothing is stored, and "暂无数据" is no error.
    assert runs["first"]["quiet-zcjd"]["status"] == "ok" and runs["first"]["quiet-zcjd"]["fetched"] == 0
    assert runs["first"]["dead-xw"]["status"] == "failed"
    assert runs["second"]["redesign-xw"]["status"] == "failed"
    with sessions() as s:
        assert s.get(Source, "redesign-xw").status == "broken-rules"
        assert s.get(Source, "quiet-zcjd").watched and s.get(Source, "quiet-zcjd").category == "notice"
        assert not s.scalars(select(ItemSource).where(ItemSource.source_id == "quiet-zcjd")).first()

    t1 = datetime.now(timezone.utc)
    reports = {r.unit_id: r for r in service.check(registry, sessions, now=t1)}
    assert reports["healthy"].up and reports["quiet"].up and not reports["dead"].up
    assert reports["dead"].error == "连接被拒绝"
    assert reports["redesign"].columns == {"redesign-xw": "broken"}
    assert reports["dead"].columns == {"dead-xw": "unreachable"}  # the site is down: not the reader's fault either
    assert reports["quiet"].links_dead == 2 and reports["healthy"].links_dead == 0

    found = open_findings(sessions)
    assert "healthy" not in found
    assert found["dead"] == {("site_unreachable", "homepage")}
    assert found["redesign"] == {("harvest_broken", "redesign-xw")}  # not column_stale, though its last items are old
    quiet_url = fed.quiet.url
    assert found["quiet"] == {
        ("column_stale", "quiet-gzdt"), ("column_empty", "quiet-zcjd"), ("duty_shortfall", "tzgg/month"),
        ("broken_link", f"homepage {quiet_url}/zt/gone.html"), ("broken_link", f"homepage {quiet_url}/zwgk/old.html"),
    }

    with sessions() as s:
        first_ids = {(f.unit_id, f.kind, f.subject): f.id for f in s.scalars(select(Finding))}
        stale = s.scalar(select(Finding).where(Finding.kind == "column_stale"))
        assert "40 天未更新" in stale.detail and stale.data["newest"] == ago(40)
        empty = s.scalar(select(Finding).where(Finding.kind == "column_empty"))
        assert "暂无数据" in empty.detail
        assert "暂无数据" in raw_page(empty.evidence[0]).decode("utf-8")  # the list page, kept as evidence
        soft = s.scalar(select(Finding).where(Finding.subject.like("%gone.html")))
        assert "错误页面" in soft.detail and soft.evidence[0].http_status == 200
        assert "非常抱歉" in raw_page(soft.evidence[0]).decode("utf-8")
        dead = s.scalar(select(Finding).where(Finding.kind == "site_unreachable"))
        assert dead.evidence[0].error == "连接被拒绝" and dead.evidence[0].http_status is None
        duty = s.scalar(select(Finding).where(Finding.kind == "duty_shortfall"))
        assert (duty.data["required"], duty.data["delivered"], duty.data["harvested"]) == (3, 1, 1)
        assert s.scalar(select(ColumnState).where(ColumnState.source_id == "healthy-xw")).newest == ago(1)

    # A second round sees the same problems: the same findings, seen again, nothing duplicated.
    t2 = t1 + timedelta(seconds=20)
    service.check(registry, sessions, now=t2)
    with sessions() as s:
        rows = list(s.scalars(select(Finding)))
        assert {(f.unit_id, f.kind, f.subject): f.id for f in rows} == first_ids
        assert all(f.last_seen == t2 and f.since == t1 for f in rows if f.status == "open")
        assert s.scalar(select(Probe).where(Probe.unit_id == "dead").order_by(Probe.id.desc())).ok is False

    # The soft-404 page gets its content back: that finding closes by itself, the others stay.
    fed.quiet.routes["/zt/gone.html"] = (200, HTML, ("<html><head><meta charset='utf-8'><title>专题：惠民政策解读</title></head>"
                                                    "<body>" + "<p>惠民政策解读正文内容。</p>" * 80 + "</body></html>").encode("utf-8"))
    t3 = t2 + timedelta(seconds=20)
    service.check_links(registry, sessions, ["quiet"], now=t3)
    with sessions() as s:
        soft = s.scalar(select(Finding).where(Finding.subject.like("%gone.html")))
        assert soft.status == "closed" and soft.closed_at == t3 and soft.open_key is None

    scope = Scope.of(registry)
    with sessions() as s:
        now = {u["id"]: u for u in status(s, scope, now=t3 + timedelta(seconds=1))["units"]}
        before = {u["id"]: u for u in status(s, scope, now=t2 + timedelta(seconds=1))["units"]}
    assert (now["healthy"]["verdict"], now["healthy"]["score"], now["healthy"]["vetoes"]) == ("合格", 100, [])
    assert now["healthy"]["duties"][0]["short"] is False and now["healthy"]["freshness"][0]["days"] == 1
    assert now["dead"]["verdict"] == "不合格" and now["dead"]["vetoes"] == ["site_unreachable"]  # 2 failed probes (veto at 2)
    assert now["quiet"]["verdict"] == "不合格" and now["quiet"]["vetoes"] == ["column_stale"]
    assert now["quiet"]["deductions"] == {"broken_link": 1, "column_empty": 2, "column_stale": 2, "duty_shortfall": 2}
    assert now["quiet"]["score"] == 93
    assert before["quiet"]["deductions"]["broken_link"] == 2  # as it was before the page came back
    assert (now["redesign"]["verdict"], now["redesign"]["score"]) == ("合格", 100)  # the reader's problem, not the unit's
    assert [f["owner"] for f in now["redesign"]["findings"]] == ["portal"]
    assert {c["source_id"]: c["state"] for c in now["quiet"]["freshness"]} == {
        "quiet-gzdt": "ok", "quiet-zcjd": "empty", "quiet-tzgg": "ok"}


    # The CLI prints the same status as JSON, in the shape the issue fixes.
    result = CliRunner().invoke(main, ["supervise", "status", "--json", "--registry", str(registry_path), "--db", db_url])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) == {"at", "units"}
    unit = next(u for u in doc["units"] if u["id"] == "quiet")
    assert {"id", "name", "verdict", "score", "vetoes", "findings", "freshness", "latency"} <= set(unit)
    assert {"id", "kind", "source_id", "url", "detail", "since", "status"} <= set(unit["findings"][0])
    assert {"source_id", "category", "newest", "days"} <= set(unit["freshness"][0])
    assert {"median_hours", "p90_hours"} <= set(unit["latency"])
    assert (unit["name"], unit["verdict"], unit["vetoes"]) == ("安静单位", "不合格", ["column_stale"])
    bad = CliRunner().invoke(main, ["supervise", "status", "--at", "2999-01-01", "--registry", str(registry_path), "--db", db_url])
    assert bad.exit_code == 2 and "将来" in bad.output
