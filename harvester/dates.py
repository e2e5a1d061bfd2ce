"""Turn the date strings that listings give (hints) into aware datetimes."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from spiders.dates import find_date


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
