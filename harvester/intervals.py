"""How often a source is harvested, and why: one rule for the scheduler and ``zhanqun sources``.

* ``schedule: {every: 30m}`` written in the registry is what the federation's
  office asked for.  It is an upper bound: adaptive scheduling may visit a busy
  source more often (down to ``min_interval``, or the ``every`` itself when that
  is shorter), never less often.  A quiet 要闻 column set to 30m is still read
  every 30 minutes.
* ``adaptive: true`` on the source lets adaptive scheduling lengthen it too,
  within ``[min_interval, max_interval]``: the ``every`` is then only the first
  interval.  ``adaptive: false`` (or ``harvest.adaptive: false``) keeps the
  ``every`` exactly.
* A source without a ``schedule`` (the default ``every: 1h``) is adaptive
  within ``[min_interval, max_interval]`` when ``harvest.adaptive`` is on.
* Failing sources back off: interval × 2^failures, up to ``max_interval``
  (politeness towards a sub-site in trouble), whatever was written.

Adaptive is Miniflux's entry-frequency rule: a source that published N items in
the last week is visited every week/N.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from harvester.registry import HarvestPolicy, SourceEntry, parse_duration

ADAPTIVE_WINDOW = timedelta(days=7)
MAX_BACKOFF_DOUBLINGS = 10


@dataclass(frozen=True)
class Interval:
    seconds: int | None  # None: a cron schedule (APScheduler's cron trigger decides)
    reason: str


def adaptive_seconds(weekly_items: int, low: timedelta, high: timedelta) -> int:
    """Miniflux's entry-frequency rule: a source that published N items in the
    last week is visited every week/N, within [low, high]."""
    if weekly_items <= 0:
        return int(high.total_seconds())
    seconds = ADAPTIVE_WINDOW.total_seconds() / weekly_items
    return int(min(max(seconds, low.total_seconds()), high.total_seconds()))


def human(seconds: int) -> str:
    """30 → 30s, 120 → 2m, 5400 → 1h30m, 86400 → 1d."""
    out, rest = [], int(seconds)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if rest >= size:
            out.append(f"{rest // size}{unit}")
            rest %= size
    if rest or not out:
        out.append(f"{rest}s")
    return "".join(out)


def written(source: SourceEntry) -> bool:
    """Whether the registry gives this source a schedule (rather than the default)."""
    return "schedule" in source.model_fields_set


def adaptive_on(source: SourceEntry, policy: HarvestPolicy) -> bool:
    return policy.adaptive if source.adaptive is None else source.adaptive


def planned(source: SourceEntry, policy: HarvestPolicy) -> Interval:
    """The interval before any run: the schedule as written."""
    if source.schedule.cron:
        return Interval(None, f"cron '{source.schedule.cron}' as written")
    seconds = int(source.schedule.interval.total_seconds())
    if not written(source):
        return Interval(seconds, f"default every {human(seconds)} until the first run")
    return Interval(seconds, f"every {human(seconds)} as written")


def next_interval(source: SourceEntry, policy: HarvestPolicy, weekly_items: int, failures: int) -> Interval:
    """The interval after a run, from the registry, the items the source published
    in the last week and its failed runs in a row."""
    if source.schedule.cron:
        return planned(source, policy)
    every = int(source.schedule.interval.total_seconds())
    low = min(parse_duration(source.min_interval or policy.min_interval), timedelta(seconds=every))
    high = parse_duration(source.max_interval or policy.max_interval)
    busy = f"{weekly_items} items in the last 7 days"
    if not adaptive_on(source, policy):
        seconds, reason = every, f"every {human(every)} as written (adaptive scheduling off)"
    elif written(source) and source.adaptive is None:
        seconds = adaptive_seconds(weekly_items, low, timedelta(seconds=every))
        if seconds < every:
            reason = f"every {human(seconds)}: shorter than the written {human(every)}, {busy}"
        else:
            reason = f"every {human(every)} as written ({busy}; adaptive scheduling only shortens it)"
    else:
        seconds = adaptive_seconds(weekly_items, low, high)
        why = "adaptive: true" if source.adaptive else "no schedule written"
        reason = f"adaptive every {human(seconds)}: {busy}, within {human(int(low.total_seconds()))}–" \
                 f"{human(int(high.total_seconds()))} ({why})"
    if failures:
        backoff = int(min(max(seconds, every) * 2 ** min(failures, MAX_BACKOFF_DOUBLINGS), high.total_seconds()))
        if backoff > seconds:
            seconds = backoff
            reason = f"every {human(seconds)}: backing off after {failures} failed run(s) in a row " \
                     f"(up to max_interval {human(int(high.total_seconds()))})"
    return Interval(seconds, reason)
