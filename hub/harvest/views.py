"""The pages of 采集管理: the sources, one source with its runs, the registry file;
and the operator's actions: pause, resume, harvest now."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from harvester import health
from hub.actions import record
from hub.auth import roles_required
from hub.db import db_session
from hub.harvest import HARVEST_ROLES, bp, launch
from hub.harvest.registry_file import read_registry
from hub.review.query import page_arg, paginate
from harvester.templates_store import SourceTemplate
from nodes.status import node_overview
from storage.models import Source, Unit

RUNS_PER_PAGE = 20
REASON_MAX = 500


@bp.get("/hub/harvest/")
@roles_required(*HARVEST_ROLES)
def sources():
    session = db_session()
    rows = health.source_health(session)
    registry = read_registry()
    known = {row.id for row in rows}
    listed = {source.id for _, source in registry.registry.sources()} if registry.valid else set()
    not_harvested = [(unit, source) for unit, source in registry.registry.sources() if source.id not in known] \
        if registry.valid else []
    from hub.harvest import progress_views
    from hub.labels import source_names

    healths = progress_views.health_by_source(session, session.scalars(select(Source)).all())
    return render_template("harvest/sources.html", rows=rows, registry=registry, listed=listed,
                           not_harvested=not_harvested, healths=healths, names=source_names(session), HEALTH_LABELS=progress_views.HEALTH_LABELS,
                           nodes=node_overview(session))


@bp.get("/hub/harvest/sources/<source_id>")
@roles_required(*HARVEST_ROLES)
def source(source_id: str):
    session = db_session()
    row = session.get(Source, source_id)
    registry = read_registry()
    entry = None
    if registry.valid:
        try:
            entry = registry.registry.source(source_id)
        except KeyError:
            entry = None
    if row is None and entry is None:
        abort(404)
    query = health.runs_query(source_id)
    total, page, pages = paginate(session, query, page_arg(), RUNS_PER_PAGE)
    runs = session.scalars(query.limit(RUNS_PER_PAGE).offset((page - 1) * RUNS_PER_PAGE)).all()
    from hub.harvest import progress_views
    from hub.labels import source_names

    return render_template(
        "harvest/source.html", source=row, source_id=source_id, entry=entry, registry=registry,
        source_name=source_names(session, [source_id]).get(source_id),
        health=progress_views.health(row, progress_views.recent_runs(session, source_id)), HEALTH_LABELS=progress_views.HEALTH_LABELS,
        live=progress_views.status(session, source_id),
        unit=session.get(Unit, row.unit_id) if row is not None else None,
        runs=runs, total=total, page=page, pages=pages,
        running=health.running_run(session, source_id), log=launch.log_tail(source_id),
        template=session.get(SourceTemplate, source_id),
    )


def _source_or_404(source_id: str) -> Source:
    row = db_session().get(Source, source_id)
    if row is None:
        abort(404)
    return row


def _back(source_id: str):
    return redirect(url_for("harvest.source", source_id=source_id), 303)


def _audited(row: Source, action: str, change, fields: tuple[str, ...] = ()) -> None:
    """Apply ``change`` to the source's health and commit it with its audit entry
    (status and pause reason before and after, and ``fields``)."""
    def state() -> dict:
        return {"source": row.id, "status": row.status, "reason": row.paused_reason,
                **{name: getattr(row, name) for name in fields}}

    session = db_session()
    before = state()
    change(row)
    record(session, g.user, action, None, before, state())
    session.commit()


@bp.post("/hub/harvest/sources/<source_id>/pause")
@roles_required(*HARVEST_ROLES)
def pause(source_id: str):
    row = _source_or_404(source_id)
    reason = " ".join((request.form.get("reason") or "").split())
    if not reason:
        flash("暂停采集时请填写原因。", "error")
        return _back(source_id)
    if len(reason) > REASON_MAX:
        flash(f"暂停原因不能超过 {REASON_MAX} 个字符。", "error")
        return _back(source_id)
    _audited(row, "pause_source", lambda source: health.pause(source, reason))
    flash(f"已暂停采集：{row.id}（{reason}）。定时采集将跳过此来源，直到恢复。")
    return _back(source_id)


@bp.post("/hub/harvest/sources/<source_id>/resume")
@roles_required(*HARVEST_ROLES)
def resume(source_id: str):
    row = _source_or_404(source_id)
    _audited(row, "resume_source", health.resume, ("consecutive_failures",))
    flash(f"已恢复采集：{row.id}，连续失败次数已清零。")
    return _back(source_id)


@bp.post("/hub/harvest/sources/<source_id>/run")
@roles_required(*HARVEST_ROLES)
def run(source_id: str):
    """立即采集: refused while the source is being harvested, or when the registry
    is invalid or does not list it."""
    session = db_session()
    row = session.get(Source, source_id)
    registry = read_registry()
    started = datetime.now(timezone.utc)
    try:
        launch.check(session, registry, source_id, started)
        pid = launch.start(source_id, registry.path, current_app.config["DATABASE_URL"])
    except launch.LaunchError as exc:
        session.commit()  # runs of dead harvesters the check marked aborted
        flash(str(exc), "error")
        if row is None:
            return redirect(url_for("harvest.sources"), 303)
        return _back(source_id)
    entry = record(session, g.user, "harvest_now", None,
                   {"source": source_id, "status": row.status if row is not None else None},
                   {"source": source_id, "pid": pid})
    entry.created_at = started  # before the harvest opens its run: see launch._starting
    session.commit()
    flash("已开始采集，下方实时显示进度。")
    return _back(source_id)


@bp.get("/hub/harvest/registry")
@roles_required("admin")
def registry():
    return render_template("harvest/registry.html", registry=read_registry())
