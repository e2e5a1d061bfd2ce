"""In the writer process: what it does with each thing in its inbox, in the order
they arrive.  Pages (``harvester.records.StoreRecord``, batched by the writer's
loop) go to the :class:`harvester.ingest.Ingestor`; every other write of the
harvest is a message of the crawling process (``harvester.writes``), applied
here in its own short transaction.

The ingestor (its near-duplicate index, the screen, the column rules) is loaded
when the first page or withdrawal arrives: a harvest of an unchanged federation
stores no page and loads none of it."""
from __future__ import annotations

import gc
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harvester import runs
from harvester.records import StoreRecord
from harvester.writes import AbortRuns, CloseRun, OpenRuns, RunProgress, SaveTemplates, SaveValidators, Withdraw, Write
from storage.models import FetchState

VALIDATOR_CHUNK = 500


class WriterDesk:
    def __init__(self, sessions: sessionmaker[Session], sources: dict):
        self.sessions = sessions
        self.sources = sources  # harvester.writer_sources.WriterSource per source id
        self._ingestor = None

    @property
    def ingestor(self):
        if self._ingestor is None:
            from harvester.ingest import Ingestor

            self._ingestor = Ingestor(self.sessions, self.sources)
            gc.freeze()  # the index, screen and rules just loaded live to the end: no collection scans them again
        return self._ingestor

    def store(self, records: list[StoreRecord]) -> list[str]:
        """Pages stored together; one outcome per page (see ``Ingestor.ingest_batch``)."""
        return self.ingestor.ingest_batch(records)

    def apply(self, message: Write) -> Any:
        """Apply one message; returns its answer."""
        if isinstance(message, OpenRuns):
            return runs.open_runs(self.sessions, message)
        if isinstance(message, RunProgress):
            return runs.write_progress(self.sessions, message)
        if isinstance(message, Withdraw):
            return self.ingestor.withdraw(message.url, message.reason, message.policy)
        if isinstance(message, CloseRun):
            return runs.close_run(self.sessions, message, self.withdraw)
        if isinstance(message, AbortRuns):
            return runs.abort_runs(self.sessions, message)
        if isinstance(message, SaveValidators):
            return save_validators(self.sessions, message.validators)
        if isinstance(message, SaveTemplates):
            return self.save_templates(message)
        raise TypeError(f"the writer cannot apply a {type(message).__name__}")

    def withdraw(self, url: str, reason: str, policy: str) -> bool:
        return self.ingestor.withdraw(url, reason, policy)

    def save_templates(self, message: SaveTemplates) -> list[str]:
        from harvester.templates_store import TemplateLedger, save_templates

        ledger = TemplateLedger()
        ledger.sources = message.sources
        return save_templates(self.sessions, ledger)


def save_validators(sessions: sessionmaker[Session], validators: dict[str, tuple[str | None, str | None]]) -> None:
    """Store ETag / Last-Modified per URL (read, then insert or update: dialect-neutral)."""
    urls = sorted(validators)
    now = datetime.now(timezone.utc)
    for i in range(0, len(urls), VALIDATOR_CHUNK):
        chunk = urls[i : i + VALIDATOR_CHUNK]
        with sessions.begin() as session:
            rows = {row.url: row for row in session.scalars(select(FetchState).where(FetchState.url.in_(chunk)))}
            for url in chunk:
                row = rows.get(url) or FetchState(url=url)
                row.etag, row.last_modified = validators[url]
                row.status, row.checked_at = 200, now
                session.add(row)
