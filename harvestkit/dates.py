"""One date module for every reader: dates as list pages, feeds, sitemaps, URLs and
detail pages write them, turned into datetimes, ISO strings or aware datetimes.

Every parser of the project lives here (spiders, extraction, supervision and the
hub import it; nothing here imports them):

- :func:`parse_date`: the first plausible date of a text (a meta tag, an info
  bar, a feed field) as a datetime: ``2013.08.15``, ``2024年3月5日``,
  ``2024-03-05 10:21``, ``2024年03月05日 10时21分``, ``2005年5月7日 星期六 下午9:23``,
  ISO 8601 with an offset, compact ``20240305``, and the US ``9/17/2004 5:54:13 AM``
  of ASP templates;
- :func:`find_dates`: every date of one line, each with whether a 发布时间-style
  label (or a "posted by … on" line) marks it as the publication date, 成文/截止/
  实施… dates dropped;
- :func:`find_date`: a list entry's or a feed field's date as ``YYYY-MM-DD``
  (``THH:MM:SS`` when a time follows the day), the string listings compare
  between runs;
- :func:`date_in_url`: the day a CMS writes into an article URL
  (``/t20230601_123.html``, ``/2023/06/01/``, ``/art/2023/6/1/``, ``/202306/01/``, ``/2023/0601/``);
- :func:`find_month`: a month named alone (``2003年5月``), for the last resort;
- :func:`feed_date`: an RSS/Atom date field (RFC 822, ISO 8601, or any of the above);
- :func:`with_shown_time`: a meta tag's bare day completed by the time the page
  shows for that day (PubDate ``2023-06-01``, 发布时间：2023-06-01 10:20);
- :func:`parse_hint`, :func:`to_aware`, :func:`as_local`, :func:`is_date_only`:
  zones (naive means local, in the portal's zone).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

__all__ = [
    "DEFAULT_TIMEZONE", "DATE", "DATE_RE", "US_DATE_RE", "LABELED_DATE_RE", "DATE_LABEL",
    "get_tz", "parse_date", "find_dates", "find_date", "date_in_url", "find_month", "feed_date",
    "parse_hint", "to_aware", "as_local", "is_date_only", "day_only", "with_shown_time",
]

# The registry's ``portal.timezone`` when it names none, and the zone of anything
# that runs without a registry (migrations, ``zhanqun extract`` on a file).
DEFAULT_TIMEZONE = "Asia/Shanghai"
_SHANGHAI = timezone(timedelta(hours=8), DEFAULT_TIMEZONE)

# Years a publication date may have on a page (older numbers are history in the
# text, later ones typos); a list entry may show an older document (a 1989 law).
EARLIEST_PAGE_YEAR = 1990
LATEST_YEARS_AHEAD = 1
EARLIEST_LIST_YEAR = 1900

# -- the grammar -------------------------------------------------------------------
_SEP = r"\s*(?:[-/.．]|年)\s*"
_SEP2 = r"\s*(?:[-/.．]|月)\s*"
# 2013.08.15 / 2024年3月5日 / 2024-03-05 10:21 / 2024/03/05 / 2024-3-5 10:21:33 /
# 2024年03月05日 10时21分, optionally with a weekday or 上午/下午 between day and time.
DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})" + _SEP + r"(?P<m>[01]?\d)" + _SEP2 + r"(?P<d>[0-3]?\d)(?!\d|[.．]\d)"
    r"\s*日?"
    r"(?:(?P<gap>[\s,，]*(?:(?:星期|周|礼拜)[一二三四五六日天七]|\((?:星期|周)?[一二三四五六日天七]\)|（(?:星期|周)?[一二三四五六日天七]）)?"
    r"[\sT]*(?P<ampm>上午|下午|晚上|早上|凌晨|中午)?\s*)"
    r"(?P<H>[0-2]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)(?:\s*[:：分]\s*(?P<S>[0-5]\d))?)?"
)
# The same grammar without groups, to embed in other patterns (list titles strip it).
DATE = re.compile(re.sub(r"\(\?P<\w+>", "(?:", DATE_RE.pattern))
# US-style M/D/YYYY [h:mm[:ss] [AM|PM]] as printed by ASP/.NET templates (9/17/2004 5:54:13 AM).
US_DATE_RE = re.compile(
    r"(?<![\d/.])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:\s*(?P<ampm>AM|PM|am|pm))?)?"
)
# An ISO timestamp with offset, as found in meta tags.
_ISO_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\s*$")
# A whole value of digits only: 20240305, 20240305 1021, 202403051021[33].
_COMPACT_RE = re.compile(r"^\s*(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)"
                         r"(?:\s*(?P<H>[0-2]\d):?(?P<M>[0-5]\d)(?::?(?P<S>[0-5]\d))?)?\s*$")

# -- what a date's neighbours say about it -----------------------------------------
DATE_LABEL = (r"(?:(?:发布|发表|发稿|更新|公布|公开|发文|印发|上传|录入|创建|生成|首发|刊发|出版|刊登|信息|文章)"
              r"\s*(?:时\s*间|日\s*期)|时\s*间|日\s*期|发布于|发表于|发布|Date|Published|Time)")
LABELED_DATE_RE = re.compile(DATE_LABEL + r"\s*[:：]?\s*[\[【(（]?\s*$", re.I)
_NOT_PUB_LABEL = re.compile(r"(?:成文|截止|有效|失效|实施|施行|生效|办结|开始|结束|报名|活动|会议|开标|截至)\s*(?:时\s*间|日\s*期)\s*[:：]?\s*$")
# The day a document was issued (发文日期/印发日期 in disclosure tables, beside the
# 发布日期): a date, but not one a 发布 label outranks; it stays as an unlabeled date.
_WRITTEN_LABEL = re.compile(r"(?:发文|印发)\s*(?:时\s*间|日\s*期)\s*[:：]?\s*$")
# A day that opens or closes a period, not a publication: "自2024年5月1日起施行",
# "2024年3月31日前报送", "截至2024年3月31日", "3月1日至2024年3月15日" (a 发布日期：
# label before the day outranks them: "发布日期：2024-03-15 起草单位…").
_PERIOD_BEFORE = re.compile(r"(?:自|从|截至|截止|至|到)\s*$")
_PERIOD_AFTER = re.compile(r"(?:起|前|之前|以前|止)")
# A line that says who posted when ("本贴由大卫于2005年8月12日…发表", "张贴 @ 2005-03-21").
_POSTED_RE = re.compile(r"发表|发布|张贴|发帖|发贴|posted|published", re.I)
_LABEL_REACH = 12  # characters before a date searched for its label

# -- dates in URLs -----------------------------------------------------------------
# TRS/Hanweb/Ucap paths: /t20230601_4567.html, /202306/t20230601_4567.html,
# /2023/06/01/, /art/2023/6/1/art_1_2.html, /202306/01/, /2023-06/01/, /20230601/,
# /2023/0601/ (人民网-style /n1/2023/0601/c1001-123.html).
_URL_DATE_RES = (
    re.compile(r"/t(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)_\d+"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})[-/_]?(?P<m>[01]?\d)[-/_](?P<d>[0-3]?\d)(?=/)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)/(?P<d>[0-3]\d)(?=/)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})(?P<m>[01]\d)(?P<d>[0-3]\d)(?=/)"),
    re.compile(r"/(?P<y>(?:19|20)\d{2})/(?P<m>[01]\d)(?P<d>[0-3]\d)(?=/)"),
)

# -- a month alone -----------------------------------------------------------------
_MONTH_ONLY = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:号|刊|份)?(?!\s*\d{1,2}\s*日)")


def get_tz(name: str | None) -> tzinfo:
    """The zone called ``name`` (the default zone when none); a fixed +08:00 without tzdata."""
    try:
        return ZoneInfo(name or DEFAULT_TIMEZONE)
    except Exception:  # noqa: BLE001 - missing tzdata or bad name
        return _SHANGHAI


def _valid(y: int, m: int, d: int, earliest: int = EARLIEST_PAGE_YEAR, latest: int | None = None) -> bool:
    latest = latest if latest is not None else datetime.now().year + LATEST_YEARS_AHEAD
    if not (earliest <= y <= latest and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _from_match(m: re.Match, earliest: int = EARLIEST_PAGE_YEAR, latest: int | None = None) -> datetime | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not _valid(y, mo, d, earliest, latest):
        return None
    hh = mm = ss = 0
    if m.group("H") is not None:
        hh, mm = int(m.group("H")), int(m.group("M"))
        ss = int(m.group("S") or 0)
        ampm = m.groupdict().get("ampm")
        if ampm in ("下午", "晚上", "PM", "pm") and hh < 12:
            hh += 12
        elif ampm in ("AM", "am") and hh == 12:
            hh = 0
        if hh > 23:
            hh = mm = ss = 0
    return datetime(y, mo, d, hh, mm, ss)


def _all_date_matches(text: str) -> list[re.Match]:
    found = [(m.start(), m) for m in DATE_RE.finditer(text)]
    if "/" in text:
        found += [(m.start(), m) for m in US_DATE_RE.finditer(text)]
        found.sort(key=lambda x: x[0])
    return [m for _pos, m in found]


def parse_date(text: str | None) -> datetime | None:
    """First date in ``text`` as a naive datetime (or aware, for ISO offsets)."""
    if not text:
        return None
    if _ISO_RE.match(text):
        try:
            return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    compact = _COMPACT_RE.match(text)
    if compact:
        return _from_match(compact)
    for m in _all_date_matches(text):
        dt = _from_match(m)
        if dt is not None:
            return dt
    return None


def find_dates(line: str, prev: str = "") -> list[tuple[datetime, bool]]:
    """All dates in one line as ``(datetime, labeled)``.

    labeled = a 发布时间：-style label right before the date (also when the label is
    the whole previous line, as in two-cell tables), or a short "posted by … on"
    line.  Dates labeled as 成文/截止/实施 … are not publication dates and are dropped,
    as are days that open or close a period (自…起施行, …前报送, 截至…); a 发文日期/
    印发日期 stays, unlabeled, so a 发布日期 beside it wins.
    """
    out: list[tuple[datetime, bool]] = []
    posted = len(line) <= 100 and bool(_POSTED_RE.search(line))
    for m in _all_date_matches(line):
        dt = _from_match(m)
        if dt is None:
            continue
        before = line[max(0, m.start() - _LABEL_REACH):m.start()]
        if not before.strip() and prev:
            before = prev[-_LABEL_REACH:]
        if _NOT_PUB_LABEL.search(before):
            continue
        written = bool(_WRITTEN_LABEL.search(before))
        labeled = not written and bool(LABELED_DATE_RE.search(before))
        if not labeled and (_PERIOD_BEFORE.search(line, max(0, m.start() - 2), m.start())
                            or _PERIOD_AFTER.match(line, m.end())):
            continue
        labeled = labeled or (posted and not written)
        out.append((dt, labeled))
    return out


def _time_follows_day(m: re.Match) -> bool:
    """A list date keeps its time only when the time follows the day directly
    (``2026-11-20 10:21``), as listings have always been compared between runs."""
    if m.re is US_DATE_RE:
        return m.group("H") is not None
    return m.group("H") is not None and not (m.group("gap") or "").strip(" \t\r\n\u3000")


def find_date(text: str) -> str | None:
    """The first plausible date in ``text`` as ``YYYY-MM-DD[THH:MM:SS]``, else None."""
    for m in _all_date_matches(text or ""):
        dt = _from_match(m, EARLIEST_LIST_YEAR, 2099)
        if dt is None:
            continue
        if _time_follows_day(m):
            return dt.isoformat(timespec="seconds")
        return dt.date().isoformat()
    return None


def day_only(value: datetime) -> bool:
    """A naive date read at 00:00:00: a day without its time."""
    return value.tzinfo is None and (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0)


def with_shown_time(day: datetime | None, shown: datetime | None) -> datetime | None:
    """``day`` (a meta tag's date) with the time of ``shown`` (the page's date) when
    ``day`` has no time and ``shown`` is the same day with one; else ``day``."""
    if day is None or shown is None or not day_only(day) or day_only(shown):
        return day
    return shown if shown.tzinfo is None and shown.date() == day.date() else day


def date_in_url(url: str | None) -> datetime | None:
    """The day a CMS wrote into the path of ``url``, else None."""
    path = urlsplit(url or "").path
    if not path:
        return None
    for pattern in _URL_DATE_RES:
        for m in pattern.finditer(path):
            y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
            if _valid(y, mo, d):
                return datetime(y, mo, d)
    return None


def find_month(line: str) -> datetime | None:
    """A month named without a day (``2003年5月``, ``1998年3月号``) as its 1st, else None."""
    for m in _MONTH_ONLY.finditer(line or ""):
        year, month = int(m.group(1)), int(m.group(2))
        if 1 <= month <= 12 and EARLIEST_PAGE_YEAR <= year <= datetime.now().year + LATEST_YEARS_AHEAD:
            return datetime(year, month, 1)
    return None


def feed_date(raw: str | None) -> str | None:
    """A feed's date field as ISO 8601, keeping the feed's own offset when it gives
    one: RFC 822 (RSS), ISO 8601 (Atom), else any date :func:`find_date` knows."""
    if not raw:
        return None
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    try:
        return datetime.fromisoformat(raw.strip().replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    return find_date(raw)


def to_aware(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """Naive page times are local; aware ones are converted to ``tz``."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz)
    return dt.astimezone(tz)


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
    return to_aware(parsed, ZoneInfo(tz))


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
