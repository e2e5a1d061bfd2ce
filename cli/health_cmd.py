"""``zhanqun sources`` and ``zhanqun runs``: harvest health for operators."""
from __future__ import annotations

import json
from datetime import datetime

import click
from rich.console import Console
from rich.table import Table

from cli.options import common, portal_timezone
from harvester import health
from harvester.health import runs_query, source_health
from harvester.intervals import human, planned
from harvester.registry import Registry, RegistryError, load_registry
from harvestkit.dates import DEFAULT_TIMEZONE, as_local
from harvestkit.stages import Stage
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Source

RUN_KEYS = ("id", "source_id", "status", "started_at", "finished_at", "fetched", "new", "updated", "unchanged", "errors")


def _sessions(db_url: str):
    engine = make_engine(db_url)
    upgrade(engine)
    return session_factory(engine)


def _registry(registry_path: str) -> Registry | None:
    try:
        return load_registry(registry_path)
    except RegistryError:
        return None


def _iso(value: datetime | None, tz: str) -> str | None:
    local = as_local(value, tz)
    return local.isoformat(timespec="seconds") if local else None


def _interval(h: health.SourceHealth, registry: Registry | None) -> tuple[int | None, str | None]:
    """The interval in force and why: as the scheduler set it after the source's
    last run, else the registry's plan (no run yet)."""
    if h.interval_reason:
        return h.interval_seconds, h.interval_reason
    try:
        planned_now = planned(registry.source(h.id)[1], registry.harvest) if registry else None
    except KeyError:
        planned_now = None
    return (planned_now.seconds, planned_now.reason) if planned_now else (h.interval_seconds, None)


def source_rows(session, registry: Registry | None) -> list[dict]:
    tz = registry.portal.timezone if registry else DEFAULT_TIMEZONE
    rows = []
    for h in source_health(session):
        seconds, why = _interval(h, registry)
        rows.append({
            "id": h.id, "unit": h.unit_id, "type": h.type, "status": h.status,
            "last_success": _iso(h.last_success, tz), "last_error": h.last_error,
            "consecutive_failures": h.consecutive_failures, "next_run": _iso(h.next_run, tz),
            "items_30d": h.items_30d, "reason": h.reason,
            "interval": human(seconds) if seconds else None, "interval_seconds": seconds, "interval_reason": why,
        })
    return rows


@click.group(invoke_without_command=True)
@click.option("--json", "as_json", is_flag=True, help="Print {\"sources\": [...]}.")
@common
@click.pass_context
def sources(ctx, as_json: bool, registry_path: str, db_url: str) -> None:
    """Every source's health: status (ok/failing/paused/broken-rules/incomplete), last success and error, next run."""
    ctx.obj = {"db_url": db_url}
    if ctx.invoked_subcommand:
        return
    with _sessions(db_url)() as session:
        rows = source_rows(session, _registry(registry_path))
    if as_json:
        click.echo(json.dumps({"sources": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title="采集源 sources")
    for name in ("id", "unit", "type", "status", "last_success", "failures", "next_run", "interval (why)",
                 "items_30d", "last_error / reason"):
        table.add_column(name)
    style = {"ok": "green", "failing": "yellow", "paused": "bold red", "broken-rules": "magenta", "incomplete": "yellow"}
    for r in rows:
        interval = r["interval_reason"] or "-"
        table.add_row(r["id"], r["unit"], r["type"], f"[{style.get(r['status'], '')}]{r['status']}[/]", r["last_success"] or "-",
                      str(r["consecutive_failures"]), r["next_run"] or "-", interval, str(r["items_30d"]),
                      (r["reason"] or r["last_error"] or "")[:80])
    Console().print(table)


def _set_status(db_url: str, source_id: str, status: str, reason: str | None) -> None:
    with _sessions(db_url).begin() as session:
        source = session.get(Source, source_id)
        if source is None:
            raise click.BadParameter(f"no source {source_id!r} in the database (harvest once first)")
        if status == "paused":
            health.pause(source, reason)
        else:
            health.resume(source)


@sources.command("pause")
@click.argument("source_id")
@click.option("--reason", default="paused by an operator")
@click.pass_obj
def pause(obj, source_id: str, reason: str) -> None:
    """Stop harvesting a source until it is resumed."""
    _set_status(obj["db_url"], source_id, "paused", reason)
    click.echo(f"{source_id}: paused ({reason})")


@sources.command("resume")
@click.argument("source_id")
@click.pass_obj
def resume(obj, source_id: str) -> None:
    """Harvest a paused or failing source again (its failure count starts over)."""
    _set_status(obj["db_url"], source_id, "ok", None)
    click.echo(f"{source_id}: resumed")


@click.command()
@click.option("--source", "source_id", default=None, help="Only this source's runs.")
@click.option("--stage", type=click.Choice([s.value for s in Stage]), default=None,
              help="Only runs with errors at this stage, and only those errors.")
@click.option("--limit", default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print {\"runs\": [...]}.")
@common
def runs(source_id: str | None, stage: str | None, limit: int, as_json: bool, registry_path: str, db_url: str) -> None:
    """Recent harvest runs with their counts and errors (harvest_errors)."""
    tz = portal_timezone(registry_path)
    query = runs_query(source_id, stage).limit(limit)
    with _sessions(db_url)() as session:
        found = list(session.scalars(query))
        rows = [{
            "id": r.id, "source_id": r.source_id, "status": r.status,
            "started_at": _iso(r.started_at, tz), "finished_at": _iso(r.finished_at, tz),
            "fetched": r.fetched, "new": r.new, "updated": r.updated, "unchanged": r.unchanged, "errors": r.errors,
            "withdrawn": r.withdrawn, "requests": r.requests,
            "error_messages": [m for m in r.error_messages if not stage or m["stage"] == stage],
        } for r in found]
    if as_json:
        click.echo(json.dumps({"runs": rows}, ensure_ascii=False, indent=2))
        return
    table = Table(title="采集记录 runs")
    for name in ("id", "source", "status", "started", "fetched", "new", "upd", "same", "err", "requests"):
        table.add_column(name)
    for r in rows:
        table.add_row(str(r["id"]), r["source_id"], r["status"], r["started_at"] or "", *(str(r[k]) for k in ("fetched", "new", "updated", "unchanged", "errors")),
                      " ".join(f"{k}={v}" for k, v in sorted((r["requests"] or {}).items())))
    Console().print(table)
    for r in rows:
        for m in (r["error_messages"] or [])[:3]:
            click.echo(f"  run {r['id']} {r['source_id']}: [{m['stage']}] {m['url']} — {m['message']}")
