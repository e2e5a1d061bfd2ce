"""``zhanqun search``: rebuild the full-text index, or query it from the shell."""
from __future__ import annotations

import html
import json
import re
import time

import click
from sqlalchemy import select

from cli.options import common, portal_timezone
from harvestkit.dates import as_local
from storage import search as fulltext
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Item

_MARK = re.compile(r"<mark>(.*?)</mark>")


@click.group("search")
def search() -> None:
    """Full-text search over published items."""


def _sessions(db_url: str, timezone: str):
    engine = make_engine(db_url)
    upgrade(engine)
    return session_factory(engine, timezone)


@search.command("rebuild")
@common
def rebuild(registry_path: str, db_url: str) -> None:
    """Reindex every published item (after a bulk import, or to compact the index).

    One transaction: searches see the old index until it commits; on SQLite the
    harvester's writes wait meanwhile (about a minute per 100,000 items).  Entries are
    keyed by 发布日期 in the registry's portal.timezone: run it after changing that."""
    started = time.monotonic()
    with _sessions(db_url, portal_timezone(registry_path))() as session:
        count = fulltext.rebuild(session)
        session.commit()
    click.echo(f"indexed {count} published items in {time.monotonic() - started:.1f} s")


@search.command("query")
@click.argument("q")
@click.option("--unit", default=None, help="Only this unit's items (unit id).")
@click.option("--column", default=None, help="Only items in this column (column id).")
@click.option("--from", "date_from", type=click.DateTime(["%Y-%m-%d"]), default=None, help="发布日期 from (YYYY-MM-DD).")
@click.option("--to", "date_to", type=click.DateTime(["%Y-%m-%d"]), default=None, help="发布日期 up to (YYYY-MM-DD).")
@click.option("--sort", type=click.Choice(fulltext.SORTS), default="relevance", show_default=True)
@click.option("--page", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--per-page", type=click.IntRange(1, fulltext.MAX_PER_PAGE), default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@common
def query(q: str, unit, column, date_from, date_to, sort, page, per_page, as_json: bool, registry_path: str,
          db_url: str) -> None:
    """Search published items for Q (words are ANDed; "…" keeps a phrase)."""
    tz = portal_timezone(registry_path)
    with _sessions(db_url, tz)() as session:
        try:
            result = fulltext.search(
                session, q, unit=unit, column=column, date_from=date_from.date() if date_from else None,
                date_to=date_to.date() if date_to else None, sort=sort, page=page, per_page=per_page,
            )
        except fulltext.QueryError as exc:
            raise click.ClickException(str(exc)) from None
        items = {row.id: row for row in session.execute(
            select(Item.id, Item.url, Item.published_at).where(Item.id.in_([h.item_id for h in result.hits]))
        )}
    hits = []
    for hit in result.hits:
        item = items.get(hit.item_id)
        published = as_local(item.published_at, tz) if item else None
        hits.append({"item_id": hit.item_id, "url": item.url if item else None,
                     "published_at": published.isoformat() if published else None,
                     "title_html": hit.title_html, "snippet_html": hit.snippet_html})
    if as_json:
        click.echo(json.dumps({
            "terms": result.terms, "total": result.total, "total_is_capped": result.total_is_capped,
            "page": result.page, "per_page": result.per_page, "hits": hits,
        }, ensure_ascii=False, indent=2))
        return
    click.echo(f"共 {result.total}{'+' if result.total_is_capped else ''} 条（{' '.join(result.terms)}）")
    for hit in hits:
        date = (hit["published_at"] or "")[:10]
        click.echo(f"{hit['item_id']:>8}  {date:10}  {_plain(hit['title_html'])}")
        click.echo(f"{'':20}{_plain(hit['snippet_html'])}")


def _plain(fragment: str) -> str:
    """Highlighted HTML → terminal text, matches in 【】."""
    return html.unescape(_MARK.sub(r"【\1】", fragment))
