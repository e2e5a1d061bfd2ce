"""Load what the harvester already knows about a source (:class:`SourceState`)
and the HTTP validators of every URL fetched before, from the database."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvestkit.state import KnownPage, SourceState
from storage.models import FetchState, HarvestRun, ItemSource


def load_state(session: Session, source_id: str, revisit_every: timedelta, revisit_window: timedelta) -> SourceState:
    state = SourceState(revisit_every=revisit_every, revisit_window=revisit_window)
    rows = session.execute(
        select(ItemSource.url, ItemSource.list_date, ItemSource.last_fetched, ItemSource.published_at, ItemSource.status).where(
            ItemSource.source_id == source_id
        )
    )
    for url, list_date, last_fetched, published_at, status in rows:
        state.known[url] = KnownPage(list_date or "", last_fetched, published_at, status)
    last = session.scalar(
        select(HarvestRun.status).where(HarvestRun.source_id == source_id, HarvestRun.status != "running")
        .order_by(HarvestRun.id.desc()).limit(1)
    )
    state.trust_listing = last == "ok"
    return state


def load_validators(session: Session) -> dict[str, tuple[str | None, str | None]]:
    """URL → (ETag, Last-Modified) of every page fetched before."""
    return {url: (etag, modified) for url, etag, modified in session.execute(select(FetchState.url, FetchState.etag, FetchState.last_modified))}
