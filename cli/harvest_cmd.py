"""``zhanqun harvest``: harvest the federation (or some sources) once."""
from __future__ import annotations

# First, while few modules are loaded and the import stack is shallow: Scrapy's HTTP
# handler builds deprecated class aliases with inspect.stack(), whose cost grows with
# both (imported deep in the harvester's imports it took about 0.5 s of CPU).
import scrapy.core.downloader.handlers.http11  # noqa: F401  isort: skip

import json
import sys

import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from cli.options import common, load_or_exit
from harvester.crawl import harvest as run_harvest
from harvester.runs import RunBook, RunTally

STATUS_STYLE = {"ok": "green", "partial": "yellow", "failed": "bold red", "aborted": "red", "running": "cyan"}


def summary_table(tallies: list[RunTally], title: str) -> Table:
    table = Table(title=title)
    for name in ("采集源 source", "状态 status", "fetched", "new", "updated", "unchanged", "errors"):
        table.add_column(name, justify="right" if name[0].islower() else "left")
    for t in tallies:
        style = STATUS_STYLE.get(t.status, "")
        table.add_row(t.source_id, f"[{style}]{t.status}[/]", *(str(v) for v in (t.fetched, t.new, t.updated, t.unchanged, t.errors)))
    return table


def chosen_nodes(nodes_text: str | None, registry, local: bool) -> list[str]:
    if local:
        return []
    if nodes_text is None:
        return list(registry.harvest.nodes)
    from nodes.scrapyd import parse_node_urls

    try:
        return parse_node_urls(nodes_text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--nodes") from None


def totals(tallies: list[RunTally]) -> dict:
    keys = ("fetched", "new", "updated", "unchanged", "errors")
    out = {k: sum(getattr(t, k) for t in tallies) for k in keys}
    out["sources"] = len(tallies)
    out["failed"] = sum(1 for t in tallies if t.status == "failed")
    out["aborted"] = sum(1 for t in tallies if t.status == "aborted")
    return out


def template_totals(tallies: list[RunTally]) -> dict:
    """Detail pages by extraction way over every source, and the share read by template."""
    ways = ("template", "full", "check", "miss")
    out = {way: sum((t.templates or {}).get(way, 0) for t in tallies) for way in ways}
    pages = sum(out.values())
    out["share"] = round(out["template"] / pages, 4) if pages else 0.0
    return out


@click.command()
@click.option("--source", "source_ids", multiple=True, help="Harvest only this source id (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@click.option("--workers", default=2, show_default=True, help="Extraction processes (0: in-process).")
@click.option("--nodes", "nodes_text", default=None, metavar="URL[,URL...]",
              help="Run each source's harvest as a job on these harvest nodes (Scrapyd; `zhanqun node`). "
                   "Default: the registry's harvest.nodes. Needs PostgreSQL.")
@click.option("--local", is_flag=True, help="Harvest in this process even if the registry names harvest nodes.")
@common
def harvest(source_ids: tuple[str, ...], as_json: bool, workers: int, nodes_text: str | None, local: bool,
            registry_path: str, db_url: str) -> None:
    """Fetch what the sub-sites published and store it. Exit 1 if a source failed or
    the harvest was stopped (SIGTERM: every run is closed ``aborted``)."""
    registry = load_or_exit(registry_path)
    node_urls = chosen_nodes(nodes_text, registry, local)
    if node_urls:
        from cli.nodes_harvest import harvest_with_nodes

        harvest_with_nodes(registry, db_url, node_urls, list(source_ids) or None, workers, as_json)
        return
    console = Console(stderr=True)
    live = None
    if not as_json and sys.stderr.isatty():
        live = Live(console=console, refresh_per_second=4, transient=True)
        live.start()

    def progress(runs: RunBook) -> None:
        if live:
            live.update(summary_table(list(runs.tallies.values()), "采集中 harvesting…"))

    try:
        tallies = run_harvest(registry, db_url, list(source_ids) or None, workers=workers, on_progress=progress)
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    except RuntimeError as exc:  # e.g. a source is being harvested by another process right now
        raise click.ClickException(str(exc)) from None
    finally:
        if live:
            live.stop()
    result = {"sources": [t.as_json() for t in tallies], "totals": totals(tallies), "templates": template_totals(tallies)}
    report(result, tallies, as_json)


def report(result: dict, tallies: list[RunTally], as_json: bool) -> None:
    """Print the result (JSON or a table) and exit 1 if a source failed or was aborted."""
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        Console().print(summary_table(tallies, "采集结果 harvest summary"))
        t = result["totals"]
        click.echo(f"{t['sources']} sources, {t['fetched']} pages, {t['new']} new, {t['updated']} updated, "
                   f"{t['unchanged']} unchanged, {t['errors']} errors, {t['failed']} failed sources")
        for tally in tallies:
            for message in tally.messages[:5]:
                click.echo(f"  {tally.source_id}: [{message['stage']}] {message['url']} — {message['message']}")
    raise SystemExit(1 if result["totals"]["failed"] or result["totals"]["aborted"] else 0)
