"""立即采集, live: a JSON status of a source's harvest that the source page polls
(hub/static/harvest-progress.js, served from 'self': the CSP stays strict), a Chinese
summary when the run ends, and the health people read: 正常, 部分失败, 失败.

部分失败 is a source whose harvests succeed but keep failing on some pages: at least
RECURRING of its last RECENT runs had page errors (the harvester's own status says
"ok" for those, as the listing was read).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import jsonify
from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.health import running_run
from hub.auth import roles_required
from hub.db import db_session
from hub.harvest import HARVEST_ROLES, RUN_STATUS_LABELS, bp, launch
from hub.labels import reason_zh
from storage.models import AuditEntry, HarvestRun, Source

RECENT, RECURRING = 5, 2
HEALTH_LABELS = {"ok": "正常", "partial": "部分失败", "failed": "失败", "paused": "已暂停", "new": "尚未采集"}


def recent_runs(session: Session, source_id: str, limit: int = RECENT) -> list[HarvestRun]:
    return session.scalars(select(HarvestRun).where(HarvestRun.source_id == source_id, HarvestRun.status != "running")
                           .order_by(HarvestRun.started_at.desc(), HarvestRun.id.desc()).limit(limit)).all()


def health(source: Source | None, runs: list[HarvestRun]) -> str:
    """ok | partial | failed | paused | new, from the source's state and its recent runs."""
    if source is None:
        return "new"
    if source.status == "paused":
        return "paused"
    if source.status == "failing" or (runs and runs[0].status in ("failed", "aborted") and source.consecutive_failures):
        return "failed"
    if source.status != "ok":
        return "partial"  # rules may be broken, listing incomplete: harvested, not all of it
    with_errors = sum(1 for r in runs if r.errors or r.status == "partial")
    return "partial" if with_errors >= RECURRING else "ok"


def health_by_source(session: Session, sources: list[Source]) -> dict[str, str]:
    return {s.id: health(s, recent_runs(session, s.id)) for s in sources}


def summary(run: HarvestRun) -> str:
    """One Chinese sentence for a finished run."""
    took = ""
    if run.finished_at and run.started_at:
        seconds = max(0, int((run.finished_at - run.started_at).total_seconds()))
        took = f"，用时 {seconds // 60} 分 {seconds % 60} 秒" if seconds >= 60 else f"，用时 {seconds} 秒"
    text = (f"采集{RUN_STATUS_LABELS.get(run.status, run.status)}{took}：抓取 {run.fetched} 篇，新增 {run.new} 条，"
            f"更新 {run.updated} 条，未变 {run.unchanged} 条")
    if run.withdrawn:
        text += f"，撤下 {run.withdrawn} 条"
    text += f"，错误 {run.errors} 个。" if run.errors else "，没有错误。"
    reasons = []
    for message in run.error_messages or []:
        reason = reason_zh(message.get("message") if isinstance(message, dict) else str(message))
        if reason and reason not in reasons:
            reasons.append(reason)
    if reasons:
        text += "主要原因：" + "；".join(reasons[:3]) + ("等。" if len(reasons) > 3 else "。")
    return text


def _launched_at(session: Session, source_id: str) -> datetime | None:
    since = datetime.now(timezone.utc) - launch.STARTING
    for entry in session.scalars(select(AuditEntry).where(AuditEntry.action == "harvest_now", AuditEntry.created_at >= since)
                                 .order_by(AuditEntry.id.desc())):
        if (entry.after or {}).get("source") == source_id:
            return entry.created_at
    return None


def status(session: Session, source_id: str) -> dict:
    """{state: starting|running|done|idle, counts, text (Chinese), health} for the page's poller."""
    running = running_run(session, source_id)
    if running is not None:
        return {"state": "running", "run": running.id, "fetched": running.fetched, "new": running.new,
                "updated": running.updated, "errors": running.errors,
                "text": f"正在采集：已抓取 {running.fetched} 篇，新增 {running.new} 条，错误 {running.errors} 个……"}
    launched = _launched_at(session, source_id)
    runs = recent_runs(session, source_id)
    last = runs[0] if runs else None
    if launched is not None and (last is None or last.started_at < launched):
        return {"state": "starting", "text": "正在启动采集进程……"}
    source = session.get(Source, source_id)
    label = HEALTH_LABELS[health(source, runs)]
    if last is None:
        return {"state": "idle", "text": "还没有采集记录。", "health": label}
    return {"state": "done", "run": last.id, "status": last.status, "fetched": last.fetched, "new": last.new,
            "updated": last.updated, "errors": last.errors, "text": summary(last), "health": label}


@bp.get("/hub/harvest/sources/<source_id>/status.json")
@roles_required(*HARVEST_ROLES)
def status_json(source_id: str):
    response = jsonify(status(db_session(), source_id))
    response.headers["Cache-Control"] = "no-store"
    return response
