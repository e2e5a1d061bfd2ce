"""The search index on PostgreSQL: ``item_search(item_id, sort_key, tsv, title_tsv)`` with GIN indexes.

``tsv`` holds the title's and the body's tokens (the same pre-cut tokens as on
SQLite); ``title_tsv`` the title's tokens and the filter tokens: it is small
and stays in the row, while ``tsv`` (~10 kB) is stored out of line (TOAST) and
costs a read of its own for every row whose positions are checked.  Both use
the ``simple`` configuration (no stemming, no stop words: a bigram is a lexeme
as it is), and queries go through ``to_tsquery('simple', …)`` so they are
parsed exactly like the indexed text; ``<->`` chains a phrase, ``:*`` makes the
one-character prefix.  PostgreSQL keeps positions up to 16,383 per document:
past that point of a very long body its words still match, phrases may not.

Plans are chosen here, not left to the planner, which estimates phrase
queries at one row and does not know that checking ``tsv`` means a TOAST read:

* counts always use the GIN index (a bitmap): single words and prefixes are
  answered by the index alone; phrases re-read each candidate's ``tsv``, so
  their count stops at ``PHRASE_COUNT_CAP``;
* a page newest first either walks the ``sort_key`` index backwards, checking
  rows until the page is full (cheap when matches are dense), or collects every
  match from the GIN index and sorts them (cheap when they are few), whichever
  the match density says costs less.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Iterator

from sqlalchemy import Integer, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.search.documents import IN_CHUNK, Doc
from storage.search.query import Term

TABLE = "item_search"  # created by migration 0005
PHRASE_COUNT_CAP = 500
ESTIMATE_CAP = 5_000  # phrase candidates counted to choose a plan
# Rough costs (µs per row) behind the choice of plan for a page.
ROW_READ_US, TSV_READ_US = 1.0, 20.0
_TSV = "to_tsvector('simple', :title || ' ' || :body)"
_TITLE_TSV = "to_tsvector('simple', :title) || CAST(:facets AS tsvector)"


@dataclass(frozen=True)
class Match:
    sql: str                 # a WHERE condition on item_search, cheap conditions first
    estimate_sql: str        # the same with phrases loosened to AND (answered by the GIN index alone)
    params: dict = field(default_factory=dict)
    reads_tsv: bool = True   # rows are checked against tsv (a TOAST read) when walked
    phrases: bool = False    # tsv positions are checked: the GIN index alone cannot answer


def compile_query(terms: list[Term], facets: list[str], low: int | None, high: int | None) -> tuple[Match, list[Match]]:
    """Every match, and the relevance levels that partition them (see ``storage.search``):
    all terms in the title; some of them; none."""
    params: dict = {
        "all": " & ".join(_phrase(t) for t in terms), "any": " | ".join(_phrase(t) for t in terms),
        "all_loose": " & ".join(_phrase(t, loose=True) for t in terms),
        "any_loose": " | ".join(_phrase(t, loose=True) for t in terms),
    }
    scope = []
    if facets:
        scope.append("title_tsv @@ CAST(:facets AS tsquery)")
        params["facets"] = " & ".join(_facet_lexeme(facet) for facet in facets)
    if low is not None:
        scope.append("sort_key >= :low")
        params["low"] = low
    if high is not None:
        scope.append("sort_key <= :high")
        params["high"] = high
    has_phrase = any(len(term.tokens) > 1 for term in terms)

    def match(*conditions: str, tsv: bool = True) -> Match:
        where = " AND ".join([*scope, *conditions, *(["tsv @@ to_tsquery('simple', :all)"] if tsv else [])])
        loose = where.replace(":all)", ":all_loose)").replace(":any)", ":any_loose)")
        return Match(where, loose, params, reads_tsv=tsv, phrases=tsv and has_phrase)

    all_in_title = "title_tsv @@ to_tsquery('simple', :all)"
    any_in_title = "title_tsv @@ to_tsquery('simple', :any)"
    levels = [match(all_in_title, tsv=False)]  # the title's tokens are in tsv too
    if len(terms) > 1:
        levels.append(match(any_in_title, f"NOT {all_in_title}"))
    levels.append(match(f"NOT {any_in_title}"))
    return match(), levels


def _facet_lexeme(token: str) -> str:
    """A filter token as a lexeme with a ':' in it, so that no text token can ever equal it."""
    return f"'{token[0]}:{token[1:]}'"


def _phrase(term: Term, loose: bool = False) -> str:
    # Tokens are letters, digits and ideographs only: nothing to escape inside '…'.
    lexemes = [f"'{token}'" for token in term.tokens]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + (" & " if loose else " <-> ").join(lexemes) + ")"


# -- queries ---------------------------------------------------------------------------
def count_cap(match: Match, cap: int) -> int:
    return min(cap, PHRASE_COUNT_CAP) if match.phrases else cap


def count(session: Session, match: Match, cap: int) -> int:
    sql = text(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {match.sql} LIMIT :cap) AS found")
    with _plan(session, bitmap=True):
        return session.execute(sql, {**match.params, "cap": cap}).scalar_one()


def title_frequencies(session: Session, terms: list[Term], cap: int) -> list[int]:
    """In how many titles each term is, counted up to ``cap``, in one statement
    (GIN bitmaps on ``title_tsv``)."""
    sql = text(f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE title_tsv @@ to_tsquery('simple', q) "
               "LIMIT :cap) AS found) FROM unnest(CAST(:queries AS text[])) WITH ORDINALITY AS u(q, n) ORDER BY n")
    with _plan(session, bitmap=True):
        return list(session.execute(sql, {"queries": [_phrase(t) for t in terms], "cap": cap}).scalars())


def newest(session: Session, match: Match, limit: int, offset: int) -> list[int]:
    """Item ids of a page of matches, newest first."""
    sql = text(f"SELECT item_id FROM {TABLE} WHERE {match.sql} ORDER BY sort_key DESC LIMIT :limit OFFSET :offset")
    with _plan(session, bitmap=not _walk(session, match, limit + offset)):
        return list(session.execute(sql, {**match.params, "limit": limit, "offset": offset}).scalars())


def _walk(session: Session, match: Match, wanted: int) -> bool:
    """Whether walking the rows newest first until ``wanted`` matches are found costs
    less than collecting every match from the GIN index and sorting them."""
    estimate = float(max(1, _estimate(session, match)))
    rows = session.execute(text(f"SELECT reltuples FROM pg_class WHERE oid = '{TABLE}'::regclass")).scalar_one()
    walked = wanted * max(float(rows), estimate) / estimate
    walk_cost = walked * (ROW_READ_US + (TSV_READ_US if match.reads_tsv else 0))
    collect_cost = estimate * (ROW_READ_US + (TSV_READ_US if match.phrases else 0))
    return walk_cost < collect_cost


def _estimate(session: Session, match: Match) -> int:
    """About how many rows match.  Phrases: their candidates counted by the GIN index
    alone (no TOAST reads); the planner would multiply the selectivities of a
    phrase's bigrams as if they were independent, and they are anything but.
    Otherwise the planner's estimate, from ANALYZE statistics."""
    if match.phrases:
        sql = text(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {match.estimate_sql} LIMIT :cap) AS found")
        with _plan(session, bitmap=True):
            return session.execute(sql, {**match.params, "cap": ESTIMATE_CAP}).scalar_one()
    plan = session.execute(text(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {TABLE} WHERE {match.sql}"), match.params)
    return int(plan.scalar_one()[0]["Plan"]["Plan Rows"])


@contextmanager
def _plan(session: Session, *, bitmap: bool) -> Iterator[None]:
    """Steer the planner for one statement: GIN bitmap scans only, or a walk of the
    ``sort_key`` index only (never a sequential scan, which reads every ``tsv``).
    Plans are made afresh (psycopg prepares statements it sees often, and a
    cached plan would keep the scan it was made with).  ``set_config(…, true)``
    is SET LOCAL; the previous values come back after."""
    settings = {"enable_seqscan": "off", "enable_indexscan": "off" if bitmap else "on",
                "enable_bitmapscan": "on" if bitmap else "off", "plan_cache_mode": "force_custom_plan"}
    names = list(settings)
    previous = session.execute(text("SELECT " + ", ".join(f"current_setting('{n}')" for n in names))).one()
    _set(session, settings)
    try:
        yield
    finally:
        _set(session, dict(zip(names, previous)))


def _set(session: Session, settings: dict[str, str]) -> None:
    calls = ", ".join(f"set_config('{name}', :v{k}, true)" for k, name in enumerate(settings))
    session.execute(text("SELECT " + calls), {f"v{k}": value for k, value in enumerate(settings.values())})


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
            text(f"INSERT INTO {TABLE} (item_id, sort_key, tsv, title_tsv) VALUES (:item_id, :sort_key, {_TSV}, {_TITLE_TSV}) "
                 "ON CONFLICT (item_id) DO UPDATE SET sort_key = excluded.sort_key, tsv = excluded.tsv, "
                 "title_tsv = excluded.title_tsv"),
            [_params(doc) for doc in docs],
        )


def insert(session: Session, docs: list[Doc]) -> None:
    if docs:
        session.execute(
            text(f"INSERT INTO {TABLE} (item_id, sort_key, tsv, title_tsv) VALUES (:item_id, :sort_key, {_TSV}, {_TITLE_TSV})"),
            [_params(doc) for doc in docs],
        )


def _params(doc: Doc) -> dict:
    facets = " ".join(_facet_lexeme(facet) for facet in doc.facets.split())
    return {"item_id": doc.item_id, "sort_key": doc.sort_key, "title": doc.title, "body": doc.body, "facets": facets}


def clear(session: Session) -> None:
    """Empty the index for a rebuild.  Searches go on meanwhile (they see the old
    rows until the rebuild commits); GIN collects new entries in a large pending
    list for this transaction, merged once by ``optimize``, not every 4 MB."""
    session.execute(text("SELECT set_config('gin_pending_list_limit', '1048576', true)"))  # kB
    session.execute(text(f"DELETE FROM {TABLE}"))


def optimize(session: Session) -> None:
    """After a bulk load: merge the GIN pending lists, refresh planner statistics."""
    for index in (f"ix_{TABLE}_tsv", f"ix_{TABLE}_title_tsv"):
        session.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index})
    session.execute(text(f"ANALYZE {TABLE}"))
