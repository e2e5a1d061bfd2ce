"""One date module for every reader: dates as list pages, feeds, sitemaps and
detail pages write them, turned into ISO strings or aware datetimes."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

# The registry's ``portal.timezone`` when it names none, and the zone of anything
# that runs without a registry (migrations, ``zhanqun extract`` on a file).
DEFAULT_TIMEZONE = "Asia/Shanghai"

DATE = re.compile(
    r"(?<!\d)(20\d{2}|19\d{2})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    r"(?:\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?(?!\d)"
)


def find_date(text: str) -> str | None:
    """The first plausible date in ``text`` as ``YYYY-MM-DD[THH:MM[:SS]]``, else None."""
    for match in DATE.finditer(text or ""):
        year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3))
        try:
            date(year, month, day)
        except ValueError:
            continue
        out = f"{year:04d}-{month:02d}-{day:02d}"
        if match.group(4):
            hour, minute, second = int(match.group(4)), int(match.group(5)), int(match.group(6) or 0)
            if hour < 24 and minute < 60 and second < 60:
                out += f"T{hour:02d}:{minute:02d}:{second:02d}"
        return out
    return None


def parse_hint(value: str | None, tz: str) -> datetime | None:
    """ISO 8601 with or without offset, or any date ``find_date`` knows; naive means local."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        found = find_date(value)
        if not found:
            return None
        parsed = datetime.fromisoformat(found)
    zone = ZoneInfo(tz)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=zone)
    return parsed.astimezone(zone)


def as_local(value: datetime | None, tz: str) -> datetime | None:
    """Aware datetime in the portal timezone (SQLite hands back naive UTC)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(ZoneInfo(tz))


def is_date_only(value: datetime | None) -> bool:
    """A publication time read from a day without a time of day.

    Every reader turns a bare day (2026-11-20, 2026年11月20日) into 00:00 local
    time, in the portal's zone; sub-sites do not publish at 00:00:00 sharp, so
    that time, on an aware value in the zone it was read in, means "the day
    only" (and the portal shows the day alone).
    """
    if value is None or value.tzinfo is None:
        return False
    return (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)
