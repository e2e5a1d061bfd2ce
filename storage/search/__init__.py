"""Full-text search over published items, built for Chinese.

**Why bigrams, not a word segmenter (jieba and the like).**  Text is indexed as
overlapping two-character tokens over each run of ideographs, plus the run's
last character alone; letters and digits as whole lower-cased words
(``storage.search.tokens``).  A query is cut the same way and must match
*consecutive* tokens, which gives users the substring semantics they expect
from a portal's search box: 城乡居民医保 finds exactly that string, never 城乡 …
居民 … 医保 apart, and one- and two-character queries (税, 通知) work.  A
segmenter needs a dictionary, cuts new words, names of people and places and
policy slogans (共富工坊, 一件事一次办) in ways that depend on the dictionary's
version, and then misses text it segmented differently from the query; bigrams
need no dictionary and never mis-segment.  The cost is a larger index, which
both backends handle.

**Queries** (``storage.search.query``) are turned into 简体 first (OpenCC
``t2s``): the sub-sites write 简体, so 衛生 typed on any version finds 卫生.
Words separated by spaces are ANDed;
``"…"`` keeps a phrase with spaces together; a one-character term is a prefix
query (税*), a longer one a phrase of its bigrams; mixed terms (``2026年``,
``PM2.5``) are phrases of their runs.

**Backends**: SQLite FTS5 (``sqlite_index``, the default) and PostgreSQL's full
text search (``postgres_index``) when the session's dialect is postgresql.  The
index holds published items only: ``refresh`` is called in the transaction of
every change (hub.actions, the harvester's writer), ``rebuild`` redoes it all.

**Relevance** is by levels, newest first within each: items with every term
in the title, then (several terms) items with some of them in the title, then
items that have the terms in the body only.  It is what a portal's visitors
expect ("标题命中的排在前面，同等情况下新的在前"), it is exact over all matches
and it is cheap.  bm25 was measured and dropped: FTS5 computes its IDF by
walking each term's whole posting list on every query, 15–40 ms for 工作 (in
nearly every item) at 200,000 items before a single row is scored, while on
government notices whether the title names the subject says more than how
often the body repeats it; ts_rank on PostgreSQL has to read every candidate's
large tsvector.

**Speed** (target: p95 ≤ 50 ms at 200,000 items on SQLite and 1,000,000 on
PostgreSQL, even for 通知 or 工作, which match a large share of everything):

* entries are keyed by 发布日期 (``documents.sort_key``), so "newest first" and
  date ranges are the index's own order, read only as far as the page needs,
  and each relevance level is such an ordered read;
* ``total`` counts matches up to ``COUNT_CAP`` (10,000); past that it is a lower
  bound (``total_is_capped``: show "10000+") and pages stop there.  On
  PostgreSQL a query with a phrase (three or more characters, ``PM2.5``…)
  counts up to 500: every phrase candidate costs a read of its tsvector there;
* unit and column filters are tokens in the index, intersected with the terms
  by the search engine itself, not joins over every match (on PostgreSQL in the
  same tsvector as the terms: one GIN scan driven by the rarest entry);
* on PostgreSQL a one-character query is one lexeme of its own (each entry
  lists its ideographs), not a prefix GIN expands into a bitmap of all matches;
* on PostgreSQL, whose GIN index answers only with a bitmap of every match,
  entries also carry their week, and matches are read a few weeks at a time,
  newest first (``postgres_index``).

Highlighting (``<mark>``, HTML-escaped) is computed in Python from
``items.title``/``body_text`` of the page's hits (``highlight``).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import ModuleType
from typing import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvestkit.hanzi import to_simplified
from storage.db import session_timezone
from storage.models import Item
from storage.search import documents, postgres_index, sqlite_index
from storage.search.highlight import snippet_html, title_html
from storage.search.query import MAX_QUERY_CHARS, MAX_TERMS, QueryError, Term, parse

__all__ = [
    "QueryError", "Hit", "SearchResult", "search", "refresh", "rebuild", "is_index_table",
    "SORTS", "COUNT_CAP", "MAX_PER_PAGE", "MAX_QUERY_CHARS", "MAX_TERMS",
]

SORTS = ("relevance", "newest")
COUNT_CAP = 10_000
MAX_PER_PAGE = 100
INDEX_TABLE_PREFIX = "item_search"


@dataclass(frozen=True)
class Hit:
    item_id: int
    title_html: str    # title, HTML-escaped, matched terms wrapped in <mark>
    snippet_html: str  # ~120-character excerpt of the body around the first match, escaped, <mark>ed, … at cuts


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int             # matching published items, at most COUNT_CAP (PostgreSQL, phrases: 500)
    total_is_capped: bool  # total is a lower bound ("10000+")
    page: int
    per_page: int
    terms: list[str]       # the parsed query terms, for display


def is_index_table(name: str) -> bool:
    """Tables of the search index (FTS5's and ours): dialect-specific, made by
    migration 0005, not described by ``storage.models``."""
    return name == INDEX_TABLE_PREFIX or name.startswith(INDEX_TABLE_PREFIX + "_")


def _zone(session: Session) -> ZoneInfo:
    """The portal's zone: index keys are local 发布日期 there (``storage.db.session_factory``)."""
    return ZoneInfo(session_timezone(session))


def _backend(session: Session) -> ModuleType:
    return postgres_index if session.get_bind().dialect.name == "postgresql" else sqlite_index


def search(session: Session, q: str, *, unit: str | None = None, column: str | None = None,
           date_from: date | None = None, date_to: date | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = 20) -> SearchResult:
    """Published items matching every term of ``q``, filtered by unit (primary
    unit), column and 发布时间 (local calendar days, inclusive), by relevance or
    newest first.  ``QueryError`` (a message for the user) when ``q`` is too long."""
    if sort not in SORTS:
        raise QueryError("排序方式只能是“相关度”或“最新”。")
    terms = parse(to_simplified(q or ""))
    page, per_page = max(1, int(page)), min(max(1, int(per_page)), MAX_PER_PAGE)
    result = SearchResult(hits=[], total=0, total_is_capped=False, page=page, per_page=per_page,
                          terms=[t.text for t in terms])
    low, high = documents.key_range(date_from, date_to)
    if not terms or (low is not None and high is not None and low > high):
        return result
    facets = ([documents.unit_token(unit)] if unit else []) + ([documents.column_token(column)] if column else [])
    backend = _backend(session)
    matches, levels = backend.compile_query(terms, facets, low, high)
    cap = backend.count_cap(matches, COUNT_CAP)
    with backend.planned(session, matches):
        total = backend.count(session, matches, cap + 1)
        capped = total > cap
        total = min(total, cap)
        offset = (page - 1) * per_page
        ids: list[int] = []
        if offset < total:
            limit = min(per_page, total - offset)
            ids = backend.newest(session, matches, limit, offset) if sort == "newest" else \
                _by_levels(session, backend, levels, limit, offset)
    return SearchResult(hits=_hits(session, ids, terms), total=total, total_is_capped=capped,
                        page=page, per_page=per_page, terms=result.terms)


def _by_levels(session: Session, backend: ModuleType, levels: list, limit: int, offset: int) -> list[int]:
    """A page of the relevance order: the levels one after the other, each newest first.
    A level is only counted when the page starts past its end."""
    ids: list[int] = []
    for level in levels:
        page = backend.newest(session, level, limit - len(ids), offset)
        ids += page
        if len(ids) == limit:
            break
        # This level ends before the page does: the next one starts where it ends.
        size = offset + len(page) if page or not offset else backend.count(session, level, offset)
        offset -= min(offset, size)
    return ids


def _hits(session: Session, ids: list[int], terms: list[Term]) -> list[Hit]:
    if not ids:
        return []
    rows = {row.id: row for row in session.execute(
        select(Item.id, Item.title, Item.body_text).where(Item.id.in_(ids), Item.status == "published")
    )}
    return [Hit(item_id=i, title_html=title_html(rows[i].title, terms), snippet_html=snippet_html(rows[i].body_text, terms))
            for i in ids if i in rows]


def refresh(session: Session, item_ids: Iterable[int]) -> None:
    """Bring the index entries of ``item_ids`` in step with the items: published
    ones (re)indexed, the others (unpublished, rejected, deleted) dropped.
    Runs in the caller's transaction; the caller commits."""
    ids = sorted({int(i) for i in item_ids if i is not None})
    if not ids:
        return
    session.flush()
    _backend(session).replace(session, ids, documents.published(session, ids, _zone(session)))


def rebuild(session: Session) -> int:
    """Reindex every published item from scratch; returns how many.  The caller
    commits; until then searches see the old index, and on SQLite other writers
    wait (about a minute per 100,000 items)."""
    backend = _backend(session)
    session.flush()
    backend.clear(session)
    count = 0
    for docs in documents.all_published(session, _zone(session)):
        backend.insert(session, docs)
        count += len(docs)
    backend.optimize(session)
    return count
