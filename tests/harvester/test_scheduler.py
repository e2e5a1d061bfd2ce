"""The scheduler, run as operators run it: a process started, reconfigured and stopped."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from harvester.scheduler import Scheduler
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import HarvestRun, Source, Unit
from tests.sitekit import HTML, Site, article, list_page

ROOT = Path(__file__).resolve().parents[2]


def registry_text(site: Site, sources: list[str], extra: str = "") -> str:
    lines = [
        "portal: {name: 测试门户, timezone: Asia/Shanghai}",
        "harvest: {adaptive: false, per_host: {concurrency: 4, delay: 0}}",
        "columns:\n  - {id: tzgg, name: 通知公告}",
        f"units:\n  - id: t\n    name: 测试单位\n    kind: department\n    homepage: {site.url}/\n    sources:",
    ]
    for sid in sources:
        lines.append(f"      - {{id: {sid}, url: '{site.url}/col/{sid}.html', type: list, columns: [tzgg], "
                     f"allow_private: true, schedule: {{every: 1s}}}}")
    return "\n".join(lines) + "\n" + extra


@pytest.fixture
def site():
    arts = [(f"/art/{i}.html", f"第{i}篇通知公告的标题", f"2026-11-{i + 1:02d}") for i in range(3)]
    routes = {f"/col/{sid}.html": (200, HTML, list_page(arts)) for sid in ("a", "b")}
    routes.update({href: (200, HTML, article(title, day)) for href, title, day in arts})
    site = Site(routes, latency=0.4)  # every request is slow: a run lasts longer than the 1 s interval
    yield site
    site.stop()


class SchedulerProcess:
    def __init__(self, registry: Path, db_url: str, log: Path, url_in_env: bool = False):
        """``url_in_env``: the database URL in ``ZHANQUN_DATABASE_URL``, as a service unit sets it."""
        self.log = log
        command = [sys.executable, "-m", "cli.main", "scheduler", "--registry", str(registry)]
        env = {**os.environ, "ZHANQUN_DATABASE_URL": db_url} if url_in_env else None
        self.proc = subprocess.Popen(
            command if url_in_env else [*command, "--db", db_url],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=open(log, "w"), start_new_session=True, env=env,
        )

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8")

    def wait_for(self, needle: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if needle in self.output():
                return
            assert self.proc.poll() is None, self.output()
            time.sleep(0.2)
        raise AssertionError(f"{needle!r} not seen in:\n{self.output()}")

    def stop(self) -> int:
        os.kill(self.proc.pid, signal.SIGTERM)
        return self.proc.wait(60)

    def kill(self) -> None:
        """Whatever happened in the test, leave no scheduler behind."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()


@pytest.fixture
def schedulers():
    started: list[SchedulerProcess] = []
    yield started
    for proc in started:
        proc.kill()


def runs_of(db_url: str) -> list[HarvestRun]:
    with session_factory(make_engine(db_url))() as s:
        return list(s.scalars(select(HarvestRun).order_by(HarvestRun.started_at)))


def test_short_intervals_no_overlap_clean_stop_and_restart(site, tmp_path, sqlite_url, schedulers):
    registry = tmp_path / "registry.yaml"
    registry.write_text(registry_text(site, ["a"]), encoding="utf-8")

    # A run "left running" by a crashed harvester, to be aborted at start-up.
    engine = make_engine(sqlite_url)
    upgrade(engine)
    with session_factory(engine).begin() as s:
        s.add(Unit(id="t", name="测试单位", kind="department", homepage=site.url + "/"))
        s.add(Source(id="a", unit_id="t", url=site.url + "/col/a.html", type="list", columns=["tzgg"]))
        s.flush()
        s.add(HarvestRun(source_id="a", status="running", pid=2**22 + 12345, hostname=None))

    first = SchedulerProcess(registry, sqlite_url, tmp_path / "first.log")
    schedulers.append(first)
    first.wait_for("marked 1 run(s) left running by a crash as aborted")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and sum(r.status in ("ok", "partial") for r in runs_of(sqlite_url)) < 3:
        time.sleep(0.5)
    assert first.stop() == 0

    runs = [r for r in runs_of(sqlite_url)]
    assert runs[0].status == "aborted"
    done = [r for r in runs[1:]]
    assert sum(r.status == "ok" for r in done) >= 3
    assert all(r.status in ("ok", "aborted") for r in done), [r.status for r in done]
    for earlier, later in zip(done, done[1:]):  # one run per source at a time
        assert later.started_at >= earlier.finished_at
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM apscheduler_jobs WHERE id = 'a'")).scalar() == 1

    # Restart: the job survives in the database and is not re-created.
    second = SchedulerProcess(registry, sqlite_url, tmp_path / "second.log")
    schedulers.append(second)
    second.wait_for("scheduler started")
    assert "a: scheduled" not in second.output()

    # Registry edits are picked up without a restart; a broken edit is refused.
    registry.write_text(registry_text(site, ["a", "b"]), encoding="utf-8")
    second.wait_for("b: scheduled")
    second.wait_for("registry reloaded")
    os.kill(second.proc.pid, signal.SIGHUP)  # operators reload by signal too
    deadline = time.monotonic() + 20
    while second.output().count("registry reloaded") < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert second.output().count("registry reloaded") == 2
    registry.write_text(registry_text(site, ["a", "b"], extra="bogus_key: 1\n"), encoding="utf-8")
    second.wait_for("registry change refused")
    assert "bogus_key: unknown key" in second.output()
    before = len(runs_of(sqlite_url))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(runs_of(sqlite_url)) < before + 2:
        time.sleep(0.5)
    assert len(runs_of(sqlite_url)) >= before + 2  # the old registry keeps running
    assert second.stop() == 0
    assert not [r for r in runs_of(sqlite_url) if r.status == "running"]
    assert {r.source_id for r in runs_of(sqlite_url)} == {"a", "b"}


class WatchedScheduler(Scheduler):
    """The real scheduler, in this process, noting when each harvest was started and ended."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.harvests: dict[str, list[tuple[float, float]]] = {}

    def run_source(self, source_id: str) -> None:
        started = time.monotonic()
        super().run_source(source_id)
        self.harvests.setdefault(source_id, []).append((started, time.monotonic()))


def test_a_written_every_is_kept_for_quiet_sources(tmp_path, sqlite_url):
    """`every: 2s` with adaptive scheduling on (the default) and sources that published
    nothing this week: each source is harvested again at most 2 s after its last harvest
    ended — 5 harvests in 20 s wherever a harvest (a child process) takes ~2 s — never once
    and then a day later; `zhanqun sources` says why.  The gaps are what the scheduler
    decides; how long a harvest takes depends on the machine (benchmarks measure that)."""
    every, latency = 2.0, 1.0
    sites = []
    arts = [(f"/art/{i}.html", f"第{i}篇旧的通知公告的标题", f"2026-10-{i + 1:02d}") for i in range(3)]
    routes = {href: (200, HTML, article(title, day)) for href, title, day in arts}
    for _ in range(2):  # two hosts, so the sources do not wait for each other
        sites.append(Site({**routes, "/col/a.html": (200, HTML, list_page(arts))}))
    lines = ["portal: {name: 测试门户}", "harvest: {per_host: {concurrency: 4, delay: 0}}",
             "columns:\n  - {id: tzgg, name: 通知公告}", "units:"]
    for n, site in enumerate(sites):
        lines.append(f"  - {{id: u{n}, name: 单位{n}, kind: department, homepage: '{site.url}/', sources: "
                     f"[{{id: s{n}, url: '{site.url}/col/a.html', type: list, columns: [tzgg], "
                     f"allow_private: true, schedule: {{every: 2s}}}}]}}")
    registry = tmp_path / "registry.yaml"
    registry.write_text("\n".join(lines) + "\n", encoding="utf-8")
    events: list[str] = []
    scheduler = WatchedScheduler(str(registry), sqlite_url, on_event=events.append)
    scheduler.start()
    try:
        deadline = time.monotonic() + 120  # only reached when the schedule is not kept
        while time.monotonic() < deadline and min(len(scheduler.harvests.get(s, [])) for s in ("s0", "s1")) < 5:
            time.sleep(0.2)
    finally:
        scheduler.stop()
        for site in sites:
            site.stop()
    for source_id in ("s0", "s1"):
        harvests = scheduler.harvests.get(source_id, [])
        assert len(harvests) >= 5, (source_id, harvests, events)
        gaps = [later[0] - earlier[1] for earlier, later in zip(harvests, harvests[1:])]
        assert max(gaps) <= every + latency, (source_id, gaps)
    assert sum(r.status == "ok" for r in runs_of(sqlite_url)) >= 10

    from click.testing import CliRunner

    from cli.main import main
    out = CliRunner().invoke(main, ["sources", "--json", "--registry", str(registry), "--db", sqlite_url]).output
    for source in json.loads(out)["sources"]:
        assert source["interval"] == "2s"
        assert "as written" in source["interval_reason"] and "only shortens" in source["interval_reason"]


class ScheduleReadingScheduler(Scheduler):
    """The real scheduler whose harvests, once finished, read their next run at the
    moment a stop has begun (the race a SIGTERM can meet: ``after_run`` has checked
    ``stopping`` just before it was set)."""

    def __init__(self, *args, **kwargs):
        import threading

        super().__init__(*args, **kwargs)
        self.reading = threading.Event()

    def after_run(self, source_id: str, result: dict | None) -> None:
        if self.stopping.is_set():
            return
        self.reading.set()
        self.stopping.wait(30)  # the stop has begun
        time.sleep(0.5)  # and has reached APScheduler's shutdown
        self.scheduler.get_job(source_id)
        self.harvested_then_read = True


def test_stop_ends_while_a_finished_harvest_reads_its_next_run(site, tmp_path, sqlite_url):
    """SIGTERM while a job reads the schedule: the scheduler still stops (it used to wait
    forever: APScheduler's shutdown holds the job-store lock while it joins the job threads)."""
    import threading

    registry = tmp_path / "registry.yaml"
    registry.write_text(registry_text(site, ["a"]), encoding="utf-8")
    scheduler = ScheduleReadingScheduler(str(registry), sqlite_url, on_event=lambda m: None)
    scheduler.start()
    try:
        assert scheduler.reading.wait(60)
    finally:
        stopper = threading.Thread(target=scheduler.stop, daemon=True)
        stopper.start()
        stopper.join(45)
    assert not stopper.is_alive(), "the scheduler did not stop"
    assert scheduler.harvested_then_read
    assert not [r for r in runs_of(sqlite_url) if r.status == "running"]


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (children, their children…), from /proc."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_on_postgresql_no_process_shows_the_database_url_and_due_items_go_public(site, tmp_path, pg_url, schedulers):
    """While the scheduler harvests, neither it nor its harvest, writer and extraction
    processes carry the database URL on their command lines (``ps`` shows those to
    every user); and it publishes a 定时发布 item that has come due, with no page visited."""
    from datetime import datetime, timedelta, timezone

    from storage.models import AuditEntry, Item

    registry = tmp_path / "registry.yaml"
    registry.write_text(registry_text(site, ["a"]), encoding="utf-8")
    engine = make_engine(pg_url)
    upgrade(engine)
    with session_factory(engine).begin() as s:
        s.add(Unit(id="t", name="测试单位", kind="department", homepage=site.url + "/"))
        s.flush()
        s.add(Item(title="定时发布的通知", url=site.url + "/due.html", unit_id="t", content_hash="d" * 64,
                   status="scheduled", publish_at=datetime.now(timezone.utc) - timedelta(minutes=1)))
    sched = SchedulerProcess(registry, pg_url, tmp_path / "pg.log", url_in_env=True)
    schedulers.append(sched)
    seen: dict[int, str] = {sched.proc.pid: cmdline(sched.proc.pid)}
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(r.status in ("ok", "partial") for r in runs_of(pg_url)):
        for pid in descendants(sched.proc.pid):
            seen.setdefault(pid, cmdline(pid))
        time.sleep(0.05)
    # a harvest was watched: a fresh `zhanqun harvest`, or (warm start) a fork of the fork server,
    # whose command line is the fork server's
    assert any(" harvest " in line or "forkserver" in line for line in seen.values()), seen
    assert any("multiprocessing" in line for line in seen.values()), seen  # and its writer / extraction workers
    schema = pg_url.rsplit("%3D", 1)[1]
    leaks = {pid: line for pid, line in seen.items() if "postgres@" in line or "postgresql+" in line or schema in line}
    assert leaks == {}
    sched.wait_for("定时发布: published 1 item(s)")
    assert sched.stop() == 0
    with session_factory(engine)() as s:
        item = s.scalar(select(Item).where(Item.title == "定时发布的通知"))
        assert item.status == "published"
        assert s.scalar(select(AuditEntry).where(AuditEntry.item_id == item.id, AuditEntry.action == "publish")).username == "system"
    engine.dispose()
