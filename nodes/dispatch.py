"""A harvest across harvest nodes: each source's harvest is one Scrapyd job.

The dispatcher hands each selected source to the least-busy live node (its
jobs of this harvest plus whatever else the node reports running or pending),
at most ``per_node`` at once per node, and follows every job to its end:

* a node that does not answer is skipped and reported; its work goes to the
  others;
* a job lost with its node (or whose process died) leaves its run
  ``running``: the run is closed ``aborted`` with the reason and the source is
  scheduled again on a live node (once per node, at most);
* a source no node could harvest gets an ``aborted`` run saying so: nothing is
  dropped silently.

The runs themselves are written by the nodes' jobs (``harvest_runs.node`` and
``node_job`` say where); the result is read back from the database, so
``--json`` prints exactly what a local harvest prints, plus the nodes.
"""
from __future__ import annotations

import signal
import socket
import os
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from sqlalchemy import select
from sqlalchemy.engine import make_url

from harvester.registry import Registry
from harvester.runs import RunTally, abort_dead_runs
from harvester.sync import sync_registry
from nodes.models import HarvestNode
from nodes.scrapyd import NodeDown, ScrapydNode
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import HarvestRun
from storage.models import Source as SourceRow

POLL_SECONDS = 0.5
MISSES_BEFORE_LOST = 2  # consecutive unanswered polls before a node counts as gone
PER_NODE = 2  # jobs of one harvest queued at one node at once
STOP_GRACE_SECONDS = 30


class NodesRefused(Exception):
    """Dispatching cannot start (the message says why)."""


def require_postgresql(db_url: str) -> None:
    if make_url(db_url).get_backend_name() != "postgresql":
        raise NodesRefused("--nodes needs the shared PostgreSQL database (ZHANQUN_DATABASE_URL=postgresql+psycopg://…): "
                           "harvest nodes on other machines cannot write to a SQLite file")


@dataclass
class NodeState:
    client: ScrapydNode
    status: str = "ok"  # ok | unreachable (never answered) | lost (stopped answering)
    message: str = ""
    jobs: int = 0  # handed to it by this harvest
    others: int = 0  # running + pending jobs that are not this harvest's
    misses: int = 0
    node_name: str | None = None
    running: int = 0  # as the node last reported (every project)
    pending: int = 0

    @property
    def url(self) -> str:
        return self.client.url

    def as_json(self) -> dict:
        out = {"url": self.url, "jobs": self.jobs, "status": self.status}
        if self.message:
            out["message"] = self.message
        return out


@dataclass
class Job:
    source_id: str
    node: NodeState
    job_id: str
    tries: int


@dataclass
class Outcome:
    tallies: list[RunTally]
    nodes: list[NodeState]
    rescheduled: list[str] = field(default_factory=list)


class Dispatcher:
    def __init__(self, registry: Registry, db_url: str, node_urls: list[str], source_ids: list[str] | None = None,
                 workers: int = 2, per_node: int = PER_NODE, on_event: Callable[[str], None] | None = None):
        require_postgresql(db_url)
        self.registry, self.db_url, self.source_ids = registry, db_url, source_ids
        self.workers, self.per_node = workers, per_node
        self.nodes = [NodeState(ScrapydNode(url)) for url in node_urls]
        self.on_event = on_event or (lambda message: None)
        self.stopping = threading.Event()

    # -- selection, as a local harvest selects --------------------------------------------
    def _select(self, sessions) -> list[str]:
        with sessions.begin() as session:
            sync_registry(session, self.registry)
        selected = [s.id for _, s in self.registry.sources() if not self.source_ids or s.id in self.source_ids]
        missing = set(self.source_ids or []) - set(selected)
        if missing:
            raise KeyError(f"unknown source id(s): {', '.join(sorted(missing))}")
        with sessions.begin() as session:
            if not self.source_ids:  # paused sources run only when asked for by name
                paused = set(session.scalars(select(SourceRow.id).where(SourceRow.status == "paused")))
                selected = [sid for sid in selected if sid not in paused]
            abort_dead_runs(session, selected)
            busy = set(session.scalars(select(HarvestRun.source_id).where(HarvestRun.source_id.in_(selected),
                                                                           HarvestRun.status == "running")))
        if busy:
            raise RuntimeError(f"already being harvested by another process: {', '.join(sorted(busy))}")
        return selected

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> Outcome:
        engine = make_engine(self.db_url)
        try:
            upgrade(engine)
            self.sessions = session_factory(engine)
            queue = deque((sid, 0) for sid in self._select(self.sessions))
            self._probe_all()
            if not any(n.status == "ok" for n in self.nodes):
                self._record_nodes()
                raise NodesRefused("no harvest node answers: " + "; ".join(f"{n.url}: {n.message}" for n in self.nodes))
            previous = self._install_stop()
            try:
                done, rescheduled = self._follow(queue)
            finally:
                self._restore_stop(previous)
            self._record_nodes()
            return Outcome(self._tallies(done), self.nodes, rescheduled)
        finally:
            engine.dispose()

    def _follow(self, queue: deque) -> tuple[dict[str, int], list[str]]:
        outstanding: dict[str, Job] = {}
        done: dict[str, int] = {}  # source id → its run id
        rescheduled: list[str] = []
        last_record = 0.0
        while queue or outstanding:
            if self.stopping.is_set():
                self._stop(outstanding, queue, done)
                break
            while queue:
                node = self._least_busy(outstanding)
                if node is None:
                    break
                source_id, tries = queue.popleft()
                try:
                    job_id = node.client.schedule(source_id, node.url, self.workers)
                except NodeDown as exc:
                    queue.appendleft((source_id, tries))
                    self._miss(node, str(exc), outstanding, queue, rescheduled, force=True)
                    continue
                node.jobs += 1
                outstanding[job_id] = Job(source_id, node, job_id, tries)
                self.on_event(f"{source_id}: job {job_id} on {node.url}")
            if queue and not outstanding and not any(n.status == "ok" for n in self.nodes):
                for source_id, _ in queue:
                    done[source_id] = self._closed_run(source_id, None, "no harvest node answers: "
                                                       + "; ".join(f"{n.url}: {n.message}" for n in self.nodes))
                queue.clear()
                break
            time.sleep(POLL_SECONDS)
            for node in [n for n in self.nodes if n.status == "ok"]:
                try:
                    states = node.client.jobs()
                    status = node.client.status()
                except NodeDown as exc:
                    self._miss(node, str(exc), outstanding, queue, rescheduled)
                    continue
                node.misses, node.node_name = 0, status.get("node_name")
                node.running, node.pending = int(status.get("running", 0)), int(status.get("pending", 0))
                mine = [job for job in outstanding.values() if job.node is node]
                active = int(status.get("running", 0)) + int(status.get("pending", 0))
                node.others = max(0, active - sum(1 for job in mine if states.get(job.job_id) in ("running", "pending")))
                for job in mine:
                    if states.get(job.job_id, "finished") == "finished":  # a job the node forgot is over too
                        del outstanding[job.job_id]
                        self._finished(job, queue, done, rescheduled)
            if time.monotonic() - last_record > 2:
                self._record_nodes()
                last_record = time.monotonic()
        return done, rescheduled

    def _least_busy(self, outstanding: dict[str, Job]) -> NodeState | None:
        live = []
        for node in self.nodes:
            if node.status != "ok":
                continue
            mine = sum(1 for job in outstanding.values() if job.node is node)
            if mine < self.per_node:
                live.append((mine + node.others, self.nodes.index(node), node))
        return min(live, key=lambda t: (t[0], t[1]))[2] if live else None

    def _probe_all(self) -> None:
        for node in self.nodes:
            try:
                status = node.client.status()
            except NodeDown as exc:
                node.status, node.message = "unreachable", str(exc)
                self.on_event(f"node {node.url} does not answer ({exc}): skipped")
                continue
            node.node_name = status.get("node_name")
            node.running, node.pending = int(status.get("running", 0)), int(status.get("pending", 0))
            node.others = int(status.get("running", 0)) + int(status.get("pending", 0))

    def _miss(self, node: NodeState, reason: str, outstanding: dict, queue: deque, rescheduled: list, force: bool = False) -> None:
        node.misses += 1
        if node.misses < MISSES_BEFORE_LOST and not force:
            return
        node.status, node.message = "lost", reason
        self.on_event(f"node {node.url} stopped answering ({reason}): its jobs go to the other nodes")
        for job in [j for j in outstanding.values() if j.node is node]:
            del outstanding[job.job_id]
            self._abort_run(job, f"harvest node {node.url} stopped answering ({reason})")
            self._again(job, queue, rescheduled)

    def _finished(self, job: Job, queue: deque, done: dict, rescheduled: list) -> None:
        with self.sessions() as session:
            run = session.scalars(select(HarvestRun).where(HarvestRun.node_job == job.job_id)
                                  .order_by(HarvestRun.id.desc())).first()
            status, run_id = (run.status, run.id) if run else (None, None)
        if status is None:
            reason = f"the job {job.job_id} on {job.node.url} ended without starting a run (see the node's log)"
            done[job.source_id] = self._closed_run(job.source_id, job.node.url, reason, job.job_id)
            self.on_event(f"{job.source_id}: {reason}")
        elif status == "running":  # the job's process died with its run open
            self._abort_run(job, f"the job {job.job_id} on {job.node.url} ended without closing its run")
            self._again(job, queue, rescheduled)
        else:
            done[job.source_id] = run_id
            self.on_event(f"{job.source_id}: {status} on {job.node.url}")

    def _again(self, job: Job, queue: deque, rescheduled: list) -> None:
        if job.tries + 1 < max(2, len(self.nodes)):
            queue.append((job.source_id, job.tries + 1))
            rescheduled.append(job.source_id)
            self.on_event(f"{job.source_id}: scheduled again on another node")
        else:
            self.on_event(f"{job.source_id}: given up after {job.tries + 1} lost jobs")

    def _abort_run(self, job: Job, reason: str) -> None:
        with self.sessions.begin() as session:
            for run in session.scalars(select(HarvestRun).where(HarvestRun.node_job == job.job_id, HarvestRun.status == "running")):
                run.status, run.finished_at = "aborted", datetime.now(timezone.utc)
                run.error_messages = [*(run.error_messages or []), {"url": "", "stage": "node", "message": reason}]

    def _closed_run(self, source_id: str, node: str | None, reason: str, job_id: str | None = None) -> int:
        """An ``aborted`` run for a source no node harvested, so the failure is on record."""
        now = datetime.now(timezone.utc)
        with self.sessions.begin() as session:
            run = HarvestRun(source_id=source_id, status="aborted", started_at=now, finished_at=now, node=node, node_job=job_id,
                             error_messages=[{"url": "", "stage": "node", "message": reason}], pid=os.getpid(),
                             hostname=socket.gethostname())
            session.add(run)
            session.flush()
            return run.id

    # -- stopping ------------------------------------------------------------------------------
    def _install_stop(self):
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {sig: signal.signal(sig, lambda *_: self.stopping.set()) for sig in (signal.SIGTERM, signal.SIGINT)}

    @staticmethod
    def _restore_stop(previous: dict) -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    def _stop(self, outstanding: dict[str, Job], queue: deque, done: dict) -> None:
        """SIGTERM: cancel the jobs (each closes its runs ``aborted``), wait for them."""
        self.on_event("stopping: cancelling the nodes' jobs…")
        for job in outstanding.values():
            try:
                job.node.client.cancel(job.job_id)
            except NodeDown:
                pass
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while outstanding and time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            for job in list(outstanding.values()):
                try:
                    state = job.node.client.jobs().get(job.job_id, "finished")
                except NodeDown:
                    state = "finished"
                if state == "finished":
                    del outstanding[job.job_id]
                    self._abort_run(job, "the harvest was stopped (SIGTERM)")
                    done[job.source_id] = self._run_of(job) or self._closed_run(job.source_id, job.node.url, "the harvest was stopped (SIGTERM)", job.job_id)
        for job in outstanding.values():
            self._abort_run(job, "the harvest was stopped (SIGTERM)")
            done[job.source_id] = self._run_of(job) or self._closed_run(job.source_id, job.node.url, "the harvest was stopped (SIGTERM)", job.job_id)
        for source_id, _ in queue:
            done[source_id] = self._closed_run(source_id, None, "the harvest was stopped (SIGTERM) before a node took it")
        queue.clear()

    def _run_of(self, job: Job) -> int | None:
        with self.sessions() as session:
            return session.scalar(select(HarvestRun.id).where(HarvestRun.node_job == job.job_id).order_by(HarvestRun.id.desc()))

    # -- results ---------------------------------------------------------------------------------
    def _tallies(self, done: dict[str, int]) -> list[RunTally]:
        with self.sessions() as session:
            runs = {run.id: run for run in session.scalars(select(HarvestRun).where(HarvestRun.id.in_(list(done.values()))))}
            tallies = []
            for source_id, run_id in done.items():
                run = runs[run_id]
                tallies.append(RunTally(
                    run.id, source_id, fetched=run.fetched, new=run.new, updated=run.updated, unchanged=run.unchanged,
                    errors=run.errors, withdrawn=run.withdrawn, messages=list(run.error_messages or []),
                    notes=list(run.notes or []), requests=dict(run.requests or {}), status=run.status))
        order = {s.id: i for i, (_, s) in enumerate(self.registry.sources())}
        return sorted(tallies, key=lambda t: order.get(t.source_id, 0))

    def _record_nodes(self) -> None:
        """What the hub's 采集管理 shows: each node as this harvest last saw it."""
        now = datetime.now(timezone.utc)
        with self.sessions.begin() as session:
            for node in self.nodes:
                row = session.get(HarvestNode, node.url) or HarvestNode(url=node.url)
                row.status, row.message, row.node_name, row.checked_at = node.status, node.message or None, node.node_name, now
                row.jobs = node.jobs
                row.running, row.pending = (node.running, node.pending) if node.status == "ok" else (0, 0)
                session.add(row)


def harvest_on_nodes(registry: Registry, db_url: str, node_urls: list[str], source_ids: list[str] | None = None,
                     workers: int = 2, on_event: Callable[[str], None] | None = None) -> Outcome:
    return Dispatcher(registry, db_url, node_urls, source_ids, workers=workers, on_event=on_event).run()
