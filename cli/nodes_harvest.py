"""``zhanqun harvest --nodes``: the harvest dispatched to harvest nodes (nodes/dispatch.py)."""
from __future__ import annotations

import click

from cli.harvest_cmd import report, totals
from nodes.dispatch import NodesRefused, harvest_on_nodes


def harvest_with_nodes(registry, db_url: str, node_urls: list[str], source_ids: list[str] | None, workers: int,
                       as_json: bool) -> None:
    events = (lambda m: None) if as_json else (lambda m: click.echo(m, err=True))
    try:
        outcome = harvest_on_nodes(registry, db_url, node_urls, source_ids, workers=workers, on_event=events)
    except NodesRefused as exc:
        raise click.ClickException(str(exc)) from None
    except KeyError as exc:
        raise click.UsageError(str(exc.args[0])) from None
    except RuntimeError as exc:  # a source is being harvested by another process right now
        raise click.ClickException(str(exc)) from None
    for node in outcome.nodes:
        if node.status != "ok":
            click.echo(f"node {node.url}: {node.status} ({node.message})", err=True)
    result = {"sources": [t.as_json() for t in outcome.tallies], "totals": totals(outcome.tallies),
              "nodes": [node.as_json() for node in outcome.nodes]}
    report(result, outcome.tallies, as_json)
