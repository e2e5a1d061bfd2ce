"""Options every command shares: ``--registry`` and ``--db``."""
from __future__ import annotations

import os

import click

from harvester.registry import Registry, RegistryError, load_registry
from harvestkit.dates import DEFAULT_TIMEZONE


def env_option(flag: str, dest: str, env: str, fallback: str, help_text: str):
    """An option whose default is ``$ENV``, else ``fallback``, read when the command runs."""
    return click.option(flag, dest, default=lambda: os.environ.get(env, fallback),
                        show_default=f"${env} or {fallback}", help=help_text)


registry_option = env_option("--registry", "registry_path", "ZHANQUN_REGISTRY", "registry.yaml", "Path of the federation registry.")
db_option = env_option("--db", "db_url", "ZHANQUN_DATABASE_URL", "sqlite:///var/zhanqun.db", "SQLAlchemy database URL.")


def common(f):
    return registry_option(db_option(f))


def load_or_exit(path: str, check_files: bool = False) -> Registry:
    """Load the registry, or print every problem as file:line and exit 2.
    ``check_files``: also the files it names (the portal's logo)."""
    try:
        return load_registry(path, check_files)
    except RegistryError as exc:
        for problem in exc.problems:
            click.echo(str(problem), err=True)
        click.echo(f"registry has {len(exc.problems)} error(s); nothing was harvested", err=True)
        raise SystemExit(2) from None


def portal_timezone(path: str) -> str:
    """The registry's ``portal.timezone``; the default zone when the registry cannot
    be read (commands that need only the zone work without one)."""
    try:
        return load_registry(path).portal.timezone
    except (RegistryError, OSError):
        return DEFAULT_TIMEZONE
