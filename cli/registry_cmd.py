"""``zhanqun registry check``."""
from __future__ import annotations

import click

from cli.options import common, load_or_exit


@click.group()
def registry() -> None:
    """Work with registry.yaml."""


@registry.command("check")
@click.argument("path", required=False)
@common
def check(path: str | None, registry_path: str, db_url: str) -> None:
    """Validate a registry and the files it names; errors are printed as file:line and exit with 2."""
    reg = load_or_exit(path or registry_path, check_files=True)
    sources = reg.sources()
    click.echo(f"{path or registry_path}: OK — {len(reg.columns)} columns, {len(reg.units)} units, {len(sources)} sources")
