"""The search index on SQLite: an FTS5 table fed with pre-cut tokens.

``item_search`` is a *contentless* FTS5 table (``content=''``): it keeps the
inverted index, not the text, which ``items`` already holds.  Its columns are
``title``, ``body`` and ``facets`` (filter tokens); its rowid is the entry's
sort key (``documents.sort_key``), so ``ORDER BY rowid DESC`` is newest first
and a date filter is a rowid range.

Contentless tables (before SQLite 3.43's ``contentless_delete``; Debian 12
ships 3.40) can only forget a row when given the exact values it indexed, so
``item_search_docs`` keeps, per item, its sort key and what was indexed as
``tokens.runs_text`` (the tokens follow from it by a fixed rule),
zlib-compressed: about half the size of the raw text, where a content-storing
FTS table would keep the token text, twice the raw text.
"""
from __future__ import annotations

import zlib
from contextlib import nullcontext
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.search.documents import IN_CHUNK, Doc, item_id_of
from storage.search.query import Term

TABLE = "item_search"
DOCS = "item_search_docs"  # both created by migration 0005
_SEP = "\x1f"
# Title and filter tokens carry a mark of their own, so that no query needs an FTS5
# column filter: a filter makes FTS5 read the position list of every entry of the
# term (for 2026, nearly every item) only to throw most of them away.  Body tokens
# never contain a full-width letter (tokens.py NFKC-normalizes every run), and
# unicode61 keeps full-width letters as they are (it folds case, not width), so a
# marked token can only come from the column it was written to.
TITLE_MARK = "\uff54"  # ｔ
FACET_MARK = "\uff46"  # ｆ


@dataclass(frozen=True)
class Match:
    expression: str  # an FTS5 query
    low: int | None
    high: int | None

    def where(self) -> tuple[str, list]:
        sql, params = f"{TABLE} MATCH ?", [self.expression]
        if self.low is not None:
            sql, params = sql + " AND rowid >= ?", params + [self.low]
        if self.high is not None:
            sql, params = sql + " AND rowid <= ?", params + [self.high]
        return sql, params


def compile_query(terms: list[Term], facets: list[str], low: int | None, high: int | None) -> tuple[Match, list[Match]]:
    """Every match, and the relevance levels that partition them (see ``storage.search``):
    all terms in the title; some of them; none."""
    in_title = [_phrase(term, TITLE_MARK) for term in terms]
    in_text = " AND ".join(f"({_phrase(term)} OR {title})" for term, title in zip(terms, in_title))
    all_in_title = " AND ".join(in_title)
    any_in_title = " OR ".join(in_title)
    filters = "".join(f' AND "{FACET_MARK}{facet}"' for facet in facets)
    matches = f"({in_text}){filters}"
    levels = [f"({all_in_title}){filters}"]
    if len(in_title) > 1:
        levels.append(f"({matches}) AND (({any_in_title}) NOT ({all_in_title}))")
    levels.append(f"({matches}) NOT ({any_in_title})")
    return Match(matches, low, high), [Match(level, low, high) for level in levels]


def _phrase(term: Term, mark: str = "") -> str:
    # Tokens are letters, digits and ideographs only: nothing to escape inside "…".
    return '"' + " ".join(mark + token for token in term.tokens) + '"' + ("*" if term.prefix else "")


def _marked(tokens: str, mark: str) -> str:
    return " ".join(mark + token for token in tokens.split(" ")) if tokens else ""


def _row(doc: Doc) -> tuple[int, str, str, str]:
    """What FTS5 is given for ``doc`` (and must be given again to forget it)."""
    return (doc.sort_key, _marked(doc.title, TITLE_MARK), doc.body, _marked(doc.facets, FACET_MARK))


# -- queries ---------------------------------------------------------------------------
def planned(session: Session, match: Match | None = None) -> nullcontext:
    """FTS5 needs no steering (PostgreSQL's backend sets its planner here)."""
    return nullcontext()


def count_cap(match: Match, cap: int) -> int:
    """FTS5 counts every kind of query from the index alone: the usual cap."""
    return cap


def count(session: Session, match: Match, cap: int) -> int:
    where, params = match.where()
    sql = f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {where} LIMIT ?)"
    return session.connection().exec_driver_sql(sql, tuple(params + [cap])).scalar_one()


def title_frequencies(session: Session, terms: list[Term], cap: int) -> list[int]:
    """In how many titles each term is, counted up to ``cap``: a read of the term's
    own (title-marked) entries, no filter to intersect."""
    sql = f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? LIMIT ?)"
    conn = session.connection()
    return [conn.exec_driver_sql(sql, (_phrase(term, TITLE_MARK), cap)).scalar_one() for term in terms]


def newest(session: Session, match: Match, limit: int, offset: int) -> list[int]:
    """Item ids of a page of matches, newest first (the index's reverse order)."""
    where, params = match.where()
    sql = f"SELECT rowid FROM {TABLE} WHERE {where} ORDER BY rowid DESC LIMIT ? OFFSET ?"
    rows = session.connection().exec_driver_sql(sql, tuple(params + [limit, offset]))
    return [item_id_of(key) for (key,) in rows]


def newest_each(session: Session, matches: list[Match], limit: int) -> list[list[int]]:
    """The newest ``limit`` item ids of each match (FTS5 answers in-process: one query each)."""
    return [newest(session, match, limit, 0) for match in matches]


# -- writes ----------------------------------------------------------------------------
def _pack(doc: Doc) -> str:
    return _SEP.join((doc.title_runs, doc.body_runs, doc.facets))


def replace(session: Session, item_ids: list[int], docs: list[Doc]) -> None:
    """Entries of ``item_ids`` become ``docs`` (published items); the rest are removed.
    Entries whose key and tokens did not change are left alone."""
    conn = session.connection()
    fresh = {doc.item_id: doc for doc in docs}
    stale: list[Doc] = []
    for start in range(0, len(item_ids), IN_CHUNK):
        chunk = item_ids[start:start + IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        for item_id, key, blob in conn.exec_driver_sql(
            f"SELECT item_id, sort_key, indexed_runs FROM {DOCS} WHERE item_id IN ({marks})", tuple(chunk)
        ):
            packed = zlib.decompress(blob).decode()
            doc = fresh.get(item_id)
            if doc is not None and doc.sort_key == key and _pack(doc) == packed:
                del fresh[item_id]  # unchanged
                continue
            stale.append(Doc.of(item_id, key, *packed.split(_SEP)))
    if stale:
        conn.exec_driver_sql(
            f"INSERT INTO {TABLE}({TABLE}, rowid, title, body, facets) VALUES ('delete', ?, ?, ?, ?)",
            [_row(d) for d in stale],
        )
        conn.exec_driver_sql(f"DELETE FROM {DOCS} WHERE item_id = ?", [(d.item_id,) for d in stale])
    insert(session, list(fresh.values()))


def insert(session: Session, docs: list[Doc]) -> None:
    if not docs:
        return
    conn = session.connection()
    conn.exec_driver_sql(
        f"INSERT INTO {TABLE}(rowid, title, body, facets) VALUES (?, ?, ?, ?)",
        [_row(d) for d in docs],
    )
    conn.exec_driver_sql(
        f"INSERT INTO {DOCS}(item_id, sort_key, indexed_runs) VALUES (?, ?, ?)",
        [(d.item_id, d.sort_key, zlib.compress(_pack(d).encode())) for d in docs],
    )


def clear(session: Session) -> None:
    conn = session.connection()
    conn.exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('delete-all')")
    conn.exec_driver_sql(f"DELETE FROM {DOCS}")


def optimize(session: Session) -> None:
    """Merge the index into one segment after a bulk load (faster queries)."""
    session.connection().exec_driver_sql(f"INSERT INTO {TABLE}({TABLE}) VALUES ('optimize')")
