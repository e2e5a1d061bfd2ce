"""The scheduler runs supervision: a jittered job per unit on `homepage_checks.every`, one
dead-link job on `link_checks.every`, following registry edits; a job's round records its probe."""
from __future__ import annotations

import shutil

from sqlalchemy import select

from harvester.registry import parse_registry
from supervision import service
from harvester.scheduler import LINKS_JOB, PUBLISH_DUE_JOB, Scheduler
from harvester.sync import sync_registry
from supervision.models import Finding, LinkState, Probe
from tests.sitekit import HTML, Site
from tests.supervision.federation import synced

HOME = "<html><head><meta charset='utf-8'><title>单位</title></head><body><a href='/gone.html'>旧栏目入口</a></body></html>"


def registry_text(site: Site, units: list[str]) -> str:
    out = ("portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
           "supervision: {homepage_checks: {every: 1h}, link_checks: {every: 1d, external: false}}\n"
           "columns:\n  - {id: xw, name: 新闻}\nunits:\n")
    for uid in units:
        out += f"  - id: {uid}\n    name: 单位{uid}\n    kind: department\n    homepage: {site.url}/\n    allow_private: true\n"
    return out


def test_supervision_jobs_follow_the_registry_and_record_their_rounds(tmp_path, sqlite_url):
    site = Site({"/": (200, HTML, HOME.encode("utf-8"))})
    path = tmp_path / "registry.yaml"
    path.write_text(registry_text(site, ["a", "b"]), encoding="utf-8")
    sched = Scheduler(str(path), sqlite_url, on_event=lambda message: None)
    try:
        sched.scheduler.start(paused=True)  # jobs are planned, none runs on its own here
        with sched.sessions.begin() as s:
            sync_registry(s, sched.registry)  # as Scheduler.start does
        sched.sync_jobs(sched.registry)
        jobs = {job.id: job for job in sched.scheduler.get_jobs()}
        assert set(jobs) == {"supervise-unit:a", "supervise-unit:b", LINKS_JOB, PUBLISH_DUE_JOB}  # and 定时发布
        unit_job = jobs["supervise-unit:a"]
        assert unit_job.trigger.interval.total_seconds() == 3600 and unit_job.trigger.jitter == 360
        assert jobs[LINKS_JOB].trigger.interval.total_seconds() == 86400 and unit_job.executor == "supervision"

        sched.registry = parse_registry(registry_text(site, ["a"]))
        sched.sync_jobs(sched.registry)
        assert {job.id for job in sched.scheduler.get_jobs()} == {"supervise-unit:a", LINKS_JOB, PUBLISH_DUE_JOB}

        sched.supervise("a")  # what the unit job runs
        sched.supervise(None)  # what the dead-link job runs
        with sched.sessions() as s:
            assert [(p.unit_id, p.ok, p.http_status) for p in s.scalars(select(Probe))] == [("a", True, 200)]
            assert {f.kind for f in s.scalars(select(Finding).where(Finding.unit_id == "a"))} == {"homepage_stale", "broken_link"}
            assert s.scalar(select(LinkState).where(LinkState.url.like("%gone.html"))).dead
    finally:
        sched.scheduler.shutdown(wait=False)
        sched.engine.dispose()
        shutil.rmtree(sched.snapshot.parent, ignore_errors=True)
        site.stop()


def test_nothing_is_judged_from_columns_not_read_yet(tmp_path, sqlite_url):
    """A round that runs before the first harvest (a scheduler just started) accuses nobody."""
    site = Site({"/": (200, HTML, HOME.encode("utf-8"))})
    try:
        text = registry_text(site, ["a"]).replace("    allow_private: true\n", (
            "    allow_private: true\n    sources:\n"
            f"      - {{id: a-xw, url: '{site.url}/xw/', type: list, columns: [xw], allow_private: true}}\n"
            "    duties:\n      - {column: xw, min_items: 2, per: month}\n"))
        registry = parse_registry(text)
        sessions, engine = synced(registry, sqlite_url)
        report = service.check_units(registry, sessions)[0]
        assert report.up and report.columns == {"a-xw": "unread"}
        with sessions() as s:
            assert list(s.scalars(select(Finding))) == []  # no 首页不更新, no shortfall: unknown is not quiet
        engine.dispose()
    finally:
        site.stop()
