"""``zhanqun extract FILE``: the harvester's extraction on a saved page."""
from __future__ import annotations

import json
from pathlib import Path

import click

from cli.options import common, portal_timezone
from harvester.extract import decode_body, extract_page


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", default=None, help="The page's URL (for absolute links); default file://FILE.")
@click.option("--encoding", default=None, help="Force an encoding, like a source's `encoding:`.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@common
def extract(file: Path, url: str | None, encoding: str | None, as_json: bool, registry_path: str, db_url: str) -> None:
    """Extract title, date, 来源, body, attachments and government fields from a saved page."""
    tz = portal_timezone(registry_path)
    text, used = decode_body(file.read_bytes(), None, encoding)
    page = extract_page(text, url or file.resolve().as_uri(), tz=tz)
    data = page.to_json()
    data["encoding"] = used
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(f"标题: {page.title}\n发布时间: {data['published_at']}\n来源: {page.source}\n编码: {used}")
    for key, value in page.meta.items():
        click.echo(f"{key}: {value}")
    for att in page.attachments:
        click.echo(f"附件: {att.name} <{att.url}>")
    click.echo("")
    click.echo(page.body_text)
