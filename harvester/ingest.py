"""Store extracted pages: new item, repost of a known item, update, or unchanged.

Runs only in the harvest's single writer process (harvester/writer.py), which
stores the pages that arrive together in one transaction: each page's item,
source URL, columns and raw-page revision are written together, so a run that
dies leaves no half-written item behind.  New items (the common case) go in with
bulk Core-level inserts (``INSERT … RETURNING`` over many rows); updates, merges
and withdrawals use the ORM.

Pages arrive as plain records (:func:`harvester.records.page_record`), already
checked.  Which source leads an item and how columns are added follow
``storage.items``, as in the hub.  This module imports no Scrapy, no extraction code.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from harvester.column_rules import columns_for, load_rules
from harvester.dedupe import DuplicateIndex, lock_new_items
from harvester.fingerprint import near_duplicate, titles_compatible
from harvester.screen import Screen, load_terms
from harvester.records import StoreRecord, revision_fields
from storage import counters, lengths, search
from storage.items import add_columns, earliest_publisher, make_primary, published_earlier
from storage.lengths import fit
from storage.models import Item, ItemColumn, ItemRevision, ItemSource

@dataclass(frozen=True)
class WriterSource:
    """What the writer needs to know of a registry source (plain data, picklable)."""

    unit_id: str
    unit_name: str
    columns: tuple[str, ...]
    review: str


def writer_sources(registry) -> dict[str, WriterSource]:
    return {
        source.id: WriterSource(unit.id, unit.name, tuple(source.column_ids), source.review)
        for unit, source in registry.sources()
    }


class Ingestor:
    def __init__(self, sessions: sessionmaker[Session], sources: dict[str, WriterSource], load_index: bool = True):
        self.sessions = sessions
        self.sources = sources
        self.index = DuplicateIndex()
        with sessions() as session:
            # The screen and the column rules as they are when the run starts.
            self.screen = Screen(load_terms(session))
            self.rules = load_rules(session)
            if load_index:
                self.index.load(session)

    def columns(self, rec: StoreRecord) -> list[str]:
        info = self.sources[rec.source_id]
        return columns_for(rec.title, rec.column_name, rec.source_id, info.columns, self.rules)

    def initial_status(self, rec: StoreRecord) -> tuple[str, list[str]]:
        """``published`` only for a ``review: auto`` source and a page the screen passes."""
        terms = self.screen.find(rec.title, rec.body_text)
        auto = self.sources[rec.source_id].review == "auto"
        return ("published" if auto and not terms else "pending"), terms

    def ingest_batch(self, records: list[StoreRecord]) -> list[str]:
        """Store several pages in one transaction.  Each outcome is 'new', 'merged'
        (a repost added to a known item), 'updated', 'unchanged', or the error that
        kept that page out.  If the transaction fails (another process stored the
        same URL meanwhile, or one page the database refuses), every page is
        retried in a transaction of its own: one bad page never takes the others
        of its batch with it."""
        try:
            return self._batch(records)
        except Exception:  # noqa: BLE001 - retried page by page below
            pass
        outcomes: list[str] = []
        for record in records:
            try:
                try:
                    outcomes.extend(self._batch([record]))
                except IntegrityError:
                    outcomes.extend(self._batch([record]))  # read again: now it is known
            except Exception as exc:  # noqa: BLE001 - this page's error, on its run
                outcomes.append(fit(f"{type(exc).__name__}: {exc}", lengths.RUN_MESSAGE))
        return outcomes

    def _batch(self, records: list[StoreRecord]) -> list[str]:
        outcomes = [""] * len(records)
        batch = _Batch(self, records)
        with self.sessions.begin() as session:
            lock_new_items(session)  # other writers' reposts: one writer decides at a time, on all they stored
            self.index.catch_up(session)
            wanted = {u for r in records for u in r.urls}
            known = {link.url: link for link in session.scalars(select(ItemSource).where(ItemSource.url.in_(wanted)))}
            for i, rec in enumerate(records):
                outcomes[i] = self._apply(session, known, batch, rec)
            batch.flush(session)
            batch.publicise(session)
        for item_id, rec in batch.created:
            self.index.add(item_id, rec.content_hash, rec.fingerprint, len(rec.body_text), rec.title)
        return outcomes

    def _apply(self, session: Session, known: dict[str, ItemSource], batch: _Batch, rec: StoreRecord) -> str:
        now = datetime.now(timezone.utc)
        if any(u in batch.pending_urls for u in rec.urls):  # the same page twice in one batch
            batch.flush(session)
            for link in session.scalars(select(ItemSource).where(ItemSource.url.in_(rec.urls))):
                known[link.url] = link
        link = next((known[u] for u in rec.urls if u in known), None)
        if link is not None:
            link.last_seen = link.last_fetched = now
            link.list_date = rec.list_date or link.list_date
            if link.status == "withdrawn":
                self._reinstate(link, now)
            if link.content_hash == rec.content_hash:
                return "unchanged"
            self._update(session, link, rec, now)
            batch.touched.add(link.item_id)
            return "updated"

        match = batch.duplicate_of(rec)
        if match is not None:
            item = session.get(Item, batch.item_id(session, match))
            info = self.sources[rec.source_id]
            link = self._link(session, item, rec, primary=False)
            known[rec.url] = link
            if not item.columns_locked:
                add_columns(item, self.columns(rec) or info.columns)
            batch.touched.add(item.id)
            primary = next((s for s in item.sources if s.is_primary), None)
            if published_earlier(rec.published_at, primary):
                make_primary(item, link)
            return "merged"

        batch.add_new(rec)
        return "new"

    # -- pieces --------------------------------------------------------------------
    def source_text(self, rec: StoreRecord) -> str:
        return fit(rec.source_text or self.sources[rec.source_id].unit_name, lengths.SOURCE_TEXT)

    def _link(self, session: Session, item: Item, rec: StoreRecord, primary: bool) -> ItemSource:
        info = self.sources[rec.source_id]
        link = ItemSource(
            last_fetched=datetime.now(timezone.utc),
            list_date=rec.list_date,
            source_id=rec.source_id,
            unit_id=info.unit_id,
            url=rec.url,
            title=rec.title,
            source_text=self.source_text(rec),
            published_at=rec.published_at,
            published_date_only=rec.published_date_only,
            is_primary=primary,
            content_hash=rec.content_hash,
        )
        item.sources.append(link)
        session.add(ItemRevision(item_source=link, **revision_fields(rec)))
        return link

    def _update(self, session, known: ItemSource, rec: StoreRecord, now) -> None:
        """The page changed at its source: keep the old revision, store the new one, flag it.

        Fields an editor set (title, summary) stay as the editor left them.  A
        change that brings in a sensitive term takes a public item back to
        pending review."""
        source_text = self.source_text(rec)
        known.content_hash = rec.content_hash
        known.title, known.published_at, known.source_text = rec.title, rec.published_at, source_text
        known.published_date_only = rec.published_date_only
        session.add(ItemRevision(item_source=known, **revision_fields(rec)))
        item = known.item
        flags = [*(item.flags or []), {"kind": "updated_at_source", "url": known.url, "at": now.isoformat()}]
        if known.is_primary:
            edited = set(item.edited_fields or [])
            if "title" not in edited:
                item.title = rec.title
            if "summary" not in edited:
                item.summary = rec.summary
            item.published_at, item.source_text = rec.published_at, source_text
            item.published_date_only = rec.published_date_only
            item.body_html, item.body_text = rec.body_html, rec.body_text
            item.attachments, item.images, item.meta = rec.attachments, rec.images, rec.meta
            item.content_hash, item.fingerprint = rec.content_hash, rec.fingerprint
            terms = self.screen.find(item.title, rec.body_text)
            new_terms = [t for t in terms if t not in (item.sensitive_terms or [])]
            item.sensitive_terms = terms
            if new_terms and item.status in ("published", "scheduled"):
                item.status, item.publish_at = "pending", None
                flags.append({"kind": "held_sensitive", "terms": new_terms, "url": known.url, "at": now.isoformat()})
        item.flags = flags

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
                make_primary(item, earliest_publisher(active))
            flag = {"kind": "withdrawn_at_source", "url": url, "reason": reason, "at": now.isoformat()}
            was_public = item.status == "published"
            if not active:
                flag["policy"] = policy
                if policy == "unpublish":
                    item.status = "withdrawn"
            item.flags = [*(item.flags or []), flag]
            session.flush()
            search.refresh(session, [item.id])
            if was_public:
                counters.bump(session)
        return True

    def _reinstate(self, link: ItemSource, now) -> None:
        """A withdrawn page answers again: note it for the editors (status stays theirs to decide)."""
        link.status, link.withdrawn_at, link.withdrawn_reason = "active", None, None
        link.item.flags = [*(link.item.flags or []), {"kind": "back_at_source", "url": link.url, "at": now.isoformat()}]


class _Batch:
    """The new items of one transaction, inserted together (bulk, in order)."""

    def __init__(self, ingestor: Ingestor, records: list[StoreRecord]):
        self.ingestor = ingestor
        self.pending: list[StoreRecord] = []
        self.pending_urls: set[str] = set()
        self.created: list[tuple[int, StoreRecord]] = []  # (item id, record), inserted in this transaction
        self.touched: set[int] = set()  # items changed or created public: the search index follows

    def add_new(self, rec: StoreRecord) -> None:
        self.pending.append(rec)
        self.pending_urls.update(rec.urls)

    def duplicate_of(self, rec: StoreRecord) -> int | StoreRecord | None:
        """An item with the same text: first among this batch's new items, then the index."""
        text_len = len(rec.body_text)
        for item_id, other in [*self.created, *((None, p) for p in self.pending)]:
            if other.content_hash == rec.content_hash or (
                near_duplicate(other.fingerprint, rec.fingerprint, len(other.body_text), text_len)
                and titles_compatible(other.title, rec.title)
            ):
                return item_id if item_id is not None else other
        return self.ingestor.index.match(rec.content_hash, rec.fingerprint, text_len, rec.title)

    def item_id(self, session: Session, match: int | StoreRecord) -> int:
        """``match`` from duplicate_of: an item id, or a record not inserted yet (inserted now)."""
        if isinstance(match, int):
            return match
        self.flush(session)
        return next(item_id for item_id, rec in self.created if rec is match)

    def flush(self, session: Session) -> None:
        if not self.pending:
            return
        session.flush()
        recs, self.pending, self.pending_urls = self.pending, [], set()
        sources = self.ingestor.sources
        now = datetime.now(timezone.utc)
        item_rows, link_rows = [], []
        for rec in recs:
            info = sources[rec.source_id]
            source_text = self.ingestor.source_text(rec)
            status, terms = self.ingestor.initial_status(rec)
            item_rows.append({
                "title": rec.title, "url": rec.url, "unit_id": info.unit_id,
                "published_at": rec.published_at, "published_date_only": rec.published_date_only,
                "source_text": source_text,
                "column_name": rec.column_name, "body_html": rec.body_html, "body_text": rec.body_text,
                "summary": rec.summary, "attachments": rec.attachments, "images": rec.images,
                "meta": rec.meta, "status": status, "sensitive_terms": terms,
                "fingerprint": rec.fingerprint, "content_hash": rec.content_hash, "flags": [],
                "created_at": now, "updated_at": now,
            })
        # Core inserts (tables, not mapped classes): no ORM bookkeeping per row.
        items, links = Item.__table__, ItemSource.__table__
        item_ids = list(session.execute(insert(items).returning(items.c.id, sort_by_parameter_order=True), item_rows).scalars())
        for item_id, rec in zip(item_ids, recs):
            info = sources[rec.source_id]
            link_rows.append({
                "item_id": item_id, "source_id": rec.source_id, "unit_id": info.unit_id, "url": rec.url,
                "title": rec.title, "source_text": self.ingestor.source_text(rec), "published_at": rec.published_at,
                "published_date_only": rec.published_date_only,
                "is_primary": True, "content_hash": rec.content_hash, "first_seen": now, "last_seen": now,
                "last_fetched": now, "list_date": rec.list_date, "status": "active",
            })
        link_ids = list(session.execute(insert(links).returning(links.c.id, sort_by_parameter_order=True), link_rows).scalars())
        session.execute(insert(ItemRevision.__table__), [
            {"item_source_id": link_id, "fetched_at": now, **revision_fields(rec)} for link_id, rec in zip(link_ids, recs)
        ])
        column_rows = [
            {"item_id": item_id, "column_id": column}
            for item_id, rec in zip(item_ids, recs)
            for column in self.ingestor.columns(rec)
        ]
        if column_rows:
            session.execute(insert(ItemColumn.__table__), column_rows)
        self.created.extend(zip(item_ids, recs))
        public = [item_id for item_id, row in zip(item_ids, item_rows) if row["status"] == "published"]
        self.touched.update(public)

    def publicise(self, session: Session) -> None:
        """Keep the search index and the public pages' counter in step with this batch."""
        if self.touched:
            search.refresh(session, sorted(self.touched))
            counters.bump(session)
