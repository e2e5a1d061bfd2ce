"""Start a harvest node: a Scrapyd daemon whose one project is this installed package.

No egg is uploaded: the node's directory holds a ``scrapy.cfg`` whose
``[settings]`` names ``nodes.settings`` (Scrapy finds the project there, Scrapyd
lists it as project ``zhanqun``) and whose ``[scrapyd]`` section sets the
address, the job slots and where logs go.  Jobs inherit the node's
environment: ``ZHANQUN_DATABASE_URL`` (the shared PostgreSQL) and
``ZHANQUN_REGISTRY``.  Scrapyd and its jobs share one process group, so
stopping the node stops its jobs (they close their runs ``aborted``).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT = "zhanqun"
STOP_GRACE_SECONDS = 30


class NodeRefused(Exception):
    """The node cannot start as configured (the message says why)."""


@dataclass
class NodeConfig:
    host: str
    port: int
    directory: Path
    jobs: int  # harvest jobs at once (Scrapyd's max_proc)
    poll_interval: float = 1.0  # Scrapyd's default 5 s delays every job's start

    def scrapy_cfg(self) -> str:
        d = self.directory
        return "\n".join([
            "# Written by `zhanqun node`: the Scrapy project of this harvest node and its Scrapyd settings.",
            "[settings]",
            "default = nodes.settings",
            f"{PROJECT} = nodes.settings",
            "",
            "[scrapyd]",
            f"bind_address = {self.host}",
            f"http_port = {self.port}",
            f"max_proc = {self.jobs}",
            f"poll_interval = {self.poll_interval}",
            f"logs_dir = {d / 'logs'}",
            f"dbs_dir = {d / 'dbs'}",
            f"eggs_dir = {d / 'eggs'}",
            "items_dir =",
            "jobs_dir =",
            "jobstorage = scrapyd.jobstorage.MemoryJobStorage",
            "",
        ])


def check_environment(env: dict[str, str]) -> dict[str, str]:
    """The environment a node's jobs need, with the registry path made absolute."""
    db_url = env.get("ZHANQUN_DATABASE_URL", "")
    if not db_url:
        raise NodeRefused("ZHANQUN_DATABASE_URL is not set: a harvest node writes to the shared PostgreSQL database")
    if not db_url.startswith("postgresql"):
        raise NodeRefused("ZHANQUN_DATABASE_URL must name a PostgreSQL database: harvest nodes share one database, "
                          "and SQLite is one machine's file")
    registry = Path(env.get("ZHANQUN_REGISTRY", "registry.yaml")).resolve()
    if not registry.is_file():
        raise NodeRefused(f"registry not found: {registry} (set ZHANQUN_REGISTRY)")
    return {**env, "ZHANQUN_REGISTRY": str(registry)}


def prepare(config: NodeConfig) -> Path:
    config.directory.mkdir(parents=True, exist_ok=True)
    cfg = config.directory / "scrapy.cfg"
    cfg.write_text(config.scrapy_cfg(), encoding="utf-8")
    return cfg


def run_node(config: NodeConfig, env: dict[str, str], on_event=print) -> int:
    """Run Scrapyd until SIGTERM/SIGINT; returns its exit code."""
    env = check_environment(env)
    prepare(config)
    child = subprocess.Popen([sys.executable, "-m", "scrapyd", "--pidfile="], cwd=config.directory, env=env,
                             start_new_session=True)
    on_event(f"harvest node: Scrapyd on http://{config.host}:{config.port}/ (pid {child.pid}), "
             f"{config.jobs} job(s) at once, logs in {config.directory / 'logs'}")

    def stop(signum, frame):
        _signal_group(child.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        _warm_up(config, child, on_event)
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:
                stop(None, None)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        try:
            child.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            _signal_group(child.pid, signal.SIGKILL)
        _signal_group(child.pid, signal.SIGTERM)  # jobs still running after Scrapyd stopped


def _warm_up(config: NodeConfig, child: subprocess.Popen, on_event, wait: float = 120.0) -> None:
    """Once Scrapyd answers, ask for the project's job list: Scrapyd finds it by running
    `scrapy list` in a process and keeps it, so the first schedule.json is not slow."""
    import time

    from nodes.scrapyd import NodeDown, ScrapydNode

    node = ScrapydNode(f"http://{config.host}:{config.port}")
    deadline = time.monotonic() + wait
    while child.poll() is None and time.monotonic() < deadline:
        try:
            node.status()
        except NodeDown:
            time.sleep(0.3)
            continue
        try:
            on_event(f"harvest node ready: jobs {', '.join(node.spiders())}")
        except NodeDown as exc:
            on_event(f"harvest node: the project's job list is not available yet ({exc})")
        return


def _signal_group(pid: int, sig: int) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
