"""``zhanqun serve``: the editors' hub behind waitress."""
from __future__ import annotations

import os

import click

from cli.options import db_option


@click.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, type=int, show_default=True)
@click.option("--threads", default=8, type=int, show_default=True)
@click.option("--dev", is_flag=True, help="Development: plain-http cookies, a generated secret key is accepted.")
def serve(db_url: str, host: str, port: int, threads: int, dev: bool) -> None:
    """Serve the editors' hub (审核) with waitress."""
    from waitress import serve as waitress_serve

    from hub import ConfigError, create_app

    env = "development" if dev else os.environ.get("ZHANQUN_ENV", "production")
    try:
        app = create_app({"ENV_NAME": env, "DATABASE_URL": db_url})
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"zhanqun hub ({env}) on http://{host}:{port}/", err=True)
    waitress_serve(app, host=host, port=port, threads=threads)
