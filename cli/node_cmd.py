"""``zhanqun node``: run a harvest node (a Scrapyd daemon for this project)."""
from __future__ import annotations

import os
from pathlib import Path

import click

from nodes.daemon import NodeConfig, NodeRefused, run_node


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address Scrapyd listens on.")
@click.option("--port", default=6800, show_default=True, type=click.IntRange(1, 65535), help="Scrapyd's HTTP port.")
@click.option("--jobs", default=os.cpu_count() or 2, show_default="CPU count", type=click.IntRange(1, 256),
              help="Harvest jobs this node runs at once.")
@click.option("--dir", "directory", default=None, type=click.Path(file_okay=False),
              help="The node's scrapy.cfg, logs and queue (default var/node-PORT).")
def node(host: str, port: int, jobs: int, directory: str | None) -> None:
    """Start a harvest node: Scrapyd running this installed project's harvests
    (`scrapy crawl harvest -a source=ID`), no egg upload needed. Reads
    ZHANQUN_DATABASE_URL (the shared PostgreSQL) and ZHANQUN_REGISTRY from the
    environment. Dispatch to it with `zhanqun harvest --nodes http://HOST:PORT`."""
    config = NodeConfig(host, port, Path(directory or f"var/node-{port}").resolve(), jobs)
    try:
        code = run_node(config, dict(os.environ), on_event=lambda m: click.echo(m, err=True))
    except NodeRefused as exc:
        raise click.ClickException(str(exc)) from None
    raise SystemExit(code)
