"""Source health as operators see it: failing, paused after N failures, resumed by command."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from harvester.scheduler import adaptive_seconds, cron_jitter, plan_of
from harvester.registry import parse_registry
from storage import counters
from storage.db import make_engine, session_factory
from tests.sitekit import HTML, Site, one_source_registry

ROOT = Path(__file__).resolve().parents[2]
SOURCE_KEYS = {"id", "unit", "type", "status", "last_success", "last_error", "consecutive_failures", "next_run", "items_30d"}
RUN_KEYS = {"id", "source_id", "status", "started_at", "finished_at", "fetched", "new", "updated", "unchanged", "errors"}


def public_counter(db_url: str) -> int:
    engine = make_engine(db_url)
    with session_factory(engine)() as session:
        found = counters.value(session)
    engine.dispose()
    return found


def zhanqun(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_failing_then_paused_then_resumed(tmp_path, sqlite_url):
    site = Site({"/col/index.html": (500, HTML, b"down for maintenance")})
    try:
        registry = one_source_registry(tmp_path / "registry.yaml", site,
                                       policy="{failures_before_pause: 2, per_host: {concurrency: 2, delay: 0}}")
        common = ["--registry", str(registry), "--db", sqlite_url]

        assert zhanqun("harvest", *common, "--json").returncode == 1
        sources = json.loads(zhanqun("sources", *common, "--json").stdout)["sources"]
        assert SOURCE_KEYS <= set(sources[0])
        assert sources[0]["status"] == "failing" and sources[0]["consecutive_failures"] == 1
        assert sources[0]["last_error"] == "HTTP 500"
        assert public_counter(sqlite_url) == 1  # the portal's 站群导航 stops offering the source

        zhanqun("harvest", *common, "--json")
        source = json.loads(zhanqun("sources", *common, "--json").stdout)["sources"][0]
        assert source["status"] == "paused" and "2 failed runs in a row" in source["reason"]
        assert public_counter(sqlite_url) == 1  # still failed: nothing the public sees changed

        # A paused source is left alone by a plain harvest…
        skipped = json.loads(zhanqun("harvest", *common, "--json").stdout)
        assert skipped["sources"] == []
        # …until an operator resumes it.
        assert "resumed" in zhanqun("sources", *common, "resume", "a").stdout
        assert json.loads(zhanqun("sources", *common, "--json").stdout)["sources"][0]["status"] == "ok"
        assert public_counter(sqlite_url) == 2

        runs = json.loads(zhanqun("runs", *common, "--json", "--source", "a").stdout)["runs"]
        assert len(runs) == 2 and RUN_KEYS <= set(runs[0])
        assert all(r["status"] == "failed" and r["errors"] == 1 for r in runs)
        assert runs[0]["started_at"].endswith("+08:00")
    finally:
        site.stop()


def test_adaptive_intervals_follow_the_publishing_rate():
    low, high = timedelta(minutes=5), timedelta(days=1)
    assert adaptive_seconds(0, low, high) == 86400  # quiet: once a day
    assert adaptive_seconds(7, low, high) == 86400  # one a day: once a day
    assert adaptive_seconds(70, low, high) == 8640  # ten a day: every 2.4 h
    assert adaptive_seconds(100_000, low, high) == 300  # never faster than the bound


def test_plans_and_jitter():
    reg = parse_registry(
        "portal: {name: t}\ncolumns:\n  - {id: c, name: 栏目}\nunits:\n  - id: u\n    name: 单位\n    kind: county\n"
        "    homepage: http://a.gov.cn/\n    sources:\n"
        "      - {id: s1, url: 'http://a.gov.cn/', columns: [c], schedule: {every: 30m}}\n"
        "      - {id: s2, url: 'http://a.gov.cn/x', columns: [c], schedule: {cron: '0 */2 * * *'}}\n")
    every, cron = plan_of(reg.source("s1")[1]), plan_of(reg.source("s2")[1])
    assert every.kind == "every" and every.seconds == 1800
    assert every.trigger("Asia/Shanghai").jitter == 180  # 10% of the interval
    trigger = cron.trigger("Asia/Shanghai")
    assert trigger.jitter == 720 == cron_jitter(trigger)  # 10% of two hours
