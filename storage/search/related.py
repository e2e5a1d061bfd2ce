"""相关信息: published items of the same column whose titles share this title's rarer terms.

The title is cut like everything else in the index (``tokens``): its CJK
bigrams and its words.  How many titles of the column hold each term is asked
of the index (title matches within the column's filter token, counted up to
``DF_CAP``); a term in half the column's titles (通知, 关于 in 通知公告) says
nothing about the subject and is left out, as is one no other title has.  The
rarest terms are looked up (newest title matches first), and the candidates
are ranked by what they share: each stretch of consecutive shared bigrams
counts once, as much as the median of its bigrams' rarity (IDF), so a long
common name (衢江区人民政府办公室, nine bigrams) weighs no more than one of its
words and a shared subject (森林防火) wins; newest first among equals.
"""
from __future__ import annotations

import math
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Item, ItemColumn
from storage.search import _backend
from storage.search.documents import column_token
from storage.search.query import make_term
from storage.search.tokens import bigrams, iter_runs

DF_CAP = 200  # a term in this many titles of the column is too common to relate anything
COMMON_SHARE = 0.5  # nor one in this share of the column's titles
MAX_TERMS = 32  # title terms whose rarity is asked (a long title has many bigrams)
LOOKUPS = 6  # the rarest terms whose title matches become candidates
PER_LOOKUP = 20


def title_terms(title: str) -> list[list[str]]:
    """The title's runs as their terms, in order: a CJK run's bigrams, a word
    (bare numbers left out: 2026 relates nothing)."""
    out: list[list[str]] = []
    for run, cjk, _, _ in iter_runs(title or ""):
        terms = bigrams(run) if cjk else ([run] if len(run) > 1 and not run.isdigit() else [])
        if terms:
            out.append(terms)
    return out


def _column_size(session: Session, column: str) -> int:
    members = (select(ItemColumn.item_id).join(Item, Item.id == ItemColumn.item_id)
               .where(ItemColumn.column_id == column, Item.status == "published").limit(DF_CAP * 4).subquery())
    return session.scalar(select(func.count()).select_from(members)) or 0


def _score(runs: list[list[str]], weights: dict[str, float], shared: set[str]) -> float:
    """Each stretch of consecutive shared terms counts once, as the median of its
    terms' weights (a bigram across two words, 县主 in 龙游县主要领导, is rare only
    by accident and must not carry the stretch)."""
    score = 0.0
    for terms in runs:
        stretch: list[float] = []
        for term in [*terms, None]:
            if term is not None and term in shared and term in weights:
                stretch.append(weights[term])
            elif stretch:
                score, stretch = score + median(stretch), []
    return score


def related(session: Session, item_id: int, title: str, column: str, limit: int = 5) -> list[int]:
    """Ids of up to ``limit`` published items related to this one, best first."""
    backend = _backend(session)
    facets = [column_token(column)]
    runs = title_terms(title)
    size = _column_size(session, column)
    common = min(DF_CAP, max(2, int(size * COMMON_SHARE)))
    weights: dict[str, float] = {}
    lookups: list[tuple[int, object]] = []
    for text in list(dict.fromkeys(term for terms in runs for term in terms))[:MAX_TERMS]:
        term = make_term(text)
        if term is None:
            continue
        in_titles = backend.compile_query([term], facets, None, None)[1][0]  # level 1: in the title
        found = backend.count(session, in_titles, DF_CAP)
        if 2 <= found <= common:  # this item and at least one other; not in most titles
            weights[text] = math.log(max(size, found) / found) + 0.1
            lookups.append((found, in_titles))
    candidates: set[int] = set()
    for _, match in sorted(lookups, key=lambda entry: entry[0])[:LOOKUPS]:
        candidates.update(backend.newest(session, match, PER_LOOKUP, 0))
    candidates.discard(item_id)
    if not candidates:
        return []
    rows = session.execute(
        select(Item.id, Item.title, Item.published_at).where(Item.id.in_(candidates), Item.status == "published")
    ).all()

    def rank(row) -> tuple:
        shared = {term for terms in title_terms(row.title) for term in terms}
        newest = row.published_at.timestamp() if row.published_at else float("-inf")
        return (-_score(runs, weights, shared), -newest, -row.id)

    return [row.id for row in sorted(rows, key=rank)[:limit]]
