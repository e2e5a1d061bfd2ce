"""相关信息: published items of the same column whose titles share this title's rarer terms.

The title is cut like everything else in the index (``tokens``): its CJK
bigrams and its words.  How rare a term is in the column is asked of the index
(title matches within the column's filter token, counted up to ``DF_CAP``);
terms nearly every title of the column has (通知, 关于, 工作 in 通知公告) say
nothing about the subject and are left out, as are those no other title has.
The rarest few are looked up (newest title matches first) and the candidates
are ranked by the summed rarity of the terms their titles share, newest first
among equals: 衢州市2026年冬季森林防火工作 finds the other 森林防火 notices before
anything else that merely says 2026年.
"""
from __future__ import annotations

import math

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import Item
from storage.search import _backend
from storage.search.documents import column_token
from storage.search.query import Term, make_term
from storage.search.tokens import bigrams, iter_runs

DF_CAP = 200  # a term in this many titles of the column is too common to relate anything
MAX_TERMS = 16  # title terms whose rarity is asked (a long title has many bigrams)
LOOKUPS = 4  # the rarest terms whose title matches become candidates
PER_LOOKUP = 20


def title_terms(title: str) -> list[str]:
    """The title's distinct CJK bigrams and words (no bare numbers: 2026 relates nothing)."""
    out: list[str] = []
    for run, cjk, _, _ in iter_runs(title or ""):
        pieces = bigrams(run) if cjk else ([run] if len(run) > 1 and not run.isdigit() else [])
        out += [p for p in pieces if p not in out]
    return out


def related(session: Session, item_id: int, title: str, column: str, limit: int = 5) -> list[int]:
    """Ids of up to ``limit`` published items related to this one, best first."""
    backend = _backend(session)
    facets = [column_token(column)]
    weights: dict[str, float] = {}
    lookups: list[tuple[int, str, Term]] = []
    for text in title_terms(title)[:MAX_TERMS]:
        term = make_term(text)
        if term is None:
            continue
        in_titles = backend.compile_query([term], facets, None, None)[1][0]  # level 1: in the title
        found = backend.count(session, in_titles, DF_CAP)
        if 2 <= found < DF_CAP:  # this item and at least one other; not in most titles
            weights[text] = math.log(DF_CAP / found)
            lookups.append((found, text, in_titles))
    candidates: set[int] = set()
    for _, _, match in sorted(lookups, key=lambda entry: entry[0])[:LOOKUPS]:
        candidates.update(backend.newest(session, match, PER_LOOKUP, 0))
    candidates.discard(item_id)
    if not candidates:
        return []
    rows = session.execute(
        select(Item.id, Item.title, Item.published_at).where(Item.id.in_(candidates), Item.status == "published")
    ).all()

    def rank(row) -> tuple:
        shared = set(title_terms(row.title)) & weights.keys()
        newest = row.published_at.timestamp() if row.published_at else float("-inf")
        return (-sum(weights[t] for t in shared), -newest, -row.id)

    return [row.id for row in sorted(rows, key=rank)[:limit]]
