"""Locate the info bar (the lines between title and body) and read date / 来源 from it.

The page is flattened to lines once, with invisible markers placed at the
title element and at the start/end of the body element, so every line knows
its zone: before the title, the info zone (title … body start), the body, and
after the body (footer).  Dates are then preferred by zone and by label.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from harvester.extract.dom import block_text
from harvester.extract.patterns import find_source, is_copyright_line
from harvestkit.dates import find_dates, find_month

__all__ = ["Zones", "page_lines", "pick_date", "pick_month", "pick_source"]

_T, _B, _E = "\ue000T\ue001", "\ue000B\ue001", "\ue000E\ue001"
_INFO_AFTER = 8     # lines after the title that still count as info bar
_INFO_BEFORE = 3    # lines before the title/body start
_MAX_INFO = 30
_SOURCE_ABOVE = 20  # lines above the info zone still searched for a 来源 line


@dataclass
class Zones:
    lines: list
    title: int | None = None
    body_start: int | None = None
    body_end: int | None = None

    def info_range(self) -> tuple[int, int]:
        n = len(self.lines)
        anchor = self.title if self.title is not None else self.body_start
        if anchor is None:
            return 0, min(n, _MAX_INFO)
        lo = max(0, anchor - _INFO_BEFORE)
        hi = anchor + _INFO_AFTER
        if self.body_start is not None and self.title is not None and self.body_start > self.title:
            hi = max(hi, min(self.body_start + 2, self.title + _MAX_INFO))
        if self.title is None:
            lo = max(0, anchor - _INFO_AFTER)
            hi = anchor + 3
        return lo, min(n, hi)


def page_lines(root, title_node, body_node) -> Zones:
    """Flatten ``root`` to lines, recording the title/body line indexes."""
    if root is None:
        return Zones(lines=[])
    saved = []

    def mark(el, attr, marker):
        old = getattr(el, attr)
        saved.append((el, attr, old))
        setattr(el, attr, marker + (old or ""))

    try:
        if title_node is not None:
            mark(title_node, "text", _T)
        if body_node is not None and body_node is not root:
            mark(body_node, "text", _B)
            mark(body_node, "tail", _E)
        text = block_text(root)
    finally:
        for el, attr, old in reversed(saved):
            setattr(el, attr, old)
    zones = Zones(lines=[])
    for raw in text.split("\n"):
        for marker, name in ((_T, "title"), (_B, "body_start"), (_E, "body_end")):
            if marker in raw:
                raw = raw.replace(marker, "")
                if getattr(zones, name) is None:
                    setattr(zones, name, len(zones.lines))
        raw = raw.strip()
        if raw:  # a marker on an empty line simply points at the next line
            zones.lines.append(raw)
    return zones


def _dates_in(lines, lo, hi, *, labeled_only=False, max_len=None):
    for i in range(max(lo, 0), min(hi, len(lines))):
        line = lines[i]
        if max_len is not None and len(line) > max_len:
            continue
        if is_copyright_line(line) and len(line) < 200:
            continue
        prev = lines[i - 1] if i > 0 else ""
        for dt, labeled in find_dates(line, prev):
            if labeled or not labeled_only:
                yield i, dt, labeled


def _first(gen):
    for _i, dt, _l in gen:
        return dt
    return None


def _last(gen):
    dt = None
    for _i, found, _l in gen:
        dt = found
    return dt


def pick_date(z: Zones) -> datetime | None:
    """The publication date, preferring the info bar over body and footer."""
    lines = z.lines
    if not lines:
        return None
    n = len(lines)
    lo, hi = z.info_range()
    body_lo = z.body_start if z.body_start is not None else n
    body_hi = z.body_end if z.body_end is not None else n
    below = z.title if z.title is not None and lo <= z.title <= hi else lo
    steps = (
        # 1. a labeled date (发布时间：…) in the info bar
        lambda: _first(_dates_in(lines, lo, hi, labeled_only=True)),
        # 2. any date on a short line of the info bar: below the title first (the lines
        #    just above it may end a 相关新闻 list of dated links)
        lambda: _first(_dates_in(lines, below, hi, max_len=120)),
        lambda: _first(_dates_in(lines, lo, below, max_len=120)),
        # 3. a date on a short line at the very start of the body (byline / dateline)
        lambda: _first(_dates_in(lines, body_lo, min(body_lo + 8, body_hi), max_len=50)),
        # 4. a labeled date outside the body before it, then inside the body
        lambda: _first(_dates_in(lines, 0, body_lo, labeled_only=True)),
        lambda: _first(_dates_in(lines, body_lo, body_hi + 1, labeled_only=True)),
        # 5. the signature date at the end of the body, the last one (above it may stand
        #    a short line such as "本办法自2024年5月1日起施行。" or a contact date)
        lambda: _last(_dates_in(lines, max(body_lo, body_hi - 4), body_hi, max_len=40)),
        # 6. the nearest short-line date before the body, then a labeled one after it
        lambda: _nearest_before(lines, body_lo),
        lambda: _first(_dates_in(lines, body_hi, min(n, body_hi + 15), labeled_only=True)),
    )
    for step in steps:
        dt = step()
        if dt is not None:
            return dt
    return None


def _nearest_before(lines, body_lo):
    for i in range(min(body_lo, len(lines)) - 1, max(-1, body_lo - 40), -1):
        dt = _first(_dates_in(lines, i, i + 1, max_len=60))
        if dt is not None:
            return dt
    return None


def pick_source(z: Zones) -> str:
    """The 来源 text, from the info bar first, then anywhere but the footer."""
    lines = z.lines
    lo, hi = z.info_range()
    order = list(range(lo, hi))
    body_lo = z.body_start if z.body_start is not None else 0
    body_hi = z.body_end if z.body_end is not None else len(lines)
    order += list(range(body_lo, body_hi))  # e.g. a 来源 line right under the body
    order += list(range(body_hi, min(len(lines), body_hi + 10)))
    # last, an info bar printed above the title's element (a disclosure table that
    # repeats the title under 发布时间/来源), nearest first
    order += list(range(lo - 1, max(-1, lo - 1 - _SOURCE_ABOVE), -1))
    seen = set()
    for i in order:
        if i in seen or i >= len(lines):
            continue
        seen.add(i)
        line = lines[i]
        if len(line) > 300 or is_copyright_line(line):
            continue
        src = find_source(line)
        if src:
            return src
    return ""


_CLOSING_LINES = 8


def pick_month(zones: Zones):
    """Last resort for pages that name only a month, near the title or in the
    closing lines (a reprint signed "——《北京之春》1998年3月号"): the 1st of that
    month.  Returns a naive datetime or None."""
    if not zones.lines:
        return None
    lo, hi = zones.info_range()
    near_title = range(max(lo, 0), min(hi, len(zones.lines)))
    closing = [i for i in range(len(zones.lines) - 1, -1, -1) if zones.lines[i].strip()][:_CLOSING_LINES]
    for i in [*near_title, *closing]:
        line = zones.lines[i]
        if is_copyright_line(line):
            continue
        month = find_month(line)
        if month is not None:
            return month
    return None
