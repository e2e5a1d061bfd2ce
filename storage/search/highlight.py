"""Highlighted, HTML-escaped title and body excerpt of a hit, computed from the item's text.

Matches are found with the index's own cutting (``tokens.runs``), so what is
marked is exactly what matched: a CJK term inside a run of ideographs, a word
only as a whole word, a multi-run term (``2026年``, ``PM2.5``) only when its runs
follow each other with nothing but separators between.
"""
from __future__ import annotations

from html import escape
from itertools import islice

from storage.search.query import Term
from storage.search.tokens import MAX_BODY_CHARS, Run, iter_runs, runs

SNIPPET_CHARS = 120
SNIPPET_LEAD = 20  # characters of context before the first match


def spans(text: str, terms: list[Term]) -> list[tuple[int, int]]:
    """Sorted, merged ``(start, end)`` character spans of every match of ``terms`` in ``text``."""
    return _spans(runs(text), terms)


def _spans(doc: list[Run], terms: list[Term]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for term in terms:
        found.extend(_term_spans(doc, term))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _term_spans(doc: list[Run], term: Term) -> list[tuple[int, int]]:
    want = term.runs
    out: list[tuple[int, int]] = []
    if len(want) == 1:
        run, cjk = want[0]
        for text, is_cjk, start, end in doc:
            if is_cjk != cjk:
                continue
            if not cjk:
                if text == run:
                    out.append((start, end))
                continue
            at = text.find(run)
            while at >= 0:  # a CJK run's normalized text is as long as the original
                out.append((start + at, start + at + len(run)))
                at = text.find(run, at + 1)
        return out
    k = len(want)
    for j in range(len(doc) - k + 1):
        if all(_run_fits(doc[j + i], want[i], first=i == 0, last=i == k - 1) for i in range(k)):
            first_text, first_cjk, first_start, first_end = doc[j]
            last_text, last_cjk, last_start, last_end = doc[j + k - 1]
            start = first_end - len(want[0][0]) if first_cjk else first_start
            end = last_start + len(want[-1][0]) if last_cjk else last_end
            out.append((start, end))
    return out


def _run_fits(doc_run: Run, want: tuple[str, bool], *, first: bool, last: bool) -> bool:
    text, cjk = doc_run[0], doc_run[1]
    run, want_cjk = want
    if cjk != want_cjk:
        return False
    if not cjk:
        return text == run
    if first and last:
        return run in text
    if first:
        return text.endswith(run)
    if last:
        return text.startswith(run)
    return text == run


def marked(text: str, marks: list[tuple[int, int]], start: int = 0, end: int | None = None) -> str:
    """``text[start:end]`` escaped, with ``marks`` wrapped in ``<mark>``."""
    end = len(text) if end is None else end
    out: list[str] = []
    pos = start
    for a, b in marks:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        out.append(escape(text[pos:a]))
        out.append("<mark>" + escape(text[a:b]) + "</mark>")
        pos = b
    out.append(escape(text[pos:end]))
    return "".join(out)


def title_html(title: str, terms: list[Term]) -> str:
    title = " ".join(title.split())
    return marked(title, spans(title, terms))


def snippet_html(body: str, terms: list[Term], size: int = SNIPPET_CHARS) -> str:
    """About ``size`` characters of the body around its first match (its start when
    only the title matched), with … where the excerpt cuts the text."""
    text = " ".join(body[:MAX_BODY_CHARS].split())
    marks = _leading_spans(text, terms, size)
    start = max(0, marks[0][0] - SNIPPET_LEAD) if marks else 0
    start = max(0, min(start, len(text) - size))
    end = min(len(text), start + size)
    html = marked(text, marks, start, end)
    return ("…" if start > 0 else "") + html + ("…" if end < len(text) else "")


def _leading_spans(text: str, terms: list[Term], size: int) -> list[tuple[int, int]]:
    """The spans of ``spans`` up to the excerpt around the first match, reading only
    as much of the text as that takes (bodies can be long, the first match early).

    Runs are read in growing batches; the matches found so far are final once
    ``depth`` runs (the most runs a term has) start past the excerpt's end.
    """
    depth = max(len(term.runs) for term in terms)
    source = iter_runs(text)
    doc: list[Run] = []
    batch = 64
    while True:
        more = list(islice(source, batch))
        doc.extend(more)
        batch *= 2
        found = _spans(doc, terms)
        if len(more) < batch // 2:
            return found  # the whole text was read
        if found:
            excerpt_end = found[0][0] + size
            if sum(1 for run in doc[-depth:] if run[2] >= excerpt_end) >= depth:
                return found
