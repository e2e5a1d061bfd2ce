"""Store extracted pages: new item, repost of a known item, update, or unchanged.

Runs only in the harvest's single writer process (harvester/writer.py), which
stores the pages that arrive together in one transaction: each page's item,
source URL, columns and raw-page revision are written together, so a run that
dies leaves no half-written item behind.  New items (the common case) go in with
bulk Core-level inserts (``INSERT … RETURNING`` over many rows); updates, merges
and withdrawals use the ORM.

Pages arrive as plain records (:func:`harvester.records.page_record`), already
checked.  This module decides what a page is (new, repost, update, unchanged) and
batches the writes; the item service (``storage.items``, the hub's too) builds
the rows and keeps the rules: which source leads an item, how columns are added,
what the sensitive-term screen holds.  No Scrapy, no extraction code.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from harvester.dedupe import DuplicateIndex, lock_new_items
from harvester.table_statistics import TableStatistics
from harvester.fingerprint import near_duplicate, titles_compatible
from harvester.records import StoreRecord, revision_fields
from harvester.writer_sources import WriterSource, writer_sources  # noqa: F401 - where callers found them
from storage import counters, items, lengths, search
from storage.column_rules import columns_for, load_rules
from storage.lengths import fit
from storage.models import Item, ItemColumn, ItemRevision, ItemSource
from storage.screen import Screen, load_terms


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
            self.statistics = TableStatistics(session)

    def columns(self, rec: StoreRecord) -> list[str]:
        info = self.sources[rec.source_id]
        return columns_for(rec.title, rec.column_name, rec.source_id, info.columns, self.rules)

    def initial_status(self, rec: StoreRecord) -> tuple[str, list[str]]:
        """``published`` only for a ``review: auto`` source and a page the screen passes."""
        terms = self.screen.find(rec.title, rec.body_text)
        return items.initial_status(self.sources[rec.source_id].review == "auto", terms), terms

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
        self.statistics.grew(self.sessions, len(batch.created))
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
                items.reinstate_source(link, now)
            if link.content_hash == rec.content_hash:
                return "unchanged"
            items.update_from_source(session, link, rec, self.source_text(rec), revision_fields(rec), self.screen, now)
            batch.touched.add(link.item_id)
            return "updated"

        match = batch.duplicate_of(rec)
        if match is not None:
            item = session.get(Item, batch.item_id(session, match))
            columns = self.columns(rec) or self.sources[rec.source_id].columns
            known[rec.url] = items.add_repost(session, item, self.source_row(rec, now, primary=False),
                                              revision_fields(rec), columns)
            batch.touched.add(item.id)
            return "merged"

        batch.add_new(rec)
        return "new"

    # -- pieces --------------------------------------------------------------------
    def source_text(self, rec: StoreRecord) -> str:
        return items.source_text_of(rec.source_text, self.sources[rec.source_id].unit_name)

    def source_row(self, rec: StoreRecord, now: datetime, primary: bool) -> dict:
        return items.source_row(rec, source_id=rec.source_id, unit_id=self.sources[rec.source_id].unit_id,
                                source_text=self.source_text(rec), now=now, primary=primary)

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
            was_public = items.withdraw_source(link, reason, policy, now)
            session.flush()
            search.refresh(session, [link.item_id])
            if was_public:
                counters.bump(session)
        return True


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
            status, terms = self.ingestor.initial_status(rec)
            item_rows.append(items.item_row(rec, unit_id=sources[rec.source_id].unit_id,
                                            source_text=self.ingestor.source_text(rec), status=status,
                                            terms=terms, now=now))
        # Core inserts (tables, not mapped classes): no ORM bookkeeping per row.
        item_table, links = Item.__table__, ItemSource.__table__
        item_ids = list(session.execute(insert(item_table).returning(item_table.c.id, sort_by_parameter_order=True),
                                        item_rows).scalars())
        for item_id, rec in zip(item_ids, recs):
            link_rows.append({"item_id": item_id, **self.ingestor.source_row(rec, now, primary=True)})
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
