"""``zhanqun scheduler``: harvest every source on its schedule until stopped."""
from __future__ import annotations

import logging
import signal
import threading

import click

from cli.options import common, load_or_exit


@click.command()
@click.option("--cold", is_flag=True, help="Start each harvest as a fresh process instead of forking a pre-imported one.")
@click.option("--nodes", "nodes_text", default=None, metavar="URL[,URL...]",
              help="Run every harvest as a job on these harvest nodes (default: the registry's harvest.nodes).")
@common
def scheduler(cold: bool, nodes_text: str | None, registry_path: str, db_url: str) -> None:
    """Run each source on its registry schedule. SIGTERM stops cleanly; SIGHUP or
    editing the registry reloads it (an invalid registry is refused, the old one kept).
    Harvests start warm: forked from a parent that has the harvester imported."""
    from harvester.scheduler import Scheduler

    registry = load_or_exit(registry_path)
    nodes = None
    if nodes_text is not None or registry.harvest.nodes:
        from nodes.dispatch import NodesRefused, require_postgresql
        from nodes.scrapyd import parse_node_urls

        try:
            nodes = parse_node_urls(nodes_text) if nodes_text is not None else None
            require_postgresql(db_url)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--nodes") from None
        except NodesRefused as exc:
            raise click.ClickException(str(exc)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # "skipped: maximum number of running instances reached" is the no-overlap rule working
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    done = threading.Event()
    sched = Scheduler(registry_path, db_url, on_event=lambda m: click.echo(m, err=True), warm=not cold, nodes=nodes)
    sched.install_signal_handlers()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    sched.start()
    done.wait()
    click.echo("stopping: waiting for running harvests to close their runs…", err=True)
    sched.stop()
    click.echo("scheduler stopped", err=True)
