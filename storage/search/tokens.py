"""Text → index tokens: overlapping CJK bigrams and whole alphanumeric words.

The index, the queries and the highlighter all cut text the same way, here:

* the text is split into *runs*: runs of Han ideographs, and runs of other
  letters and digits (no underscore); everything else separates runs;
* each run is NFKC-normalized (full-width ``ＰＭ２`` → ``pm2``, compatibility
  ideographs → unified ones) and lower-cased;
* a CJK run gives its overlapping bigrams and then its last character alone
  (``城乡居民`` → ``城乡 乡居 居民 民``), so a one-character prefix query finds a
  character at the end of a run too; a word run is one token.

Index text is the tokens joined by spaces; both backends split it on spaces
only, so positions (and therefore phrases) are exactly these tokens.  What the
index keeps to find an entry's tokens again is the runs (``runs_text``).
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from typing import Iterator

# Han ideographs (URO, extension A, compatibility, extensions B–H) and 〇.
CJK_CLASS = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003347f"
# A run of ideographs (group 1), or a run of other letters/digits (group 2).
RUN = re.compile(f"([{CJK_CLASS}]+)|([^\\W_{CJK_CLASS}]+)")

MAX_WORD_CHARS = 64  # longer "words" (hashes, base64 junk) are not indexed
MAX_BODY_CHARS = 60_000  # the body is indexed up to here (PostgreSQL's tsvector has size limits)
WORD_MARK = "\x01"  # marks a word run in runs_text


def _nfkc_lower(text: str) -> str:
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return text.lower()


Run = tuple[str, bool, int, int]  # (normalized run, is_cjk, start, end in the original text)


def iter_runs(text: str) -> Iterator[Run]:
    """The runs of ``text`` in order, with where they are in it (for highlighting)."""
    for m in RUN.finditer(text):
        cjk, word = m.groups()
        start, end = m.span()
        if cjk is not None:
            yield (cjk if unicodedata.is_normalized("NFKC", cjk) else unicodedata.normalize("NFKC", cjk), True, start, end)
        elif word.isascii():
            yield (word.lower(), False, start, end)
        else:  # non-ASCII letters/digits (full-width, circled…): normalize, then cut again
            for sub in RUN.finditer(_nfkc_lower(word)):
                yield (sub.group(), sub.start(1) >= 0, start, end)


def runs(text: str) -> list[Run]:
    return list(iter_runs(text))


def run_tokens(run: str, is_cjk: bool) -> list[str]:
    """Index tokens of one normalized run."""
    if not is_cjk:
        return [run] if len(run) <= MAX_WORD_CHARS else []
    return [run[i:i + 2] for i in range(len(run) - 1)] + [run[-1]]


def bigrams(run: str) -> list[str]:
    return [run[i:i + 2] for i in range(len(run) - 1)]


def runs_text(text: str, limit: int | None = None) -> str:
    """What the index keeps of ``text``: its normalized runs, space-separated, each
    word run marked with a leading ``\\x01``.  Everything Unicode-dependent (run
    boundaries, NFKC, case) is settled here, so the tokens derived from it by
    ``tokens_of_runs`` stay the same whatever Python's Unicode tables become."""
    if limit is not None:
        text = text[:limit]
    return " ".join(run if cjk else WORD_MARK + run for run, cjk, _, _ in iter_runs(text)
                    if cjk or len(run) <= MAX_WORD_CHARS)


def tokens_of_runs(text: str) -> str:
    """The index tokens of a ``runs_text``, space-separated, in order.

    Equivalent to joining ``run_tokens`` over the runs, but built from slices of
    one interleaved copy of the text (``abc`` → ``ab␠bc␠``…): making one Python
    string per bigram would cost more than the rest of indexing.
    """
    if not text:
        return ""
    pairs: str | None = None
    pieces: list[str] = []
    pos = 0
    for run in text.split(" "):
        size = len(run)
        if run[0] == WORD_MARK:
            pieces.append(run[1:])
        else:
            if size > 1:
                if pairs is None:
                    pairs = _interleaved_pairs(text)
                pieces.append(pairs[3 * pos:3 * (pos + size) - 4])
            pieces.append(run[-1])
        pos += size + 1
    return " ".join(pieces)


def _interleaved_pairs(text: str) -> str:
    """``text[i] + text[i+1] + " "`` for every i, as one string (C-speed, via UTF-32)."""
    codes = array("I")
    codes.frombytes(text.encode("utf-32-le"))
    out = array("I", [32]) * (3 * (len(codes) - 1))
    out[0::3] = codes[:-1]
    out[1::3] = codes[1:]
    return out.tobytes().decode("utf-32-le")
