"""``zhanqun serve``: the public portal and the editors' hub behind waitress."""
from __future__ import annotations

import os

import click

from cli.options import common


@click.command()
@common
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option("--dev", is_flag=True, help="Development: plain-http cookies, a generated secret key is accepted.")
def serve(registry_path: str, db_url: str, host: str, port: int, threads: int, dev: bool) -> None:
    """Serve the portal (/) and the editors' hub (/hub/) with waitress."""
    from waitress import serve as waitress_serve

    from hub import ConfigError, create_app

    env = "development" if dev else os.environ.get("ZHANQUN_ENV", "production")
    try:
        app = create_app({"ENV_NAME": env, "DATABASE_URL": db_url, "REGISTRY_PATH": registry_path})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"zhanqun ({env}): portal http://{host}:{port}/  hub http://{host}:{port}/hub/", err=True)
    waitress_serve(app, host=host, port=port, threads=threads)
