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


def _schedule_lines(registry, publish_every: float, publishing: int) -> list[str]:
    """What the banner promises, worked out from the registry it runs."""
    from cli.demo_backlog import KEEP_PENDING
    from harvester.intervals import human, planned

    plans = [(source, planned(source, registry.harvest)) for _, source in registry.sources()]
    every = sorted({plan.seconds for _, plan in plans if plan.seconds})
    crons = [f"{source.id}: cron '{source.schedule.cron}'" for source, plan in plans if plan.seconds is None]
    lines = []
    if every:
        span = human(every[0]) if every[0] == every[-1] else f"{human(every[0])}–{human(every[-1])}"
        extra = f"; {'; '.join(crons)}" if crons else ""
        lines.append(f"Harvests: each source at least every {span} as registry.yaml says{extra}; busy sources more "
                     f"often (down to {registry.harvest.min_interval}).")
    if publish_every:
        lines.append(f"New items: every {publish_every:g} s one demo source publishes, in turn over {publishing} "
                     f"sources; the item reaches the portal at that source's next harvest (within "
                     f"{human(every[-1]) if every else 'its schedule'}).")
    review = [(s.id, "、".join(c for c in s.column_ids)) for _, s in registry.sources() if s.review == "required"]
    if review:
        names = {c.id: c.name for c in registry.columns}
        listed = ", ".join(f"{sid} ({'、'.join(names[c] for c in cols.split('、'))})" for sid, cols in review)
        lines.append(f"Waiting for review (审核): new items of {listed}. At first start the demo publishes "
                     f"all but the newest {KEEP_PENDING} of each so every column has content; those wait in the hub.")
    return lines


@click.command()
@click.option("--port", default=8701, show_default=True)
@click.option("--hub-port", default=5000, show_default=True, help="Port of the editors' hub (0: do not serve it).")
@click.option("--publish-every", type=float, default=60, show_default=True, help="A demo site publishes a new item every N seconds.")
@common
def demo(port: int, hub_port: int, publish_every: float, registry_path: str, db_url: str) -> None:
    """Serve the demo federation, keep harvesting it on schedule and serve the hub (what `make run` runs)."""
    import logging
    import signal

    from cli.demo_backlog import first_start  # loads the hub: not for every other command
    from harvester.scheduler import Scheduler

    registry = load_or_exit(registry_path, check_files=True)
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    federation, server = _serve("127.0.0.1", port, live=True)
    click.echo(f"demo federation: {len(server.urls)} sub-sites on 127.0.0.1:{port}-{port + len(server.urls) - 1}")
    stamp = lambda m: click.echo(f"[{time.strftime('%H:%M:%S')}] {m}")  # noqa: E731
    sched = Scheduler(registry_path, db_url, on_event=stamp)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    sched.install_signal_handlers()
    accounts = []
    if hub_port:
        _serve_hub(db_url, hub_port, registry_path)  # migrates and creates admin before the seed uses them
        from demo.hub_seed import seed

        accounts = seed(db_url, load_or_exit(registry_path))
    sched.start()
    click.echo("")
    if hub_port:
        click.echo(f"portal (门户):  http://127.0.0.1:{hub_port}/")
        click.echo(f"hub (审核后台): http://127.0.0.1:{hub_port}/hub/  (first start: the admin password is printed above, once)")
        click.echo(f"letters (政民互动): write at http://127.0.0.1:{hub_port}/interact/write, then dispatch it at "
                   f"http://127.0.0.1:{hub_port}/hub/letters/")
        for account in accounts:
            click.echo(f"demo reporter {account.username}  password: {account.password}  ({account.note})")
        if accounts:
            click.echo("  (reporter passwords are shown only this once; `zhanqun users add NAME --role reporter "
                       "--unit ID` makes more)")
    click.echo("The scheduler harvests every source now, then on its registry schedule.")
    publishing = sum(1 for source in federation.sources.values() if source.publishable)
    for line in _schedule_lines(registry, publish_every, publishing):
        click.echo(line)
    click.echo(f"  health:  zhanqun sources --db {db_url}      runs: zhanqun runs --db {db_url}")
    click.echo(f"  items:   zhanqun export --db {db_url} | head")
    click.echo(f"  supervision (监管): zhanqun supervise status --db {db_url}   (and /hub/supervision/)")
    click.echo(f"  publish: curl -X POST http://127.0.0.1:{port}/_demo/publish")
    click.echo("Ctrl-C stops (running harvests close their runs first).")
    with sched.sessions() as session:
        review = [s.id for _, s in registry.sources() if s.review == "required"] if first_start(session) else []
    backlog = _BacklogWatch(sched.sessions, review, stamp, hub_port)
    last = time.monotonic()
    while not done.wait(0.5):
        backlog.check()
        if publish_every and time.monotonic() - last >= publish_every:
            item = federation.publish()
            stamp(f"demo site published: {item.title}")
            last = time.monotonic()
    click.echo("stopping…")
    sched.stop()
    server.stop()


class _BacklogWatch:
    """Publishes each review-required source's backlog once its first harvest is in (cli/demo_backlog.py)."""

    EVERY_SECONDS = 2.0

    def __init__(self, sessions, source_ids: list[str], say, hub_port: int) -> None:
        self.sessions, self.todo, self.say, self.hub_port = sessions, list(source_ids), say, hub_port
        self.checked = 0.0

    def check(self) -> None:
        from cli.demo_backlog import harvested, publish_backlog

        if not self.todo or time.monotonic() - self.checked < self.EVERY_SECONDS:
            return
        self.checked = time.monotonic()
        for source_id in list(self.todo):
            with self.sessions.begin() as session:
                if not harvested(session, source_id):
                    continue
                self.todo.remove(source_id)
                done = publish_backlog(session, source_id)
            if done.published:
                where = f" at http://127.0.0.1:{self.hub_port}/review/" if self.hub_port else ""
                self.say(f"{source_id}: first start, published {done.published} older items; "
                         f"the newest {done.waiting} wait for review{where}")
