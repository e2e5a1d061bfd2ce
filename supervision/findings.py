"""Findings: one per lasting problem, opened by the first check that sees it,
refreshed while checks keep seeing it, closed by the first check that no longer does.

Every change is one short transaction (a finding with its evidence, or a
refresh, or a close), so a check killed at any point leaves no half-written
finding, and the next check picks up where it stopped.  While a problem lasts
its finding holds a unique ``open_key`` (a digest of unit, kind and subject):
two checks running at once cannot open it twice; the loser of that race
refreshes the winner's row instead.
"""
from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from storage import lengths
from storage.lengths import fit
from supervision import rectification
from supervision.models import Evidence, Finding

RAW_MAX_BYTES = 2 * 1024 * 1024  # raw pages kept as evidence (the fetch cap)


@dataclass
class Proof:
    """What a check fetched, as evidence."""

    fetched_at: datetime
    url: str = ""
    method: str = ""
    http_status: int | None = None
    error: str | None = None
    note: str = ""
    content_type: str = ""
    raw: bytes | None = None  # the page, where it matters (kept compressed)

    @classmethod
    def of(cls, fetched, at: datetime, note: str = "", keep_page: bool = False) -> "Proof":
        """From a :class:`supervision.fetch.Fetched`."""
        return cls(at, fetched.final_url or fetched.url, fetched.method, fetched.status, fetched.error, note,
                   fit(fetched.content_type, lengths.CONTENT_TYPE), fetched.body if keep_page and fetched.body else None)


@dataclass
class Problem:
    """A problem a check sees now."""

    unit_id: str
    kind: str
    subject: str  # what it is about, unique within the unit and kind (source id, URL, column)
    detail: str  # Chinese, for people
    source_id: str | None = None
    url: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    proof: Proof | None = None


def open_key(unit_id: str, kind: str, subject: str) -> str:
    return hashlib.sha256(f"{unit_id}\x1f{kind}\x1f{subject}".encode("utf-8")).hexdigest()


def see(sessions: sessionmaker[Session], problem: Problem, now: datetime, deadline: date | None = None) -> tuple[int, bool]:
    """Open the finding of ``problem`` (with its 整改 ``deadline``) or refresh the open one
    (reopening it if its unit had reported it fixed): (finding id, opened)."""
    key = open_key(problem.unit_id, problem.kind, problem.subject)
    for _ in range(3):
        try:
            with sessions.begin() as session:
                finding = session.scalar(select(Finding).where(Finding.open_key == key))
                opened = finding is None
                if opened:
                    finding = Finding(unit_id=problem.unit_id, kind=problem.kind, subject=problem.subject[:2000],
                                      since=now, status="open", open_key=key)
                    session.add(finding)
                finding.source_id, finding.url = problem.source_id, problem.url[:2000]
                finding.detail, finding.data, finding.last_seen = problem.detail, problem.data, now
                session.flush()
                if problem.proof is not None:
                    _keep(session, finding.id, "first" if opened else "latest", problem.proof)
                if opened:
                    rectification.on_opened(session, finding, now, deadline)
                else:
                    rectification.on_seen(session, finding, now, _evidence_json(problem.proof))
                return finding.id, opened
        except IntegrityError:
            continue  # another check opened it a moment ago: refresh theirs
    raise RuntimeError(f"could not record finding {problem.kind} {problem.subject!r}")


def _keep(session: Session, finding_id: int, role: str, proof: Proof) -> None:
    row = session.scalar(select(Evidence).where(Evidence.finding_id == finding_id, Evidence.role == role))
    if row is None:
        row = Evidence(finding_id=finding_id, role=role)
        session.add(row)
    row.fetched_at, row.url, row.method = proof.fetched_at, proof.url[:2000], proof.method
    row.http_status, row.error, row.note = proof.http_status, proof.error, proof.note
    row.content_type = proof.content_type
    row.raw_gz = zlib.compress(proof.raw[:RAW_MAX_BYTES], 6) if proof.raw else None


def close_unseen(sessions: sessionmaker[Session], unit_id: str, kind: str, seen: Iterable[str], now: datetime,
                 note: str, covered: Iterable[str] | None = None) -> list[int]:
    """Close the open findings of ``unit_id`` and ``kind`` that this check covered
    (``covered`` subjects, or all when None) and no longer sees (not in ``seen``)."""
    seen = set(seen)
    covered = None if covered is None else set(covered)
    closed = []
    with sessions.begin() as session:
        rows = session.scalars(select(Finding).where(
            Finding.unit_id == unit_id, Finding.kind == kind, Finding.open_key.is_not(None)))
        for finding in rows:
            if finding.subject in seen or (covered is not None and finding.subject not in covered):
                continue
            rectification.on_gone(session, finding, now, note)
            closed.append(finding.id)
    return closed


def _evidence_json(proof: Proof | None) -> dict | None:
    if proof is None:
        return None
    return {"fetched_at": proof.fetched_at.isoformat(timespec="seconds"), "url": proof.url,
            "http_status": proof.http_status, "error": proof.error, "note": proof.note}


def raw_page(evidence: Evidence) -> bytes | None:
    return zlib.decompress(evidence.raw_gz) if evidence.raw_gz else None
