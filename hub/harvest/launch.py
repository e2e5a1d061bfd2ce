"""立即采集: start ``zhanqun harvest --source ID`` as a process of its own.

The harvest outlives the web request (and the web worker): it runs in a new
session, writes its run to the database like any scheduled harvest, and its
output goes to ``var/harvest-logs/<source>.log`` (``HARVEST_LOG_DIR``), which
the source page shows.  ``harvester.launcher`` starts it as the scheduler does,
the database URL in the environment, never on the command line.
"""
from __future__ import annotations

import os
import re
import subprocess
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.health import running_run
from harvester.launcher import start_harvest
from harvester.registry import ID_PATTERN
from harvester.runs import abort_dead_runs
from hub.harvest.registry_file import RegistryFile
from storage.models import AuditEntry, HarvestRun

STARTING = timedelta(seconds=60)  # a harvest started from the hub has this long to open its run
LOG_TAIL_BYTES = 8000


class LaunchError(ValueError):
    """The harvest cannot start now: a message for the editor."""


def log_dir() -> Path:
    configured = current_app.config.get("HARVEST_LOG_DIR")
    return Path(configured) if configured else Path(os.path.abspath(os.path.join("var", "harvest-logs")))


def log_path(source_id: str) -> Path | None:
    if not re.fullmatch(ID_PATTERN, source_id):
        return None
    return log_dir() / f"{source_id}.log"


def log_tail(source_id: str) -> str | None:
    """The end of the last harvest-now output of this source, if any."""
    path = log_path(source_id)
    if path is None:
        return None
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            handle.seek(max(0, handle.tell() - LOG_TAIL_BYTES))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return None


def check(session: Session, registry: RegistryFile, source_id: str, now: datetime | None = None) -> None:
    """Refuse when the registry is invalid or lacks the source, or the source is being harvested."""
    if not registry.valid:
        shown = "；".join(registry.problems[:3]) + ("…" if len(registry.problems) > 3 else "")
        raise LaunchError(f"采集配置有误，不能采集：{shown}")
    try:
        registry.registry.source(source_id)
    except KeyError:
        raise LaunchError(f"采集配置中没有来源“{source_id}”，不能采集。") from None
    abort_dead_runs(session, [source_id])  # a run whose harvester died does not block
    running = running_run(session, source_id)
    if running is not None:
        raise LaunchError(f"该来源正在采集中（采集记录 #{running.id}），请等本次采集结束后再试。")
    now = now or datetime.now(timezone.utc)
    if _starting(session, source_id, now):
        raise LaunchError("刚刚已开始采集该来源，请稍候刷新页面查看结果。")


def _starting(session: Session, source_id: str, now: datetime) -> bool:
    """A harvest-now of this source, under a minute ago, that has not opened its run yet."""
    launches = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "harvest_now", AuditEntry.created_at >= now - STARTING)
        .order_by(AuditEntry.id.desc())
    )
    launched = next((e.created_at for e in launches if (e.after or {}).get("source") == source_id), None)
    if launched is None:
        return False
    opened = session.scalar(
        select(HarvestRun.id).where(HarvestRun.source_id == source_id, HarvestRun.started_at >= launched).limit(1)
    )
    return opened is None


def start(source_id: str, registry_path: str, db_url: str) -> int:
    """Start the harvest (``harvester.launcher``); returns its process id.  Raises
    LaunchError if it cannot start."""
    log = _open_log(source_id)
    try:
        process = start_harvest(registry_path, db_url, [source_id], stdout=log, stderr=subprocess.STDOUT, cwd=os.getcwd())
    except OSError as exc:
        raise LaunchError(f"无法启动采集进程：{exc.strerror or exc}") from None
    finally:
        if log is not subprocess.DEVNULL:
            log.close()
    # Reap it when it ends, so no zombie is left behind in a long-lived web worker.
    threading.Thread(target=process.wait, name=f"harvest-{source_id}", daemon=True).start()
    return process.pid


def _open_log(source_id: str):
    path = log_path(source_id)
    if path is None:
        return subprocess.DEVNULL
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return open(path, "wb")
    except OSError:
        return subprocess.DEVNULL
