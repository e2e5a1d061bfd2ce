"""Findings survive what operators do to processes: two checks at once open one finding,
and a check killed with kill -9 mid-round leaves whole findings that the next round completes."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, select

from harvester.registry import load_registry
from harvester.sync import sync_registry
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from supervision import service
from supervision.findings import Problem, Proof, see
from supervision.models import Evidence, Finding
from tests.sitekit import HTML, Site, slow

ROOT = Path(__file__).resolve().parents[2]


def registry_for(site: Site, path: Path) -> Path:
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 1, delay: 0}}\n"
        "supervision: {link_checks: {external: false}}\ncolumns:\n  - {id: xw, name: 新闻}\n"
        f"units:\n  - id: u\n    name: 测试单位\n    kind: department\n    homepage: {site.url}/\n    allow_private: true\n",
        encoding="utf-8")
    return path


def test_two_checks_at_once_open_one_finding(db_url, tmp_path):
    site = Site({})
    try:
        registry = load_registry(registry_for(site, tmp_path / "registry.yaml"))
    finally:
        site.stop()
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        sync_registry(s, registry)
    start = threading.Barrier(4)
    results = []

    def check():
        start.wait()
        now = datetime.now(timezone.utc)
        results.append(see(sessions, Problem("u", "column_stale", "src", "栏目已 40 天未更新",
                                             proof=Proof(now, "http://x/", "GET", 200)), now))

    threads = [threading.Thread(target=check) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({finding_id for finding_id, _ in results}) == 1
    assert sum(opened for _, opened in results) == 1
    with sessions() as s:
        assert s.scalar(select(func.count(Finding.id))) == 1
        assert s.scalar(select(func.count(Evidence.id))) in (1, 2)  # first, and latest from the refreshes
    engine.dispose()


def test_a_check_killed_midway_leaves_whole_findings(db_url, tmp_path):
    home = ("<html><head><meta charset='utf-8'><title>测试单位</title></head><body><ul>"
            "<li><a href='/ok.html'>机构概况</a></li><li><a href='/hang.html'>办事服务</a></li>"
            "<li><a href='/dead.html'>旧专题</a></li></ul></body></html>").encode("utf-8")
    page = (200, HTML, b"<html><head><title>ok</title></head><body>" + "内容".encode("utf-8") * 400 + b"</body></html>")
    site = Site({"/": (200, HTML, home), "/ok.html": page, "/hang.html": (200, HTML, slow(30, b"late"))})
    try:
        registry_path = registry_for(site, tmp_path / "registry.yaml")
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "supervise", "check", "--registry", str(registry_path),
                                 "--db", db_url], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while not site.paths("/hang.html") and time.monotonic() < deadline:  # mid-way through the link round
                time.sleep(0.05)
            assert site.paths("/hang.html"), "the check never reached the hanging link"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        engine = make_engine(db_url)
        sessions = session_factory(engine)
        with sessions() as s:
            findings = list(s.scalars(select(Finding)))
            assert [f.kind for f in findings if f.kind == "homepage_stale"] == ["homepage_stale"]
            for finding in findings:  # whatever was written is whole: each finding has its first evidence
                assert [e.role for e in finding.evidence][:1] == ["first"]
        stale_id = next(f.id for f in findings if f.kind == "homepage_stale")

        site.routes["/hang.html"] = page  # the next round picks up where the killed one stopped
        service.check(load_registry(registry_path), sessions)
        with sessions() as s:
            rows = {(f.kind, f.subject.rsplit("/", 1)[-1]): f for f in s.scalars(select(Finding))}
        assert set(rows) == {("homepage_stale", "homepage"), ("broken_link", "dead.html")}
        assert rows[("homepage_stale", "homepage")].id == stale_id and all(f.status == "open" for f in rows.values())
        engine.dispose()
    finally:
        site.stop()
