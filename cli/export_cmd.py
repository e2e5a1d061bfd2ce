"""``zhanqun export``: every item as JSON Lines."""
from __future__ import annotations

import json

import click
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cli.options import common, portal_timezone
from harvestkit.dates import as_local
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Item

BATCH = 500


def item_json(item: Item, tz: str) -> dict:
    published = as_local(item.published_at, tz)
    return {
        "id": item.id,
        "title": item.title,
        "url": item.url,
        "published_at": published.isoformat() if published else None,
        "published_date_only": item.published_date_only,  # the source gave the day only (00:00 local)
        "unit_id": item.unit_id,
        "unit": item.unit.name,
        "source": item.source_text,
        "columns": sorted(c.column_id for c in item.columns),
        "status": item.status,
        "sources": [s.url for s in item.sources],
        "source_units": [s.unit_id for s in item.sources],
        "attachments": item.attachments,
        "meta": item.meta,
        "summary": item.summary,
    }


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True)
@click.option("--output", "-o", type=click.File("w", encoding="utf-8"), default="-", help="File to write (default stdout).")
@common
def export(fmt: str, output, registry_path: str, db_url: str) -> None:
    """Write one JSON object per item (primary source first in `sources`)."""
    tz = portal_timezone(registry_path)  # exporting needs only the timezone; the database holds the rest
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        query = (
            select(Item)
            .options(selectinload(Item.sources), selectinload(Item.columns), selectinload(Item.unit))
            .order_by(Item.id)
            .execution_options(yield_per=BATCH)
        )
        for item in session.scalars(query):
            output.write(json.dumps(item_json(item, tz), ensure_ascii=False) + "\n")
    output.flush()
