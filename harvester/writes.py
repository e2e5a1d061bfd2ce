"""What the crawling process asks the writer process to write: one typed message per
kind of write, sent over the writer's inbox (``harvester.writer.StoreWriter.send``)
and applied there in the order they arrive, between the pages the extraction
workers send (``harvester.records.StoreRecord``).  The writer process is the only
process that writes during a harvest; ``harvester.writer_desk`` applies these.

Plain data only (pickled to the writer).  ``token`` is the crawling process's ticket
for the answer (0: nobody waits for one)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # harvester.runs sends these: no import cycle at run time
    from harvestkit.listing import ListingTally
    from harvester.runs import RunTally


@dataclass(eq=False)
class OpenRuns:
    """Open a run per source (status ``running``, owned by ``pid``); answers
    ``{source id: run id}``, or fails if a source is being harvested elsewhere."""

    source_ids: list[str]
    pid: int  # the harvesting (crawling) process: a run whose process is gone is aborted later
    hostname: str
    node: str | None = None  # a harvest node's job (nodes/job.py): where the run runs
    node_job: str | None = None
    token: int = 0


@dataclass(eq=False)
class RunProgress:
    """A running run's counts so far, for the hub's live progress (no answer)."""

    run_id: int
    fetched: int
    new: int
    updated: int
    unchanged: int
    errors: int
    token: int = 0


@dataclass(eq=False)
class Withdraw:
    """A known page is gone at its source (404/410); answers whether it was withdrawn now."""

    url: str
    reason: str
    policy: str  # harvestkit.policy's withdrawal policy: unpublish / flag
    token: int = 0


@dataclass(eq=False)
class CloseRun:
    """Close the run of a source whose spider closed (all its pages already stored):
    touch the pages its listing still shows, withdraw what vanished from it, store the
    counts, errors and health.  Answers the closed :class:`RunTally`."""

    tally: RunTally
    listing: ListingTally
    requests: dict[str, int]
    source_url: str
    policy: str
    aborted: str | None  # why the harvest was stopped (SIGTERM), if it was
    failures_before_pause: int
    token: int = 0


@dataclass(eq=False)
class AbortRuns:
    """Close the runs still open as ``aborted`` (the tallies carry the reason among
    their messages); a run already closed stays as it is."""

    tallies: list[RunTally]
    token: int = 0


@dataclass(eq=False)
class SaveValidators:
    """ETag / Last-Modified per URL, of the runs that ended ``ok``."""

    validators: dict[str, tuple[str | None, str | None]]
    token: int = 0


@dataclass(eq=False)
class SaveTemplates:
    """What the extraction workers did with each source's page template
    (``harvester.templates_store.TemplateLedger.sources``); answers the ids of the
    sources whose template changed (a redesign: ``broken-rules``)."""

    sources: dict[str, Any] = field(default_factory=dict)
    token: int = 0


Write = OpenRuns | RunProgress | Withdraw | CloseRun | AbortRuns | SaveValidators | SaveTemplates
