"""Store one extracted page: new item, repost of a known item, update, or unchanged.

Each page is written in its own short transaction (item, its source URL, its
columns and the raw-page revision together), so a run that dies leaves no
half-written item behind.  Runs only in the harvest's single writer thread.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from harvester.dates import parse_hint
from harvester.dedupe import DuplicateIndex
from harvester.fingerprint import near_duplicate
from harvester.registry import Registry
from harvester.urls import canonical_url
from storage.models import Item, ItemColumn, ItemRevision, ItemSource

SUMMARY_CHARS = 140


class IngestError(ValueError):
    """A page that cannot become an item (e.g. it has no title)."""


class NotAnArticle(IngestError):
    """A page that is no article (a sitemap's 关于我们 page): skipped, not an error."""


def summarise(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SUMMARY_CHARS else flat[:SUMMARY_CHARS].rstrip() + "…"


@dataclass
class Prepared:
    """A page checked and ready to be written."""

    page: dict[str, Any]
    result: dict[str, Any]
    run_id: int | None
    ex: Any
    hint: dict[str, Any]
    unit: Any
    source: Any
    url: str
    urls: set[str]
    fields: dict[str, Any]


class Ingestor:
    def __init__(self, sessions: sessionmaker[Session], registry: Registry):
        self.sessions = sessions
        self.tz = registry.portal.timezone
        self.sources = {source.id: (unit, source) for unit, source in registry.sources()}
        self.index = DuplicateIndex()
        with sessions() as session:
            self.index.load(session)

    def ingest(self, page: dict[str, Any], result: dict[str, Any], run_id: int | None) -> str:
        """One page; returns its outcome or raises its IngestError."""
        outcome = self.ingest_batch([(page, result, run_id)])[0]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def ingest_batch(self, entries: list[tuple[dict, dict, int | None]]) -> list[str | Exception]:
        """Store several pages in one transaction.  Each outcome is 'new', 'merged'
        (a repost added to a known item), 'updated', 'unchanged' or the page's
        IngestError.  If the transaction fails (another process stored the same
        URL meanwhile), every page is retried in a transaction of its own."""
        try:
            return self._batch(entries)
        except IntegrityError:
            outcomes: list[str | Exception] = []
            for entry in entries:
                try:
                    outcomes.extend(self._batch([entry]))
                except IntegrityError:
                    outcomes.extend(self._batch([entry]))  # read again: now it is known
            return outcomes

    def _prepare(self, page: dict[str, Any], result: dict[str, Any], run_id: int | None) -> Prepared:
        """Check a page before anything is written; raises IngestError."""
        ex = result["extracted"]
        hint = page.get("hint") or {}
        unit, source = self.sources[page["source_id"]]
        title = ex.title or hint.get("title") or ""
        if not title.strip():
            raise IngestError("no title found on the page")
        if hint.get("require_date") and ex.published_at is None:
            raise NotAnArticle("no publication date on the page: not an article")
        if not (ex.body_text or "").strip() and not ex.attachments:
            raise IngestError("no article text found on the page")
        url = canonical_url(page["url"])
        return Prepared(
            page=page, result=result, run_id=run_id, ex=ex, hint=hint, unit=unit, source=source, url=url,
            urls={url, canonical_url(page.get("listed_url") or page["url"])},
            fields={
                "title": title[:500],
                "published_at": ex.published_at or parse_hint(hint.get("date"), self.tz),
                "source_text": (ex.source or unit.name)[:200],
            },
        )

    def _batch(self, entries: list[tuple[dict, dict, int | None]]) -> list[str | Exception]:
        outcomes: list[str | Exception] = [""] * len(entries)
        prepared: list[tuple[int, Prepared]] = []
        for i, (page, result, run_id) in enumerate(entries):
            try:
                prepared.append((i, self._prepare(page, result, run_id)))
            except IngestError as exc:
                outcomes[i] = exc
        if not prepared:
            return outcomes
        created: list[tuple[Item, Prepared]] = []
        with self.sessions.begin() as session:
            wanted = set().union(*(p.urls for _, p in prepared))
            known = {link.url: link for link in session.scalars(select(ItemSource).where(ItemSource.url.in_(wanted)))}
            for i, p in prepared:
                outcomes[i] = self._apply(session, known, created, p)
        for item, p in created:
            self.index.add(item.id, p.result["content_hash"], p.result["fingerprint"], len(p.ex.body_text or ""))
        return outcomes

    def _apply(self, session: Session, known: dict[str, ItemSource], created: list, p: Prepared) -> str:
        now = datetime.now(timezone.utc)
        result, ex = p.result, p.ex
        link = next((known[u] for u in p.urls if u in known), None)
        if link is not None:
            link.last_seen = link.last_fetched = now
            link.list_date = p.hint.get("list_date") or link.list_date
            if link.status == "withdrawn":
                self._reinstate(link, now)
            if link.content_hash == result["content_hash"]:
                return "unchanged"
            self._update(session, link, ex, result, p.fields, p.run_id, p.page, now)
            return "updated"

        item = self._duplicate_of(session, created, result, len(ex.body_text or ""))
        if item is not None:
            link = self._link(session, item, p, primary=False)
            known[p.url] = link
            self._add_columns(item, p.source.columns)
            primary = next((s for s in item.sources if s.is_primary), None)
            published = p.fields["published_at"]
            if published and (primary is None or primary.published_at is None or published < primary.published_at):
                self._make_primary(item, link, ex)
            return "merged"

        item = Item(
            **p.fields,
            url=p.url,
            unit_id=p.unit.id,
            column_name=(ex.column_name or "")[:200],
            body_html=ex.body_html or "",
            body_text=ex.body_text or "",
            summary=summarise(ex.body_text or ""),
            attachments=[{"name": a.name, "url": a.url} for a in ex.attachments],
            images=[{"name": i.name, "url": i.url} for i in ex.images],
            meta=dict(ex.meta),
            status="published" if p.source.review == "auto" else "pending",
            fingerprint=result["fingerprint"],
            content_hash=result["content_hash"],
            flags=[],
            columns=[],
            sources=[],
        )
        session.add(item)
        self._add_columns(item, p.source.columns)
        known[p.url] = self._link(session, item, p, primary=True)
        created.append((item, p))
        return "new"

    def _duplicate_of(self, session: Session, created: list, result: dict, text_len: int) -> Item | None:
        """An item with the same text: first among this batch's new items, then the index."""
        for item, p in created:
            if p.result["content_hash"] == result["content_hash"] or near_duplicate(
                p.result["fingerprint"], result["fingerprint"], len(p.ex.body_text or ""), text_len
            ):
                return item
        item_id = self.index.match(result["content_hash"], result["fingerprint"], text_len)
        return session.get(Item, item_id) if item_id is not None else None

    # -- pieces --------------------------------------------------------------------
    def _link(self, session: Session, item: Item, p: Prepared, primary: bool) -> ItemSource:
        link = ItemSource(
            last_fetched=datetime.now(timezone.utc),
            list_date=p.hint.get("list_date") or "",
            source_id=p.source.id,
            unit_id=p.unit.id,
            url=p.url,
            title=p.fields["title"],
            source_text=p.fields["source_text"],
            published_at=p.fields["published_at"],
            is_primary=primary,
            content_hash=p.result["content_hash"],
        )
        item.sources.append(link)
        self._revision(session, link, p.result, p.run_id, p.page, p.ex)
        return link

    def _revision(self, session, link: ItemSource, result, run_id, page, ex) -> None:
        session.add(
            ItemRevision(
                item_source=link,
                run_id=run_id,
                content_hash=result["content_hash"],
                http_status=page.get("status") or 200,
                content_type=(page.get("content_type") or "")[:200],
                encoding=result["encoding"][:40],
                raw_gz=result["raw_gz"],
                title=(ex.title or "")[:500],
                body_text=ex.body_text or "",
            )
        )

    def _add_columns(self, item: Item, columns) -> None:
        have = {c.column_id for c in item.columns}
        for column in columns:
            if column not in have:
                item.columns.append(ItemColumn(column_id=column))

    def _make_primary(self, item: Item, link: ItemSource, ex) -> None:
        """The earliest publisher is the primary source: its URL, unit and 来源 lead."""
        for other in item.sources:
            other.is_primary = other is link
        item.url, item.unit_id = link.url, link.unit_id
        item.published_at, item.source_text = link.published_at, link.source_text

    def _update(self, session, known: ItemSource, ex, result, fields, run_id, page, now) -> None:
        """The page changed at its source: keep the old revision, store the new one, flag it."""
        known.content_hash = result["content_hash"]
        known.title, known.published_at, known.source_text = fields["title"], fields["published_at"], fields["source_text"]
        self._revision(session, known, result, run_id, page, ex)
        item = known.item
        if known.is_primary:
            item.title, item.published_at, item.source_text = fields["title"], fields["published_at"], fields["source_text"]
            item.body_html, item.body_text = ex.body_html or "", ex.body_text or ""
            item.summary = summarise(ex.body_text or "")
            item.attachments = [{"name": a.name, "url": a.url} for a in ex.attachments]
            item.images = [{"name": i.name, "url": i.url} for i in ex.images]
            item.meta = dict(ex.meta)
            item.content_hash, item.fingerprint = result["content_hash"], result["fingerprint"]
        item.flags = [*(item.flags or []), {"kind": "updated_at_source", "url": known.url, "at": now.isoformat()}]

    # -- withdrawals ---------------------------------------------------------------
    def withdraw(self, url: str, reason: str, policy: str) -> bool:
        """The source page is gone (404/410) or vanished from its list.

        The item keeps its other sources; when none is left, policy ``unpublish``
        sets it ``withdrawn`` (the hub stops showing it) and ``flag`` only flags it.
        """
        now = datetime.now(timezone.utc)
        with self.sessions.begin() as session:
            link = session.scalar(select(ItemSource).where(ItemSource.url == url))
            if link is None or link.status == "withdrawn":
                return False
            link.status, link.withdrawn_at, link.withdrawn_reason = "withdrawn", now, reason
            item = link.item
            active = [s for s in item.sources if s.status == "active" and s is not link]
            if link.is_primary and active:
                earliest = min(active, key=lambda s: (s.published_at is None, s.published_at or now))
                self._make_primary(item, earliest, None)
            flag = {"kind": "withdrawn_at_source", "url": url, "reason": reason, "at": now.isoformat()}
            if not active:
                flag["policy"] = policy
                if policy == "unpublish":
                    item.status = "withdrawn"
            item.flags = [*(item.flags or []), flag]
        return True

    def _reinstate(self, link: ItemSource, now) -> None:
        """A withdrawn page answers again: note it for the editors (status stays theirs to decide)."""
        link.status, link.withdrawn_at, link.withdrawn_reason = "active", None, None
        link.item.flags = [*(link.item.flags or []), {"kind": "back_at_source", "url": link.url, "at": now.isoformat()}]
