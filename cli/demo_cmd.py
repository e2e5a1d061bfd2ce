"""``zhanqun demo-sites`` and ``zhanqun demo``: the bundled demo federation."""
from __future__ import annotations

import threading
import time

import click

from cli.options import common, load_or_exit


def _serve(host: str, port: int, live: bool):
    from demo.federation import Federation
    from demo.server import serve

    federation = Federation(live=live)
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
@click.option("--live", is_flag=True, help="Keep the sites current: items up to yesterday, new ones stamped now "
                                            "(default: the fixed history the tests know).")
def demo_sites(host: str, port: int, publish_every: float | None, live: bool) -> None:
    """Serve the demo federation's sub-sites on loopback until Ctrl-C."""
    federation, server = _serve(host, port, live)
    for site, url in server.urls.items():
        click.echo(f"{site:12s} {url}")
    click.echo("POST /_demo/publish?source=ID on any site publishes a new item; Ctrl-C stops.")
    try:
        _publish_loop(federation, publish_every)
    except KeyboardInterrupt:
        server.stop()


def _serve_hub(db_url: str, port: int, registry_path: str) -> None:
    """The portal and the editors' hub beside the demo, on plain-http loopback (development config)."""
    from waitress.server import create_server

    from hub import create_app

    app = create_app({"ENV_NAME": "development", "DATABASE_URL": db_url, "REGISTRY_PATH": registry_path})
    server = create_server(app, host="127.0.0.1", port=port, threads=4)
    threading.Thread(target=server.run, name="hub", daemon=True).start()


@click.command()
@click.option("--port", default=8701, show_default=True)
@click.option("--hub-port", default=5000, show_default=True, help="Port of the editors' hub (0: do not serve it).")
@click.option("--publish-every", type=float, default=60, show_default=True, help="A demo site publishes a new item every N seconds.")
@common
def demo(port: int, hub_port: int, publish_every: float, registry_path: str, db_url: str) -> None:
    """Serve the demo federation, keep harvesting it on schedule and serve the hub (what `make run` runs)."""
    import logging
    import signal

    from harvester.scheduler import Scheduler

    load_or_exit(registry_path)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    federation, server = _serve("127.0.0.1", port, live=True)
    click.echo(f"demo federation: {len(server.urls)} sub-sites on 127.0.0.1:{port}-{port + len(server.urls) - 1}")
    stamp = lambda m: click.echo(f"[{time.strftime('%H:%M:%S')}] {m}")  # noqa: E731
    sched = Scheduler(registry_path, db_url, on_event=stamp)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    sched.install_signal_handlers()
    sched.start()
    if hub_port:
        _serve_hub(db_url, hub_port, registry_path)
    click.echo("")
    if hub_port:
        click.echo(f"portal (门户):  http://127.0.0.1:{hub_port}/")
        click.echo(f"hub (审核后台): http://127.0.0.1:{hub_port}/hub/  (first start: the admin password is printed above, once)")
    click.echo("The scheduler harvests every source now, then on its registry schedule (minutes apart).")
    click.echo(f"A demo site publishes a new item every {publish_every:g} s; it shows up at the next run.")
    click.echo(f"  health:  zhanqun sources --db {db_url}      runs: zhanqun runs --db {db_url}")
    click.echo(f"  items:   zhanqun export --db {db_url} | head")
    click.echo(f"  supervision (监管): zhanqun supervise status --db {db_url}   (and /hub/supervision/)")
    click.echo(f"  publish: curl -X POST http://127.0.0.1:{port}/_demo/publish")
    click.echo("Ctrl-C stops (running harvests close their runs first).")
    last = time.monotonic()
    while not done.wait(0.5):
        if publish_every and time.monotonic() - last >= publish_every:
            item = federation.publish()
            stamp(f"demo site published: {item.title}")
            last = time.monotonic()
    click.echo("stopping…")
    sched.stop()
    server.stop()
