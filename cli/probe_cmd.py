"""``zhanqun probe URL``: try a sub-site address as the harvester would read it."""
from __future__ import annotations

import json

import click

from cli.options import registry_option
from harvester.registry import RegistryError, load_registry
from harvester.registry import _check_url as check_url
from harvestkit.dates import DEFAULT_TIMEZONE
from probe.report import SOURCE_TYPES, ProbeRequest, render_text


@click.command()
@click.argument("url")
@click.option("--type", "source_type", type=click.Choice(SOURCE_TYPES), default="auto", show_default=True,
              help="Read the address as this source type.")
@click.option("--encoding", default=None, help="Force the page encoding, like a source's `encoding:`.")
@click.option("--pages", type=click.IntRange(1, 20), default=3, show_default=True, help="List pages to read at most.")
@click.option("--allow-private", is_flag=True, help="Allow loopback/private addresses (test and demo sites only).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@registry_option
def probe(url: str, source_type: str, encoding: str | None, pages: int, allow_private: bool, as_json: bool,
          registry_path: str) -> None:
    """试采: the type and paging found at URL, the items of each list page, one detail page, a registry snippet.

    Fetches like the harvester (politeness from the registry's harvest policy, the private-address
    guard, robots.txt); stores nothing.  Exit 0 when entries were found without errors, else 1."""
    from probe import probe as run_probe  # Scrapy is loaded only when a probe runs

    try:
        registry = load_registry(registry_path)
    except RegistryError:
        registry = None
    request = ProbeRequest(url, source_type, encoding, pages, allow_private)
    try:
        check_url(url)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="URL") from None
    report = run_probe(request, registry=registry, tz=registry.portal.timezone if registry else DEFAULT_TIMEZONE)
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text(report))
    raise SystemExit(0 if report.ok else 1)
