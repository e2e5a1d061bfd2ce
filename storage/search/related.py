"""相关信息: published items of the same column whose titles share this title's rarer terms.

The title is cut like everything else in the index (``tokens``): its CJK
bigrams and its words.  How many titles hold each term is asked of the index
(title entries only, counted up to ``DF_CAP``: a short read per term); a term in
a large share of all titles (通知, 关于, 工作) says nothing about the subject and
is left out, as is one no other title has.  The rarest terms are looked up in
the column (newest title matches first), and the candidates are ranked by what
they share: each stretch of consecutive shared bigrams counts once, as much as
the median of its bigrams' rarity (IDF), so a long common name
(衢江区人民政府办公室, nine bigrams) weighs no more than one of its words and a
shared subject (森林防火) wins; newest first among equals.
"""
from __future__ import annotations

import math
from statistics import median

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Item
from storage.search import _backend
from storage.search.documents import column_token
from storage.search.query import make_term
from storage.search.tokens import bigrams, iter_runs

DF_CAP = 500  # titles counted per term; a term in more is too common to relate anything
COMMON_SHARE = 0.3  # nor one in this share of all titles (small portals)
MAX_TERMS = 24  # title terms asked about (a long title has many bigrams)
LOOKUPS = 6  # the rarest terms whose title matches in the column become candidates
PER_LOOKUP = 20
FALLBACK_TERMS = 2  # when every term is common, the rarest of them still relate


def title_terms(title: str) -> list[list[str]]:
    """The title's runs as their terms, in order: a CJK run's bigrams, a word
    (bare numbers left out: 2026 relates nothing)."""
    out: list[list[str]] = []
    for run, cjk, _, _ in iter_runs(title or ""):
        terms = bigrams(run) if cjk else ([run] if len(run) > 1 and not run.isdigit() else [])
        if terms:
            out.append(terms)
    return out


def _published(session: Session, cap: int) -> int:
    """Published items, counted up to ``cap`` (the status index alone)."""
    found = select(Item.id).where(Item.status == "published").limit(cap).subquery()
    return session.scalar(select(func.count()).select_from(found)) or 0


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
    """Ids of up to ``limit`` published items of ``column`` related to this one, best first."""
    backend = _backend(session)
    runs = title_terms(title)
    terms = [t for t in (make_term(text) for text in dict.fromkeys(x for run in runs for x in run)) if t][:MAX_TERMS]
    if not terms:
        return []
    size = _published(session, 2 * DF_CAP)
    common = min(DF_CAP, max(2, int(size * COMMON_SHARE)))
    counted = sorted((found, term.text, term) for found, term in zip(backend.title_frequencies(session, terms, DF_CAP), terms)
                     if found >= 2)  # this item and at least one other
    chosen = [entry for entry in counted if entry[0] < common] or counted[:FALLBACK_TERMS]
    weights = {text: math.log(max(size, 2 * found) / found) for found, text, _ in chosen}
    facets = [column_token(column)]
    candidates: set[int] = set()
    in_titles = {term.text: backend.compile_query([term], facets, None, None)[1][0]  # level 1: in the title
                 for _, _, term in chosen[:LOOKUPS]}
    rare = [word for found, word, _ in chosen[:LOOKUPS] if found < DF_CAP]  # counted exactly: short GIN lists
    for ids in backend.newest_each(session, [in_titles[word] for word in rare], PER_LOOKUP):
        candidates.update(ids)  # all rare terms in one statement on PostgreSQL
    for word in in_titles.keys() - set(rare):  # every term common (FALLBACK_TERMS): read newest first, in windows
        candidates.update(backend.newest(session, in_titles[word], PER_LOOKUP, 0))
    candidates.discard(item_id)
    if not candidates:
        return []
    rows = session.execute(
        select(Item.id, Item.title, Item.published_at).where(Item.id.in_(candidates), Item.status == "published")
    ).all()

    def rank(row) -> tuple:
        shared = {term for run in title_terms(row.title) for term in run}
        newest = row.published_at.timestamp() if row.published_at else float("-inf")
        return (-_score(runs, weights, shared), -newest, -row.id)

    return [row.id for row in sorted(rows, key=rank)[:limit]]
