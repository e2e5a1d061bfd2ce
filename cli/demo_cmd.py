"""``zhanqun demo-sites`` and ``zhanqun demo``: the bundled demo federation."""
from __future__ import annotations

import subprocess
import sys
import time

import click

from cli.options import common, load_or_exit


def _serve(host: str, port: int):
    from demo.federation import Federation
    from demo.server import serve

    federation = Federation()
    try:
        return federation, serve(federation, host=host, base_port=port)
    except OSError as exc:
        raise click.ClickException(f"cannot serve the demo sites on {host}:{port}+: {exc}") from None


def _publish_loop(federation, every: float | None) -> None:
    last = time.monotonic()
    while True:
        time.sleep(0.5)
        if every and time.monotonic() - last >= every:
            item = federation.publish()
            click.echo(f"published: {item.title}")
            last = time.monotonic()


@click.command("demo-sites")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8701, show_default=True, help="Port of the first site; site i listens on port+i.")
@click.option("--publish-every", type=float, default=None, help="Publish a new item every N seconds.")
def demo_sites(host: str, port: int, publish_every: float | None) -> None:
    """Serve the demo federation's sub-sites on loopback until Ctrl-C."""
    federation, server = _serve(host, port)
    for site, url in server.urls.items():
        click.echo(f"{site:12s} {url}")
    click.echo("POST /_demo/publish?source=ID on any site publishes a new item; Ctrl-C stops.")
    try:
        _publish_loop(federation, publish_every)
    except KeyboardInterrupt:
        server.stop()


@click.command()
@click.option("--port", default=8701, show_default=True)
@common
def demo(port: int, registry_path: str, db_url: str) -> None:
    """Serve the demo federation, harvest it into the database, keep serving."""
    load_or_exit(registry_path)
    federation, server = _serve("127.0.0.1", port)
    click.echo(f"demo federation: {len(server.urls)} sub-sites on 127.0.0.1:{port}…")
    code = subprocess.call([sys.executable, "-m", "cli.main", "harvest", "--registry", registry_path, "--db", db_url])
    click.echo("")
    click.echo(f"harvest finished (exit {code}; failures of the demo's broken sources are expected).")
    click.echo(f"  items:       zhanqun export --db {db_url} | head")
    click.echo(f"  again:       zhanqun harvest --db {db_url}   (adds nothing until a site publishes)")
    click.echo(f"  publish:     curl -X POST http://127.0.0.1:{port}/_demo/publish")
    click.echo("The demo sites keep running; Ctrl-C stops them.")
    try:
        _publish_loop(federation, None)
    except KeyboardInterrupt:
        server.stop()
