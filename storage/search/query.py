"""What the user typed → terms: each a phrase of index tokens, all of them required (AND).

Words are separated by spaces; ``"…"`` (or “…”, 「…」) keeps spaces inside one
phrase.  A term is cut with the index's own rules (``tokens``) and must match
consecutive tokens, so ``城乡居民医保`` never matches a text with 城乡 … 居民 …
医保 apart.  How the last run of a term is matched:

* one CJK character → prefix on the tokens (``税*``: 税收, 个人所得税's final 税);
* two or more CJK characters → their bigrams only (``通知`` also matches 通知书:
  the text's run may go on after the term);
* a word → the whole word (``2026`` matches 2026年, not 20261).

Runs before the last one are matched with all their tokens, the final single
character included, because in the text too that run must end there.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from storage.search.tokens import bigrams, run_tokens, runs

MAX_QUERY_CHARS = 100
MAX_TERMS = 10
_QUOTED_OR_WORD = re.compile(r'"([^"]*)"|“([^”]*)”|「([^」]*)」|『([^』]*)』|＂([^＂]*)＂|(\S+)')


class QueryError(ValueError):
    """The query cannot be run (too long, too many words…): a message for the user."""


@dataclass(frozen=True)
class Term:
    text: str                         # as typed, for display
    runs: tuple[tuple[str, bool], ...]  # normalized runs (run, is_cjk), for highlighting
    tokens: tuple[str, ...]           # consecutive index tokens
    prefix: bool                      # the last token is a prefix (one CJK character)


def parse(q: str) -> list[Term]:
    """The terms of ``q`` (empty for a blank query); QueryError when it is too long."""
    q = (q or "").strip()
    if len(q) > MAX_QUERY_CHARS:
        raise QueryError(f"搜索词太长，请不要超过 {MAX_QUERY_CHARS} 个字。")
    terms: list[Term] = []
    seen: set[tuple[tuple[str, ...], bool]] = set()
    for m in _QUOTED_OR_WORD.finditer(q):
        text = next(g for g in m.groups() if g is not None).strip()
        term = make_term(text)
        if term is None or (term.tokens, term.prefix) in seen:
            continue
        seen.add((term.tokens, term.prefix))
        terms.append(term)
    if len(terms) > MAX_TERMS:
        raise QueryError(f"搜索词太多，请不要超过 {MAX_TERMS} 个词。")
    return terms


def make_term(text: str) -> Term | None:
    found = [(run, cjk) for run, cjk, _, _ in runs(text)]
    if not found:
        return None  # punctuation only
    tokens: list[str] = []
    for run, cjk in found[:-1]:
        tokens.extend(run_tokens(run, cjk) or [run])
    last, cjk = found[-1]
    prefix = cjk and len(last) == 1
    tokens.extend(bigrams(last) if cjk and len(last) > 1 else [last])
    return Term(text=text, runs=tuple(found), tokens=tuple(tokens), prefix=prefix)
