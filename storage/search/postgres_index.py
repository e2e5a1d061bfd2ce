"""The search index on PostgreSQL: ``item_search(item_id, sort_key, tsv)`` with a GIN index.

``tsv`` is built from the same pre-cut tokens as on SQLite, with the ``simple``
configuration (no stemming, no stop words: a bigram is a lexeme as it is):
title tokens weighted A, body tokens D (so ``ts_rank`` counts a title hit ten
times a body hit), plus the filter tokens as position-less lexemes.  Queries
go through ``to_tsquery('simple', …)`` so they are parsed exactly like the
indexed text; ``<->`` chains a phrase, ``:*`` makes the one-character prefix.
PostgreSQL keeps positions up to 16,383 per document: past that point of a very
long body its words still match, phrases may not.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy import Integer
from sqlalchemy.orm import Session

from storage.search.documents import IN_CHUNK, Doc
from storage.search.query import Term

TABLE = "item_search"  # created by migration 0005
_TSV = ("setweight(to_tsvector('simple', :title), 'A') || to_tsvector('simple', :body) "
        "|| CAST(:facets AS tsvector)")


@dataclass(frozen=True)
class Match:
    terms: str        # tsquery text of the search terms (ranked)
    facets: str       # tsquery text of the filter tokens ('' when none)
    low: int | None
    high: int | None

    def where(self) -> tuple[str, dict]:
        query = "to_tsquery('simple', :terms)"
        params: dict = {"terms": self.terms}
        if self.facets:
            query = f"({query} && CAST(:facets AS tsquery))"
            params["facets"] = self.facets
        sql = f"tsv @@ {query}"
        if self.low is not None:
            sql += " AND sort_key >= :low"
            params["low"] = self.low
        if self.high is not None:
            sql += " AND sort_key <= :high"
            params["high"] = self.high
        return sql, params


def compile_match(terms: list[Term], facets: list[str], low: int | None, high: int | None) -> Match:
    return Match(
        terms=" & ".join(_phrase(term) for term in terms),
        facets=" & ".join(f"'{facet}'" for facet in facets),
        low=low, high=high,
    )


def _phrase(term: Term) -> str:
    # Tokens are letters, digits and ideographs only: nothing to escape inside '…'.
    lexemes = [f"'{token}'" for token in term.tokens]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


# -- queries ---------------------------------------------------------------------------
def count(session: Session, match: Match, cap: int) -> int:
    where, params = match.where()
    sql = text(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT :cap) AS found")
    return session.execute(sql, {**params, "cap": cap}).scalar_one()


def newest(session: Session, match: Match, limit: int, offset: int) -> list[int]:
    where, params = match.where()
    sql = text(f"SELECT item_id FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT :limit OFFSET :offset")
    return list(session.execute(sql, {**params, "limit": limit, "offset": offset}).scalars())


def candidates(session: Session, match: Match, limit: int) -> list[tuple[int, int, float]]:
    """The ``limit`` newest matches as ``(item_id, sort_key, score)``; ranked after the
    limit so only those tsvectors are read for ``ts_rank``."""
    where, params = match.where()
    sql = text(
        "SELECT c.item_id, c.sort_key, ts_rank(c.tsv, to_tsquery('simple', :terms)) FROM "
        f"(SELECT item_id, sort_key, tsv FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT :limit) AS c"
    )
    return [tuple(row) for row in session.execute(sql, {**params, "limit": limit})]


# -- writes ----------------------------------------------------------------------------
def replace(session: Session, item_ids: list[int], docs: list[Doc]) -> None:
    """Entries of ``item_ids`` become ``docs`` (published items); the rest are removed."""
    keep = {doc.item_id for doc in docs}
    drop = [item_id for item_id in item_ids if item_id not in keep]
    delete = text(f"DELETE FROM {TABLE} WHERE item_id = ANY(:ids)").bindparams(bindparam("ids", type_=ARRAY(Integer)))
    for start in range(0, len(drop), IN_CHUNK):
        session.execute(delete, {"ids": drop[start:start + IN_CHUNK]})
    if docs:
        session.execute(
            text(f"INSERT INTO {TABLE} (item_id, sort_key, tsv) VALUES (:item_id, :sort_key, {_TSV}) "
                 "ON CONFLICT (item_id) DO UPDATE SET sort_key = excluded.sort_key, tsv = excluded.tsv"),
            [_params(doc) for doc in docs],
        )


def insert(session: Session, docs: list[Doc]) -> None:
    if docs:
        session.execute(text(f"INSERT INTO {TABLE} (item_id, sort_key, tsv) VALUES (:item_id, :sort_key, {_TSV})"),
                        [_params(doc) for doc in docs])


def _params(doc: Doc) -> dict:
    facets = " ".join(f"'{facet}'" for facet in doc.facets.split())
    return {"item_id": doc.item_id, "sort_key": doc.sort_key, "title": doc.title, "body": doc.body, "facets": facets}


def clear(session: Session) -> None:
    session.execute(text(f"DELETE FROM {TABLE}"))


def optimize(session: Session) -> None:
    """Fresh planner statistics after a bulk load (the GIN index needs no merging)."""
    session.execute(text(f"ANALYZE {TABLE}"))
