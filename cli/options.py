"""Options every command shares: ``--registry`` and ``--db``."""
from __future__ import annotations

import os

import click

from harvester.registry import Registry, RegistryError, load_registry


def registry_option(f):
    return click.option(
        "--registry",
        "registry_path",
        default=lambda: os.environ.get("ZHANQUN_REGISTRY", "registry.yaml"),
        show_default="$ZHANQUN_REGISTRY or ./registry.yaml",
        help="Path of the federation registry.",
    )(f)


def db_option(f):
    return click.option(
        "--db",
        "db_url",
        default=lambda: os.environ.get("ZHANQUN_DATABASE_URL", "sqlite:///var/zhanqun.db"),
        show_default="$ZHANQUN_DATABASE_URL or sqlite:///var/zhanqun.db",
        help="SQLAlchemy database URL.",
    )(f)


def common(f):
    return registry_option(db_option(f))


def load_or_exit(path: str) -> Registry:
    """Load the registry, or print every problem as file:line and exit 2."""
    try:
        return load_registry(path)
    except RegistryError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"registry has {len(exc.problems)} error(s); nothing was harvested", err=True)
        raise SystemExit(2) from None
