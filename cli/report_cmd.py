"""``zhanqun report monthly|yearly``: the 月度通报 and the 年度考核 as PDF, DOCX, XLSX or HTML."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from cli.options import common, load_or_exit
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from supervision.reports import collect
from supervision.reports.render import FORMATS, render
from supervision.reports.store import generate
from supervision.status import Scope

FORMAT_CHOICES = click.Choice([*FORMATS, "json"])


@click.group()
def report() -> None:
    """Supervision reports: the monthly bulletin (月度通报) and the yearly assessment (年度考核)."""


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"not a date: {value!r} (use YYYY-MM-DD)", param_hint="--at") from None


def _format(fmt: str | None, output: str) -> str:
    if fmt:
        return fmt
    suffix = Path(output).suffix.lower().lstrip(".")
    if suffix in FORMATS or suffix == "json":
        return suffix
    raise click.BadParameter("give --format pdf|docx|xlsx|html|json, or an output file name ending in one", param_hint="--format")


def _run(kind: str, period: str, at: str | None, fmt: str | None, output: str, keep: bool, registry_path: str, db_url: str) -> None:
    registry = load_or_exit(registry_path)
    fmt = _format(fmt, output)
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    try:
        with sessions() as session:
            stored = generate(session, Scope.of(registry), kind, period, _date(at), registry.portal.name)
            data = stored.data
            if keep:
                session.commit()
            else:
                session.rollback()  # read-only unless asked to keep it
    except collect.ReportError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        engine.dispose()
    body = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8") if fmt == "json" else render(data, fmt)
    if output == "-":
        click.get_binary_stream("stdout").write(body)
    else:
        Path(output).write_bytes(body)
        o = data["overview"]
        click.echo(f"{data['title']}（截至{data['at']}）: {o['checked']} checked, {o['passed']} 合格, {o['failed']} 不合格"
                   f"{' — no supervision data in this period' if data['empty'] else ''} → {output} ({len(body)} bytes)", err=True)


def _output_options(f):
    """The options both reports take: format, output file, keep; the registry and database."""
    f = common(f)
    f = click.option("--keep", is_flag=True, help="Also keep it in the database (listed in the hub's 通报 page).")(f)
    f = click.option("-o", "--output", required=True, help="Output file ('-' for stdout).")(f)
    return click.option("--format", "fmt", type=FORMAT_CHOICES, default=None,
                        help="Default: from the output file's suffix.")(f)


@report.command("monthly")
@click.option("--month", required=True, metavar="YYYY-MM", help="The month of the bulletin.")
@click.option("--at", default=None, metavar="YYYY-MM-DD", help="As of this date (default: the month's last day, or today).")
@_output_options
def monthly(month: str, at: str | None, fmt: str | None, output: str, keep: bool, registry_path: str, db_url: str) -> None:
    """The monthly bulletin (月度通报): overview, problems by kind, ranking, charts, findings, 整改要求."""
    _run("monthly", month, at, fmt, output, keep, registry_path, db_url)


@report.command("yearly")
@click.option("--year", required=True, type=int, metavar="YYYY", help="The year of the assessment.")
@click.option("--at", default=None, metavar="YYYY-MM-DD", help="As of this date (default: the year's end, or today).")
@_output_options
def yearly(year: int, at: str | None, fmt: str | None, output: str, keep: bool, registry_path: str, db_url: str) -> None:
    """The yearly assessment (年度考核): the months added up per unit into one ranking."""
    _run("yearly", str(year), at, fmt, output, keep, registry_path, db_url)
