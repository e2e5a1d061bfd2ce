"""``zhanqun supervise check|status``: supervision (监督考评) on demand."""
from __future__ import annotations

import json
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from cli.options import common, load_or_exit
from harvester.launcher import run_harvest
from harvester.registry import Registry
from harvester.sync import sync_registry
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from supervision import service
from supervision.kinds import KIND_LABELS, VETO_LABELS
from supervision.status import Scope, StatusError, status

WATCHED_TIMEOUT_SECONDS = 900


def _sessions(db_url: str, registry: Registry | None = None):
    """Sessions on the migrated database; with ``registry``, its units and sources mirrored first."""
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    if registry is not None:
        with sessions.begin() as session:
            sync_registry(session, registry)
    return sessions


@click.group()
def supervise() -> None:
    """Supervision (监督考评): run the checks now, or show the verdicts as of a date."""


@supervise.command("check")
@click.option("--unit", "unit_ids", multiple=True, help="Only this unit (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print {\"at\", \"units\": [...], \"watched\": [...]}.")
@click.option("--no-links", is_flag=True, help="Skip the dead-link round.")
@click.option("--no-watched", is_flag=True, help="Do not read the watched-only lists first.")
@common
def check(unit_ids: tuple[str, ...], as_json: bool, no_links: bool, no_watched: bool, registry_path: str, db_url: str) -> None:
    """Run every check now: read the watched lists, probe the homepages, judge the columns and
    duties, check dead links within the budget; record the findings."""
    registry = load_or_exit(registry_path)
    known = {u.id for u in registry.units}
    unknown = sorted(set(unit_ids) - known)
    if unknown:
        raise click.BadParameter(f"not in the registry: {', '.join(unknown)}", param_hint="--unit")
    sessions = _sessions(db_url, registry)
    selected = list(unit_ids) or None
    watched = [] if no_watched else _read_watched(registry, registry_path, db_url, selected, quiet=as_json)
    reports = service.check(registry, sessions, selected, links=not no_links)
    if as_json:
        click.echo(json.dumps({"at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                               "units": [r.as_json() for r in reports], "watched": watched}, ensure_ascii=False, indent=2))
        return
    table = Table(title="监管检查 supervision check")
    for name in ("unit", "homepage", "ms", "columns", "links checked/dead", "opened", "closed"):
        table.add_column(name)
    for r in reports:
        home = f"[green]{r.http_status}[/]" if r.up else f"[red]{r.error}[/]"
        states = " ".join(f"{k}={v}" for k, v in sorted(_count(r.columns.values()).items()))
        opened = ", ".join(KIND_LABELS.get(o["kind"], o["kind"]) for o in r.opened) or "-"
        table.add_row(r.unit_id, home, str(r.latency_ms or "-"), states or "-", f"{r.links_checked}/{r.links_dead}",
                      opened, str(len(r.closed)))
    Console().print(table)


def _count(values) -> dict[str, int]:
    out: dict[str, int] = {}
    for value in values:
        out[value] = out.get(value, 0) + 1
    return out


def _read_watched(registry: Registry, registry_path: str, db_url: str, unit_ids: list[str] | None, quiet: bool) -> list[dict]:
    """Read the watched-only lists now, in a harvest process of their own (one reactor per process)."""
    ids = [s.id for u, s in registry.sources() if not s.harvest and (unit_ids is None or u.id in unit_ids)]
    if not ids:
        return []
    if not quiet:
        click.echo(f"reading {len(ids)} watched list(s)…", err=True)
    try:
        proc = run_harvest(Path(registry_path).resolve(), db_url, ids, workers=0, timeout=WATCHED_TIMEOUT_SECONDS)
        return json.loads(proc.stdout)["sources"]
    except subprocess.TimeoutExpired:
        click.echo("watched lists not read now (TimeoutExpired); the last reading counts", err=True)
        return []
    except (ValueError, KeyError) as exc:
        click.echo(f"watched lists not read now ({type(exc).__name__}): {proc.stderr[-500:]}; the last reading counts", err=True)
        return []


@supervise.command("status")
@click.option("--at", "at", default=None, metavar="YYYY-MM-DD", help="As of this date (default: today).")
@click.option("--unit", "unit_ids", multiple=True, help="Only this unit (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print {\"at\", \"units\": [...]}.")
@common
def status_cmd(at: str | None, unit_ids: tuple[str, ...], as_json: bool, registry_path: str, db_url: str) -> None:
    """The verdicts (合格/不合格), scores, vetoes and open findings as of a date."""
    registry = load_or_exit(registry_path)
    try:
        day = date.fromisoformat(at) if at else None
    except ValueError:
        raise click.BadParameter(f"not a date: {at!r} (use YYYY-MM-DD)", param_hint="--at") from None
    sessions = _sessions(db_url)
    with sessions() as session:
        try:
            result = status(session, Scope.of(registry), day, list(unit_ids) or None)
        except StatusError as exc:
            raise click.BadParameter(str(exc), param_hint="--at") from None
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"监管结论 supervision status as of {result['at']}")
    for name in ("unit", "name", "verdict", "score", "vetoes", "open findings", "homepage days", "latency h (median/p90)"):
        table.add_column(name)
    for u in result["units"]:
        style = "green" if u["verdict"] == "合格" else "bold red"
        kinds = _count(KIND_LABELS.get(f["kind"], f["kind"]) for f in u["findings"])
        lat = u["latency"]
        table.add_row(u["id"], u["name"], f"[{style}]{u['verdict']}[/]", str(u["score"]),
                      "、".join(VETO_LABELS[v] for v in u["vetoes"]) or "-",
                      " ".join(f"{k}×{n}" for k, n in kinds.items()) or "-", str(u["homepage"]["days"] if u["homepage"]["days"] is not None else "-"),
                      f"{lat['median_hours'] if lat['median_hours'] is not None else '-'}/{lat['p90_hours'] if lat['p90_hours'] is not None else '-'}")
    Console().print(table)
    for u in result["units"]:
        for f in u["findings"]:
            click.echo(f"  {u['id']} #{f['id']} [{KIND_LABELS.get(f['kind'], f['kind'])}] {f['detail']}")
