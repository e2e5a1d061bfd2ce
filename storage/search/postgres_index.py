"""The search index on PostgreSQL: ``item_search(item_id, sort_key, tsv, title_tsv)`` with GIN indexes.

``tsv`` holds the title's and the body's tokens (the same pre-cut tokens as on
SQLite); ``title_tsv`` the title's tokens: it is small and stays in the row,
while ``tsv`` (~10 kB) is stored out of line (TOAST) and costs a read of its
own for every row whose positions are checked.  Both use the ``simple``
configuration (no stemming, no stop words: a bigram is a lexeme as it is), and
queries go through ``to_tsquery('simple', …)`` so they are parsed exactly like
the indexed text; ``<->`` chains a phrase.  PostgreSQL keeps positions up to
16,383 per document: past that point of a very long body its words still
match, phrases may not.

Both tsvectors also hold position-less lexemes with a ':' in them, which no
text token can equal (they are cast to ``tsquery`` as they are, never parsed):
the filters (``u:<unit>``, ``c:<column>``), so that a filtered query is one GIN
scan driven by its rarest entry, not a bitmap of every match of the term ANDed
with the filter's; and one ``h:<ideograph>`` for each ideograph of the text
(migration 0026), so that a one-character query (税) is one lexeme: every
ideograph of a run starts one of its tokens, and a prefix ``税:*`` made GIN
collect every lexeme starting with 税 into one bitmap of all their matches
before it could skip anything.  (A one-character prefix after other runs,
``2026税``, is still ``'2026' <-> '税':*``.)

Every entry also carries the week of its sort key (``w:<weeks since 1970>``,
in ``tsv`` and ``title_tsv``; migration 0025) and, when dated, its year
(``y:<year>``, migration 0027).  A GIN index can only answer
with a bitmap of *every* match, and on a million items a bitmap of 通知 or 工作
(half of everything, or all of it) costs more than the whole budget.  So
matches are read newest first a few weeks at a time: ``q & ('w:2970' | …)``
lets GIN intersect the term's posting list with a few weeks' (its "fast scan"
skips through the long list), and what a window finds all sorts after what the
windows before found.  Counts stop at their cap and pages when full, usually in
a window or three of at most ``WINDOW_WEEKS`` weeks, sized from the matches per
week seen so far (``_windows``); a term rare enough to need more than
``MAX_AHEAD`` weeks is read without windows, cheap because its posting list is
short.

The planner is steered once per search (``planned``): GIN bitmap scans only,
never a sequential scan or a walk of the sort-key index (both read every row's
``tsv``, a TOAST read each); key-range conditions are written ``sort_key + 0``
for the same reason.  Phrases re-read each candidate's ``tsv``, so their
count stops at ``PHRASE_COUNT_CAP``.
"""
from __future__ import annotations

import math
import re
from datetime import date, timedelta
from contextlib import contextmanager
from dataclasses import dataclass, field, replace as replace_dataclass
from typing import Iterator

from sqlalchemy import Integer, bindparam, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from storage.search.documents import ID_BITS, ID_MASK, IN_CHUNK, Doc
from storage.search.query import Term
from storage.search.tokens import CJK_CLASS

TABLE = "item_search"  # created by migration 0005
GIN_INDEXES = (f"ix_{TABLE}_tsv", f"ix_{TABLE}_title_tsv")
PHRASE_COUNT_CAP = 500
WINDOW_WEEKS = 8  # weeks of one window at most
MAX_AHEAD = 48  # weeks: a term needing more is read without windows
EVIDENCE_WEEKS = 9  # weeks read before a term may be judged rare (the newest may have just begun)
TITLE_WINDOWS = (8, 64)  # weeks read for title frequencies before the rest
BUCKET_DAYS = 7  # entries carry the week of their sort key as a lexeme (see ``bucket_lexeme``)
CHAR_MARK = "h"  # ideograph lexemes: 'h:税' (migration 0026)
YEAR_MARK = "y"  # year lexemes: 'y:2024' (migration 0027)
MAX_YEARS = 12  # a date range touching more years is read with its key range alone
_EPOCH = date(1970, 1, 1)
_TSV = "to_tsvector('simple', :title || ' ' || :body) || CAST(:marks AS tsvector)"
_TITLE_TSV = "to_tsvector('simple', :title) || CAST(:title_marks AS tsvector)"
_CJK = re.compile(f"[{CJK_CLASS}]")


@dataclass(frozen=True)
class Match:
    """A WHERE condition on item_search.  ``sql`` holds ``{w}`` where each indexed
    condition takes the week window (``_windows``): `` && CAST(:window AS tsquery)``
    or nothing.  ``whole`` is the same condition read without a window: a date
    range's years are lexemes there (``_years``)."""
    sql: str
    params: dict = field(default_factory=dict)
    phrases: bool = False    # tsv positions are checked: the GIN index alone cannot answer
    scan: dict = field(default_factory=dict)  # shared by a query's matches: key bounds, densities seen
    full: bool = False  # every match of the query (not a level)
    whole: str = ""  # ``sql`` without a window (its years as lexemes); empty: ``sql``


def compile_query(terms: list[Term], facets: list[str], low: int | None, high: int | None) -> tuple[Match, list[Match]]:
    """Every match, and the relevance levels that partition them (see ``storage.search``):
    all terms in the title; some of them; none.  The filter lexemes are in both
    tsvectors, so each indexed condition is one GIN scan driven by its rarest entry."""
    words = [_phrase(t) for t in terms if not _is_char(t)]
    chars = [char_lexeme(t.tokens[0]) for t in terms if _is_char(t)]
    filters = [_facet_lexeme(facet) for facet in facets]
    params: dict = {"all": " & ".join(words), "any": " | ".join(words), "chars_all": " & ".join(chars),
                    "chars_any": " | ".join(chars), "filters": " & ".join(filters)}
    # Text goes through to_tsquery like the indexed text; marked lexemes (a ':' inside) are cast as they are.
    all_terms = " && ".join([*(["to_tsquery('simple', :all)"] if words else []),
                             *(["CAST(:chars_all AS tsquery)"] if chars else [])])
    any_term = " || ".join([*(["to_tsquery('simple', :any)"] if words else []),
                            *(["CAST(:chars_any AS tsquery)"] if chars else [])])
    in_filters = " && CAST(:filters AS tsquery)" if filters else ""
    scope = []
    if low is not None:
        scope.append("sort_key + 0 >= :low")  # never through the sort-key index (see ``planned``)
        params["low"] = low
    if high is not None:
        scope.append("sort_key + 0 <= :high")
        params["high"] = high
    years, whole_scope = _years(low, high)
    if years:
        params["years"] = " | ".join(year_lexeme(year) for year in years)
    in_years = " && CAST(:years AS tsquery)" if years else ""
    has_phrase = any(len(term.tokens) > 1 for term in terms)
    scan: dict = {"low": low, "high": high}

    def match(*conditions: str, tsv: bool = True) -> Match:
        def where(keys: list[str], marks: str) -> str:
            parts = [c.replace("{m}", marks) for c in conditions]
            return " AND ".join([*keys, *parts, *([f"tsv @@ (({all_terms}){in_filters}{marks}{{w}})"] if tsv else [])])
        return Match(where(scope, ""), params, phrases=tsv and has_phrase, scan=scan,
                     whole=where(whole_scope, in_years))

    all_in_title = f"title_tsv @@ (({all_terms}){in_filters}{{m}}{{w}})"
    any_in_title = f"title_tsv @@ (({any_term}){in_filters}{{m}}{{w}})"
    not_all_in_title = f"NOT title_tsv @@ ({all_terms})"
    not_any_in_title = f"NOT title_tsv @@ ({any_term})"
    levels = [match(all_in_title, tsv=False)]  # the title's tokens are in tsv too
    if len(terms) > 1:
        levels.append(match(any_in_title, not_all_in_title))
    levels.append(match(not_any_in_title))
    return replace_dataclass(match(), full=True), levels


def _years(low: int | None, high: int | None) -> tuple[list[int], list[str]]:
    """The years a key range touches (at most ``MAX_YEARS``; none when an end
    is open), and the key conditions still needed beside their lexemes: none
    for an end on a year's first (``low``) or last (``high``) day.  Undated
    entries carry no year, as they match no date range."""
    if low is None or high is None or low > high:
        return [], [c for c, key in (("sort_key + 0 >= :low", low), ("sort_key + 0 <= :high", high)) if key is not None]
    first, last = _date_of(low), _date_of(high)
    if last.year - first.year >= MAX_YEARS:
        return [], ["sort_key + 0 >= :low", "sort_key + 0 <= :high"]
    keys = []
    if (first.month, first.day) != (1, 1) or low & ID_MASK:
        keys.append("sort_key + 0 >= :low")
    if (last.month, last.day) != (12, 31) or high & ID_MASK != ID_MASK:
        keys.append("sort_key + 0 <= :high")
    return list(range(first.year, last.year + 1)), keys


def _date_of(key: int) -> date:
    """The local 发布日期 of a dated entry's sort key (``documents.sort_key``)."""
    return _EPOCH + timedelta(days=key >> ID_BITS)


def _is_char(term: Term) -> bool:
    """税 alone: every ideograph of a run starts one of its tokens, so "a token
    starting with 税" is "has 税", one lexeme (``char_lexeme``), where 税:* would
    make GIN collect every lexeme starting with 税 into one bitmap of all their
    matches before it could skip anything."""
    return term.prefix and len(term.tokens) == 1


def _facet_lexeme(token: str) -> str:
    """A filter token as a lexeme with a ':' in it, so that no text token can ever equal it."""
    return f"'{token[0]}:{token[1:]}'"


def char_lexeme(char: str) -> str:
    """The lexeme saying that an entry has the ideograph ``char`` (anywhere in a run)."""
    return _facet_lexeme(CHAR_MARK + char)


def _phrase(term: Term) -> str:
    # Tokens are letters, digits and ideographs only: nothing to escape inside '…'.
    lexemes = [f"'{token}'" for token in term.tokens]
    if term.prefix:
        lexemes[-1] += ":*"
    return "(" + " <-> ".join(lexemes) + ")"


# -- queries ---------------------------------------------------------------------------
def count_cap(match: Match, cap: int) -> int:
    return min(cap, PHRASE_COUNT_CAP) if match.phrases else cap


def count(session: Session, match: Match, cap: int) -> int:
    found = 0
    with planned(session, match):
        for where, params, restart in _windows(session, match, lambda: cap - found):
            found = 0 if restart else found
            sql = text(f"SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT :cap) AS found")
            found += session.execute(sql, {**params, "cap": cap - found}).scalar_one()
    return found


def newest(session: Session, match: Match, limit: int, offset: int) -> list[int]:
    """Item ids of a page of matches, newest first."""
    ids: list[int] = []
    with planned(session, match):
        for where, params, restart in _windows(session, match, lambda: limit + offset - len(ids)):
            ids = [] if restart else ids
            sql = text(f"SELECT item_id FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT :limit")
            ids += session.execute(sql, {**params, "limit": limit + offset - len(ids)}).scalars()
    return ids[offset:offset + limit]


def newest_each(session: Session, matches: list[Match], limit: int) -> list[list[int]]:
    """The newest ``limit`` item ids of each match, in one statement, without week
    windows: for matches whose terms are known to be rare (相关信息 asks this of
    terms in fewer than ``related.DF_CAP`` titles), whose GIN bitmaps are short.
    One round trip where reading each match in windows took three to five."""
    if not matches:
        return []
    parts, params = [], {"limit": limit}
    for k, match in enumerate(matches):
        # each match's own parameters, renamed apart (:all → :all_0, …)
        where = re.sub(r":(\w+)", lambda m: f":{m.group(1)}_{k}" if m.group(1) in match.params else m.group(0),
                       match.sql.format(w=""))
        params.update({f"{name}_{k}": value for name, value in match.params.items()})
        parts.append(f"(SELECT {k} AS k, item_id FROM {TABLE} WHERE {where} ORDER BY sort_key DESC LIMIT :limit)")
    found: list[list[int]] = [[] for _ in matches]
    with planned(session):
        for k, item_id in session.execute(text(" UNION ALL ".join(parts)), params):
            found[k].append(item_id)
    return found


def title_frequencies(session: Session, terms: list[Term], cap: int) -> list[int]:
    """In how many titles each term is, counted up to ``cap``: every term in one
    statement per week window, newest first (``TITLE_WINDOWS``, then the rest),
    until each has ``cap`` or the index is read (GIN bitmaps on ``title_tsv``)."""
    counts = [0] * len(terms)
    scan: dict = {"low": None, "high": None}
    with planned(session, Match("", scan=scan)):
        bounds = _bounds(session, Match("", scan=scan))
        if bounds is None:
            return counts
        top, bottom = bounds
        high = top
        for size in (*TITLE_WINDOWS, None):
            low = bottom if size is None else max(bottom, high - size + 1)
            if low == bottom:  # the rest: every title again, without a window (cheap for rare terms)
                where, params = "title_tsv @@ to_tsquery('simple', q)", {}
                counts = [n if n >= cap else 0 for n in counts]
            else:
                where = "title_tsv @@ (to_tsquery('simple', q) && CAST(:window AS tsquery))"
                params = {"window": " | ".join(bucket_lexeme(b) for b in range(high, low - 1, -1))}
            sql = text(f"SELECT (SELECT count(*) FROM (SELECT 1 FROM {TABLE} WHERE {where} LIMIT c) AS found) "
                       "FROM unnest(CAST(:queries AS text[]), CAST(:caps AS integer[])) WITH ORDINALITY AS u(q, c, n) "
                       "ORDER BY n")
            found = session.execute(sql, {**params, "queries": [_phrase(t) for t in terms],
                                          "caps": [cap - n for n in counts]}).scalars()
            counts = [n + more for n, more in zip(counts, found)]
            high = low - 1
            if low == bottom or all(n >= cap for n in counts):
                break
    return counts


def _windows(session: Session, match: Match, wanted) -> Iterator[tuple[str, dict, bool]]:
    """The match over successive week windows, newest first, while ``wanted()``
    (rows still needed) is positive: WHERE conditions, their parameters, and
    whether to start over (the last query reads every match).

    Windows are disjoint and in key order, so rows found in one all sort after
    those of the windows before.  A window is at most ``WINDOW_WEEKS`` weeks
    (GIN's work per candidate grows with the lexemes of the query); the first
    is one week, the next up to eight (the newest week may have just begun),
    then as many as the matches per week seen so far say are needed, down to
    the oldest entry's week.  When they say more than ``MAX_AHEAD`` weeks, and
    at least ``EVIDENCE_WEEKS`` weeks were read (before that, the next window
    reads the weeks still missing), the term is rare enough for one query
    without a window, from the start: its posting list is short.  (That query
    has no key condition but the partial years of a date range, ``Match.whole``:
    a key condition makes PostgreSQL check every candidate's row.)  A level
    starts from what the count of the whole query saw: it has at most that many
    matches a week.
    """
    bounds = _bounds(session, match)
    if bounds is None:
        return
    top, bottom = bounds
    density = match.scan.setdefault("density", {})
    rows, weeks = density.get(match.sql, (0, 0))
    hint = density.get(_ALL) if not weeks else None  # a level, after the count
    high = top
    while wanted() > 0:
        seen_rows, seen_weeks = hint or (rows, weeks)
        ahead = math.ceil(1.5 * wanted() * seen_weeks / seen_rows) if seen_rows else math.inf
        hint = None
        if seen_weeks >= EVIDENCE_WEEKS and ahead > MAX_AHEAD:
            size = 0  # rare: no window
        elif seen_weeks == 0:
            size = 1
        elif ahead > MAX_AHEAD:
            size = min(WINDOW_WEEKS, EVIDENCE_WEEKS - seen_weeks)  # the weeks still missing before deciding
        else:
            size = min(WINDOW_WEEKS, ahead)
        if size == 0:
            yield (match.whole or match.sql).format(w=""), match.params, True
            return
        low = max(bottom, high - size + 1)
        before = wanted()
        window = " | ".join(bucket_lexeme(b) for b in range(high, low - 1, -1))
        yield match.sql.format(w=" && CAST(:window AS tsquery)"), {**match.params, "window": window}, False
        rows, weeks = rows + before - wanted(), weeks + high - low + 1
        density[match.sql] = (rows, weeks)
        if match.full:
            density[_ALL] = (rows, weeks)
        high = low - 1
        if high < bottom:
            return  # every week read


def _bounds(session: Session, match: Match) -> tuple[int, int] | None:
    """The newest and oldest weeks with entries in the query's key range, read
    from the sort-key index by ``planned`` as it starts (once per query)."""
    if "bounds" not in match.scan:  # planned() was entered without this query
        sql, params = _bounds_sql(match)
        session.execute(text("SELECT set_config('enable_indexscan', 'on', true)"))
        _keep_bounds(match, session.execute(text(f"SELECT {sql}"), params).one())
        session.execute(text(f"SELECT set_config('enable_indexscan', '{_SETTINGS['enable_indexscan']}', true)"))
    return match.scan["bounds"]


def _bounds_sql(match: Match) -> tuple[str, dict]:
    low, high = match.scan["low"], match.scan["high"]
    where = "sort_key >= :bounds_low AND sort_key <= :bounds_high"
    return (f"(SELECT max(sort_key) FROM {TABLE} WHERE {where}), (SELECT min(sort_key) FROM {TABLE} WHERE {where})",
            {"bounds_low": low if low is not None else -1, "bounds_high": high if high is not None else 2**63 - 1})


def _keep_bounds(match: Match, row) -> None:
    match.scan["bounds"] = None if row[0] is None else (bucket_of(row[0]), bucket_of(row[1]))


@contextmanager
def planned(session: Session, match: Match | None = None) -> Iterator[None]:
    """Steer the planner while a search runs: GIN bitmap scans only (never a
    sequential scan or a walk of the sort-key index, which would read every
    row's ``tsv``, a TOAST read each).  Plans are made afresh (psycopg prepares
    statements it sees often, and a cached plan would not see the window).
    ``set_config(…, true)`` is SET LOCAL; the previous values come back after.
    The same statement reads ``match``'s key bounds (planned before the settings
    change, so with the sort-key index).  Nested uses set nothing."""
    if session.info.get(_PLANNED):
        yield
        return
    names = list(_SETTINGS)
    bounds, params = _bounds_sql(match) if match is not None and "bounds" not in match.scan else ("", {})
    row = session.execute(text(
        "SELECT " + ", ".join(f"current_setting('{n}')" for n in names) + (f", {bounds}" if bounds else "") + ", "
        + ", ".join(f"set_config('{n}', '{v}', true)" for n, v in _SETTINGS.items())), params).one()
    previous = row[:len(names)]
    if bounds:
        _keep_bounds(match, row[len(names):len(names) + 2])
    session.info[_PLANNED] = True
    try:
        yield
    finally:
        session.info.pop(_PLANNED, None)
        calls = ", ".join(f"set_config('{name}', :v{k}, true)" for k, name in enumerate(names))
        session.execute(text("SELECT " + calls), {f"v{k}": value for k, value in enumerate(previous)})


_PLANNED = "zhanqun.search.planned"
_ALL = "all"  # density key of the whole query
_SETTINGS = {"enable_seqscan": "off", "enable_indexscan": "off", "enable_bitmapscan": "on",
             "plan_cache_mode": "force_custom_plan"}


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
        merge_pending(session)


def merge_pending(session: Session) -> None:
    """Move the entries just written from the GIN indexes' pending lists into the
    indexes proper, in the writer's transaction.

    GIN adds new entries to an unordered pending list (``fastupdate``), and every
    search reads the whole list, entry by entry, besides the index: with 27 to
    100 pages pending (the demo federation's first harvests), one title-frequency
    statement of 相关信息 took 20-120 ms instead of 2-6 (every item page makes
    several), and the portal served a tenth of SQLite's pages.  The list is
    merged only when it passes ``gin_pending_list_limit`` (4 MB: 512 pages read by
    every search), by VACUUM, or by autovacuum's ANALYZE (not by the writer's own
    ANALYZE), so readers would pay until autovacuum comes by, and always when it
    is off.  The writer merges its own entries instead: a batch's worth of work.
    Only the owner of an index may merge it; another role leaves it to autovacuum."""
    session.execute(text(
        "SELECT gin_clean_pending_list(c.oid) FROM pg_class c WHERE c.oid IN ("
        + ", ".join(f"CAST('{index}' AS regclass)" for index in GIN_INDEXES)
        + ") AND pg_has_role(c.relowner, 'USAGE')"))


def insert(session: Session, docs: list[Doc]) -> None:
    if docs:
        session.execute(
            text(f"INSERT INTO {TABLE} (item_id, sort_key, tsv, title_tsv) VALUES (:item_id, :sort_key, {_TSV}, {_TITLE_TSV})"),
            [_params(doc) for doc in docs],
        )


def bucket_of(key: int) -> int:
    """The week (since 1970) of a sort key: 0 for undated entries."""
    return (key >> ID_BITS) // BUCKET_DAYS


def bucket_lexeme(bucket: int) -> str:
    return _facet_lexeme(f"w{bucket}")


def year_lexeme(year: int) -> str:
    return _facet_lexeme(f"{YEAR_MARK}{year}")


def entry_year(key: int) -> int | None:
    """The year of an entry's 发布日期: None when undated (day 0)."""
    return _date_of(key).year if key >> ID_BITS else None


def _params(doc: Doc) -> dict:
    """The tokens (cut to ``title``/``body`` text) and the position-less lexemes of
    an entry: in both tsvectors its filters, its week, its year (dated) and its
    ideographs (of the title alone in ``title_tsv``)."""
    year = entry_year(doc.sort_key)
    marks = [*(_facet_lexeme(facet) for facet in doc.facets.split()), bucket_lexeme(bucket_of(doc.sort_key)),
             *([year_lexeme(year)] if year is not None else [])]
    title_chars = _chars(doc.title_runs)
    return {"item_id": doc.item_id, "sort_key": doc.sort_key, "title": doc.title, "body": doc.body,
            "title_marks": " ".join([*marks, *title_chars]),
            "marks": " ".join([*marks, *sorted(title_chars | _chars(doc.body_runs))])}


def _chars(runs: str) -> set[str]:
    """The ideographs of a ``tokens.runs_text``, as lexemes (``char_lexeme``)."""
    return {char_lexeme(char) for char in set(runs) if _CJK.match(char)}


def clear(session: Session) -> None:
    """Empty the index for a rebuild.  Searches go on meanwhile (they see the old
    rows until the rebuild commits); GIN collects new entries in a large pending
    list for this transaction, merged once by ``optimize``, not every 4 MB."""
    session.execute(text("SELECT set_config('gin_pending_list_limit', '1048576', true)"))  # kB
    session.execute(text(f"DELETE FROM {TABLE}"))


def optimize(session: Session) -> None:
    """After a bulk load: merge the GIN pending lists, refresh planner statistics."""
    for index in GIN_INDEXES:
        session.execute(text("SELECT gin_clean_pending_list(CAST(:index AS regclass))"), {"index": index})
    session.execute(text(f"ANALYZE {TABLE}"))
