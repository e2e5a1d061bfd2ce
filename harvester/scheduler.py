"""The long-running scheduler: each source on its own rhythm, unattended.

APScheduler 3 keeps one job per source in the portal's own database
(``apscheduler_jobs``), so a restart loses no schedule.  A job runs one
harvest of its source in a child process (a Twisted reactor cannot be
restarted), never two at once for one source, and never two at once for one
host (politeness across processes).  After each run the source's next run is
set from its health and, when adaptive, from how often it publishes.
"""
from __future__ import annotations

import copy
import json
import logging
import os
import shutil
import signal
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from apscheduler.executors.pool import ThreadPoolExecutor as JobThreads
from apscheduler.jobstores.base import JobLookupError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select

from harvester.forkserver import WarmLauncher
from harvester.launcher import start_harvest
from harvester.intervals import ADAPTIVE_WINDOW, adaptive_seconds, next_interval  # noqa: F401 - adaptive_seconds: tests
from harvester.registry import Registry, RegistryError, SourceEntry, parse_duration, parse_registry
from harvester.runs import abort_dead_runs
from harvester.sync import sync_registry
from spiders.politeness import host_key
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import ItemSource, Source
from storage.publishing import PUBLISH_DUE_SECONDS, promote_due
from supervision import service as supervision_service

log = logging.getLogger("zhanqun.scheduler")

JOB_THREADS = 4  # harvests running at once (each in its own process)
SUPERVISION_THREADS = 2  # supervision rounds at once (each round spreads its requests over hosts itself)
UNIT_JOB = "supervise-unit:"  # + unit id
LINKS_JOB = "supervise-links"
FIRST_ROUND_SPREAD = 60  # seconds over which the first supervision rounds after a start are spread
CHILD_GRACE_SECONDS = 30  # on shutdown, a harvest gets this long to close its run
WATCH_SECONDS = 2.0  # how often the registry file is checked for changes
JITTER_SHARE = 0.10  # at most 10% of the interval
PUBLISH_DUE_JOB = "publish-due"


# -- the job ---------------------------------------------------------------------------
# Module-level so the job store can refer to it by name; the live scheduler is found
# through ``_ACTIVE`` (one per process).
_ACTIVE: "Scheduler | None" = None


def run_source(source_id: str) -> None:
    if _ACTIVE is not None:
        _ACTIVE.run_source(source_id)


def supervise_unit_job(unit_id: str, plan: dict | None = None) -> None:
    if _ACTIVE is not None:
        _ACTIVE.supervise(unit_id)


def supervise_links_job(plan: dict | None = None) -> None:
    if _ACTIVE is not None:
        _ACTIVE.supervise(None)


def publish_due_job() -> None:
    if _ACTIVE is not None:
        _ACTIVE.publish_due()


@dataclass(frozen=True)
class Plan:
    """How a source is scheduled; a change of plan replaces its job."""

    kind: str  # "every" | "cron"
    seconds: int = 0
    cron: str = ""

    def trigger(self, tz: str, seconds: int | None = None):
        if self.kind == "cron":
            trigger = CronTrigger.from_crontab(self.cron, timezone=tz)
            trigger.jitter = cron_jitter(trigger)
            return trigger
        seconds = seconds or self.seconds
        return IntervalTrigger(seconds=seconds, jitter=max(0, int(seconds * JITTER_SHARE)) or None, timezone=tz)


def plan_of(source: SourceEntry) -> Plan:
    if source.schedule.cron:
        return Plan("cron", cron=source.schedule.cron)
    return Plan("every", seconds=int(source.schedule.interval.total_seconds()))


def cron_jitter(trigger: CronTrigger) -> int | None:
    """10% of the gap between the cron expression's next two firings."""
    trigger = copy.copy(trigger)
    trigger.jitter = None
    now = datetime.now(timezone.utc)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    if not first or not second:
        return None
    return max(0, int((second - first).total_seconds() * JITTER_SHARE)) or None


def supervision_plans(registry: Registry) -> dict[str, tuple[Callable, Plan, dict]]:
    """Job id → (function, plan, kwargs) of every supervision job the registry asks for."""
    policy = registry.supervision
    unit_plan = Plan("every", seconds=int(parse_duration(policy.homepage_checks.every).total_seconds()))
    links_plan = Plan("every", seconds=int(parse_duration(policy.link_checks.every).total_seconds()))
    jobs = {f"{UNIT_JOB}{unit.id}": (supervise_unit_job, unit_plan, {"unit_id": unit.id}) for unit in registry.units}
    if registry.units:
        jobs[LINKS_JOB] = (supervise_links_job, links_plan, {})
    return jobs


class Scheduler:
    def __init__(self, registry_path: str, db_url: str, on_event: Callable[[str], None] | None = None, warm: bool = True,
                 nodes: list[str] | None = None):
        self.registry_path = str(Path(registry_path).resolve())
        # Harvests fork from a pre-imported parent (harvester/forkserver.py) unless ``warm`` is off.
        self.launcher = WarmLauncher() if warm else None
        self.db_url = db_url
        self.nodes = nodes  # harvest nodes (None: the registry's harvest.nodes, if any)
        self.on_event = on_event or (lambda message: log.info(message))
        self.engine = make_engine(db_url)
        upgrade(self.engine)
        # Harvests read the last registry that passed validation, never the file being edited.
        self.snapshot = Path(tempfile.mkdtemp(prefix="zhanqun-scheduler-")) / "registry.yaml"
        self.mtime = Path(self.registry_path).stat().st_mtime
        self.registry = self._load()  # a broken registry never starts
        self.sessions = session_factory(self.engine, self.registry.portal.timezone)
        self.children: dict[str, subprocess.Popen] = {}
        self.host_locks: dict[str, threading.Lock] = {}
        self.lock = threading.Lock()
        # Jobs (and registry reloads) running now.  stop() waits for them before APScheduler's shutdown, which
        # holds the job-store lock while it joins the job threads: a job that reads its
        # next run (get_job) in that moment would wait for the lock forever.
        self.jobs_running = 0
        self.jobs_done = threading.Condition(self.lock)
        self.stopping = threading.Event()
        self.reload_requested = threading.Event()
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.engine, tablename="apscheduler_jobs")},
            executors={"default": JobThreads(JOB_THREADS), "supervision": JobThreads(SUPERVISION_THREADS),
                       "publishing": JobThreads(1)},  # 定时发布 never waits behind a harvest or a round
            job_defaults={"coalesce": True, "max_instances": 1},
            timezone=self.registry.portal.timezone,
        )

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> None:
        global _ACTIVE
        _ACTIVE = self
        with self.sessions.begin() as session:
            aborted = abort_dead_runs(session)
            sync_registry(session, self.registry)
        if aborted:
            self.on_event(f"marked {aborted} run(s) left running by a crash as aborted")
        if self.launcher is not None:
            self.launcher.start()  # the fork server imports while the first jobs are set up
        self.scheduler.start(paused=True)
        self.sync_jobs(self.registry)
        self.scheduler.resume()
        threading.Thread(target=self._watch, name="registry-watch", daemon=True).start()
        self.on_event(f"scheduler started: {len(self.registry.sources())} sources")

    def stop(self) -> None:
        """Stop cleanly: no new runs; running harvests get SIGTERM and close their runs."""
        if self.stopping.is_set():
            return
        self.stopping.set()
        self.scheduler.pause()
        with self.lock:
            children = list(self.children.items())
        for source_id, child in children:
            self.on_event(f"stopping the harvest of {source_id}")
            _signal(child, signal.SIGTERM)
        for _, child in children:
            try:
                child.wait(CHILD_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                _signal(child, signal.SIGKILL)
                child.wait()
        with self.lock:  # every job now sees `stopping` and returns without starting anything
            self.jobs_done.wait_for(lambda: self.jobs_running == 0)
        self.scheduler.shutdown(wait=True)
        with self.sessions.begin() as session:
            abort_dead_runs(session)
        self.engine.dispose()
        shutil.rmtree(self.snapshot.parent, ignore_errors=True)

    def install_signal_handlers(self) -> None:
        signal.signal(signal.SIGHUP, lambda *_: self.reload_requested.set())

    # -- jobs ------------------------------------------------------------------------
    def sync_jobs(self, registry: Registry) -> None:
        """One job per source; a job whose plan is unchanged keeps its next run."""
        tz = registry.portal.timezone
        wanted = {source.id: source for _, source in registry.sources()}
        supervision = supervision_plans(registry)
        for job in self.scheduler.get_jobs():
            if job.id not in wanted and job.id not in supervision and job.id != PUBLISH_DUE_JOB:
                self.scheduler.remove_job(job.id)
                self.on_event(f"{job.id}: removed from the registry, job dropped")
        for source_id, source in wanted.items():
            plan = plan_of(source)
            job = self.scheduler.get_job(source_id)
            if job is not None and job.kwargs.get("plan") == plan.__dict__:
                continue
            self.scheduler.add_job(
                run_source_job,
                trigger=plan.trigger(tz),
                id=source_id,
                name=source_id,
                kwargs={"source_id": source_id, "plan": plan.__dict__},
                replace_existing=True,
                misfire_grace_time=max(60, plan.seconds or 3600),
                next_run_time=datetime.now(timezone.utc) if job is None else None,
            )
            self.on_event(f"{source_id}: scheduled ({plan.kind} {plan.seconds or plan.cron})")
        for job_id, (function, plan, kwargs) in supervision.items():
            job = self.scheduler.get_job(job_id)
            if job is not None and job.kwargs.get("plan") == plan.__dict__:
                continue
            self.scheduler.add_job(
                function, trigger=plan.trigger(tz), id=job_id, name=job_id, executor="supervision",
                kwargs={**kwargs, "plan": plan.__dict__}, replace_existing=True,
                misfire_grace_time=max(60, plan.seconds // 2),
                # the first rounds start within the first interval, spread out (not all at once)
                next_run_time=datetime.now(timezone.utc) + timedelta(seconds=_spread(job_id, min(plan.seconds, FIRST_ROUND_SPREAD)))
                if job is None else None,
            )
            self.on_event(f"{job_id}: scheduled (every {plan.seconds})")
        if self.scheduler.get_job(PUBLISH_DUE_JOB) is None:
            self.scheduler.add_job(publish_due_job, trigger=IntervalTrigger(seconds=PUBLISH_DUE_SECONDS, timezone=tz),
                                   id=PUBLISH_DUE_JOB, name=PUBLISH_DUE_JOB, executor="publishing", replace_existing=True,
                                   misfire_grace_time=PUBLISH_DUE_SECONDS, next_run_time=datetime.now(timezone.utc))
        self._record_next_runs()

    def _record_next_runs(self) -> None:
        with self.sessions.begin() as session:
            for job in self.scheduler.get_jobs():
                row = session.get(Source, job.id)
                if row is not None:
                    row.next_run = job.next_run_time

    @contextmanager
    def _job(self):
        """A job running; stop() waits for it before shutting APScheduler down."""
        with self.lock:
            self.jobs_running += 1
        try:
            yield
        finally:
            with self.lock:
                self.jobs_running -= 1
                self.jobs_done.notify_all()

    def supervise(self, unit_id: str | None) -> None:
        """One unit's supervision round, or (None) the dead-link round of every unit."""
        with self._job():
            if not self.stopping.is_set():
                self._supervise(unit_id)

    def _supervise(self, unit_id: str | None) -> None:
        registry = self.registry
        try:
            if unit_id is None:
                reports = supervision_service.check_links(registry, self.sessions)
                dead = sum(r.links_dead for r in reports)
                self.on_event(f"supervision: dead-link round, {sum(r.links_checked for r in reports)} links checked, {dead} dead")
            else:
                for report in supervision_service.check_units(registry, self.sessions, [unit_id]):
                    if report.opened or report.closed:
                        kinds = ", ".join(o["kind"] for o in report.opened) or "-"
                        self.on_event(f"supervision {unit_id}: opened {kinds}; closed {len(report.closed)}")
        except KeyError:
            return  # the unit left the registry; its job goes with the next sync
        except Exception as exc:  # noqa: BLE001 - a failing round is reported, the next one runs
            log.exception("supervision round failed")
            self.on_event(f"supervision {unit_id or 'links'}: round failed: {type(exc).__name__}: {exc}")

    def publish_due(self) -> None:
        """定时发布: scheduled items whose time has come go public (``storage.publishing.promote_due``:
        audit entry, search index, content counter, as an editor's 发布), every
        ``PUBLISH_DUE_SECONDS``.  The public pages keep a check of their own for a
        portal served without a scheduler (see ``storage.publishing``)."""
        with self._job():
            if not self.stopping.is_set():
                self._publish_due()

    def _publish_due(self) -> None:
        try:
            with self.sessions.begin() as session:
                promoted = promote_due(session)
        except Exception as exc:  # noqa: BLE001 - reported; the next round tries again
            log.exception("publishing due items failed")
            self.on_event(f"定时发布: failed: {type(exc).__name__}: {exc}")
            return
        if promoted:
            self.on_event(f"定时发布: published {len(promoted)} item(s): {', '.join(map(str, promoted))}")

    # -- one run ---------------------------------------------------------------------
    def run_source(self, source_id: str) -> None:
        with self._job():
            if not self.stopping.is_set():
                self._run_source(source_id)

    def _run_source(self, source_id: str) -> None:
        try:
            _, source = self.registry.source(source_id)
        except KeyError:
            return
        with self.sessions() as session:
            row = session.get(Source, source_id)
            if row is not None and row.status == "paused":
                return  # resumed by `zhanqun sources resume` or in the hub
        host_lock = self.host_locks.setdefault(host_key(source.url), threading.Lock())
        with host_lock:  # one harvest per host at a time across processes
            if self.stopping.is_set():
                return
            result = self._harvest_child(source_id)
        self.after_run(source_id, result)

    def _harvest_child(self, source_id: str) -> dict | None:
        # with harvest nodes, the child dispatches the run to one of them (nodes/dispatch.py)
        child = start_harvest(self.snapshot, self.db_url, [source_id], as_json=True, workers=0, warm=self.launcher,
                              nodes=self.nodes)
        with self.lock:
            self.children[source_id] = child
            late = self.stopping.is_set()
        if late:  # stop() listed the running harvests before this one started: it is stopped here
            _signal(child, signal.SIGTERM)
        try:
            out, err = child.communicate()
        finally:
            with self.lock:
                self.children.pop(source_id, None)
        try:
            result = json.loads(out)["sources"][0]
        except (ValueError, KeyError, IndexError):
            self.on_event(f"{source_id}: harvest ended without a result (exit {child.returncode}): {err.strip()[-300:]}")
            return None
        self.on_event(f"{source_id}: {result['status']}, {result['new']} new, {result['updated']} updated, {result['errors']} errors")
        return result

    def after_run(self, source_id: str, result: dict | None) -> None:
        """Next run: the schedule as written, shortened for busy sources, longer only
        after failures or when the registry asks for it (harvester/intervals.py)."""
        if self.stopping.is_set():
            return
        _, source = self.registry.source(source_id)
        plan = plan_of(source)
        with self.sessions.begin() as session:
            row = session.get(Source, source_id)
            failures = row.consecutive_failures if row else 0
            since = datetime.now(timezone.utc) - ADAPTIVE_WINDOW
            weekly = session.scalar(
                select(func.count(ItemSource.id)).where(ItemSource.source_id == source_id, ItemSource.published_at >= since)
            ) or 0
            interval = next_interval(source, self.registry.harvest, weekly, failures)
            if row is not None:
                row.interval_seconds, row.interval_reason = interval.seconds, interval.reason
        job = self.scheduler.get_job(source_id)
        current = getattr(job.trigger, "interval", None) if job is not None else None
        if interval.seconds is not None and job is not None and current != timedelta(seconds=interval.seconds):
            # Only a changed interval replaces the trigger: an unchanged one keeps its
            # rhythm (every 2s means a run every 2 s, not 2 s after each run ends).
            try:
                self.scheduler.reschedule_job(source_id, trigger=plan.trigger(self.registry.portal.timezone, interval.seconds))
            except JobLookupError:
                return
        self._record_next_runs()

    # -- registry changes --------------------------------------------------------------
    def _watch(self) -> None:
        while not self.stopping.wait(WATCH_SECONDS):
            try:
                mtime = Path(self.registry_path).stat().st_mtime
            except OSError:
                continue
            if mtime != self.mtime or self.reload_requested.is_set():
                self.mtime = mtime
                self.reload_requested.clear()
                with self._job():  # a reload changes jobs: stop() lets it finish first
                    if not self.stopping.is_set():
                        self.reload()

    def _load(self) -> Registry:
        """Validate the registry file and keep a snapshot of exactly what was validated."""
        text = Path(self.registry_path).read_text(encoding="utf-8")
        registry = parse_registry(text, self.registry_path)
        self.snapshot.write_text(text, encoding="utf-8")
        return registry

    def reload(self) -> bool:
        """Adopt a changed registry; an invalid one is refused and the old one kept."""
        try:
            registry = self._load()
        except (RegistryError, OSError, UnicodeDecodeError) as exc:
            if not isinstance(exc, RegistryError):
                self.on_event(f"registry change refused, the running schedule is kept: {exc}")
                return False
            self.on_event("registry change refused, the running schedule is kept:\n" + "\n".join(str(p) for p in exc.problems))
            return False
        with self.sessions.begin() as session:
            sync_registry(session, registry)
        self.registry = registry
        self.sync_jobs(registry)
        self.on_event("registry reloaded")
        return True


def run_source_job(source_id: str, plan: dict | None = None) -> None:
    """The job the store remembers (importable by name)."""
    run_source(source_id)


def _spread(job_id: str, seconds: int) -> int:
    """A stable offset in [0, seconds) per job, so first rounds do not all fire at once."""
    return int.from_bytes(job_id.encode("utf-8"), "little") % max(1, seconds) if seconds else 0


def _signal(child: subprocess.Popen, sig: int) -> None:
    """Signal a harvest's process group; a warm harvest forked a moment ago may not lead
    its group yet (it calls setsid first thing), so then the process itself."""
    try:
        os.killpg(child.pid, sig)
    except ProcessLookupError:
        if child.poll() is not None:
            return  # gone (and reaped): its pid may be another process's now
        try:
            os.kill(child.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    except PermissionError:
        pass
