"""Text patterns of Chinese (government) pages: dates, 来源 lines, info-bar lines.

Everything here works on plain text (lines), not on the DOM, so it is cheap
and easy to unit-test.
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

__all__ = [
    "DATE_RE",
    "LABELED_DATE_RE",
    "find_dates",
    "parse_date",
    "to_aware",
    "get_tz",
    "find_source",
    "clean_source",
    "is_copyright_line",
    "is_info_line",
    "is_boilerplate_line",
    "split_site_suffix",
]

_SEP = r"\s*(?:[-/.．]|年)\s*"
_SEP2 = r"\s*(?:[-/.．]|月)\s*"
# 2013.08.15 / 2024年3月5日 / 2024-03-05 10:21 / 2024/03/05 / 2024-3-5 10:21:33,
# optionally with a weekday or 上午/下午 between day and time.
DATE_RE = re.compile(
    r"(?<![\d.])(?P<y>(?:19|20)\d{2})" + _SEP + r"(?P<m>[01]?\d)" + _SEP2 + r"(?P<d>[0-3]?\d)(?![\d.]\d)"
    r"\s*日?"
    r"(?:[\s,，]*(?:(?:星期|周|礼拜)[一二三四五六日天七]|\((?:星期|周)?[一二三四五六日天七]\)|（(?:星期|周)?[一二三四五六日天七]）)?"
    r"[\sT]*(?P<ampm>上午|下午|晚上|早上|凌晨|中午)?\s*"
    r"(?P<H>[0-2]?\d)\s*[:：时]\s*(?P<M>[0-5]\d)(?:\s*[:：分]\s*(?P<S>[0-5]\d))?)?"
)
# US-style M/D/YYYY [h:mm[:ss] [AM|PM]] as printed by ASP/.NET templates (9/17/2004 5:54:13 AM).
US_DATE_RE = re.compile(
    r"(?<![\d/.])(?P<m>[01]?\d)/(?P<d>[0-3]?\d)/(?P<y>(?:19|20)\d{2})(?![\d/])"
    r"(?:\s+(?P<H>[0-2]?\d):(?P<M>[0-5]\d)(?::(?P<S>[0-5]\d))?(?:\s*(?P<ampm>AM|PM|am|pm))?)?"
)
# An ISO timestamp with offset, as found in meta tags.
_ISO_RE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})\s*$")

_DATE_LABEL = (r"(?:(?:发布|发表|发稿|更新|公布|公开|发文|印发|上传|录入|创建|生成|首发|刊发|出版|刊登|信息|文章)"
               r"\s*(?:时\s*间|日\s*期)|时\s*间|日\s*期|发布于|发表于|发布|Date|Published|Time)")
LABELED_DATE_RE = re.compile(_DATE_LABEL + r"\s*[:：]?\s*[\[【(（]?\s*$", re.I)
_NOT_PUB_LABEL = re.compile(r"(?:成文|截止|有效|失效|实施|施行|生效|办结|开始|结束|报名|活动|会议|开标|截至)\s*(?:时\s*间|日\s*期)\s*[:：]?\s*$")
# A line that says who posted when ("本贴由大卫于2005年8月12日…发表", "张贴 @ 2005-03-21").
_POSTED_RE = re.compile(r"发表|发布|张贴|发帖|发贴|posted|published", re.I)
_COPYRIGHT_RE = re.compile(r"(?:©|\(c\)|copyright|版权所有|版权|备案|ICP|建议使用|分辨率|浏览器)", re.I)

_SOURCE_RE = re.compile(
    r"(?:信息来源|文章来源|稿件来源|内容来源|新闻来源|消息来源|稿源|来\s*源|出\s*处)\s*[:：]\s*"
    r"(?P<v>[^\n]{1,80})"
)
_SOURCE_STOP_RE = re.compile(
    r"\s*(?:作\s*者|编\s*辑|责任编辑|责编|撰稿|记\s*者|通讯员|摄\s*影|审\s*核|审\s*校|校\s*对|浏览|点击|阅读|访问|"
    r"发布|时\s*间|日\s*期|字\s*号|字体|【|\[|打印|分享|关闭|收藏|\||｜|您是第|次数|人次|"
    r"(?:19|20)\d{2}\s*(?:[-/.]|年))"
)

_INFO_WORDS = re.compile(
    r"(?:发布时间|发布日期|发表时间|更新时间|信息来源|文章来源|来\s*源\s*[:：]|作\s*者\s*[:：]|浏览次数|点击数|点击率|"
    r"阅读次数|访问次数|浏览量|责任编辑|字号\s*[:：]?\s*[【\[]?\s*大|【\s*大\s*】|\[\s*大\s*\]|打印本页|关闭窗口|"
    r"【\s*打印\s*】|【\s*关闭\s*】|\[\s*打印\s*\]|\[\s*关闭\s*\]|分享到|扫一扫|收藏本页|加入收藏|返回顶部|"
    r"上一篇|下一篇|相关链接|相关文章|相关新闻|网站地图)"
)
_BOILERPLATE_RE = re.compile(
    r"^(?:[【\[(（]?\s*(?:打印本页|关闭窗口|打印|关闭|返回顶部|返回|收藏|分享|字号|大|中|小|默认|"
    r"打印此页|关闭本页|保存本页|我要纠错|分享到)\s*[】\]）)]?\s*[|｜/]?\s*)+$"
)

_SITE_SPLIT_RE = re.compile(r"\s*(?:_{1,2}|\|{1,2}|｜|--|——|—|\s-\s|\s–\s|::|»|\s>\s)\s*")

_SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")


def get_tz(name: str | None) -> tzinfo:
    try:
        return ZoneInfo(name or "Asia/Shanghai")
    except Exception:  # noqa: BLE001 - missing tzdata or bad name
        return _SHANGHAI


def _valid(y: int, m: int, d: int) -> bool:
    if not (1990 <= y <= datetime.now().year + 1 and 1 <= m <= 12 and 1 <= d <= 31):
        return False
    try:
        date(y, m, d)
    except ValueError:
        return False
    return True


def _from_match(m: re.Match) -> datetime | None:
    y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
    if not _valid(y, mo, d):
        return None
    hh = mm = ss = 0
    if m.group("H") is not None:
        hh, mm = int(m.group("H")), int(m.group("M"))
        ss = int(m.group("S") or 0)
        if m.group("ampm") in ("下午", "晚上", "PM", "pm") and hh < 12:
            hh += 12
        elif m.group("ampm") in ("AM", "am") and hh == 12:
            hh = 0
        if hh > 23:
            hh = mm = ss = 0
    return datetime(y, mo, d, hh, mm, ss)


def parse_date(text: str | None) -> datetime | None:
    """First date in ``text`` as a naive datetime (or aware, for ISO offsets)."""
    if not text:
        return None
    if _ISO_RE.match(text):
        try:
            return datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        except ValueError:
            pass
    for m in _all_date_matches(text):
        dt = _from_match(m)
        if dt is not None:
            return dt
    return None


def to_aware(dt: datetime | None, tz: tzinfo) -> datetime | None:
    """Naive page times are local; aware ones are converted to ``tz``."""
    if dt is None:
        return None
    if dt.tzinfo is None:
        return dt.replace(tzinfo=tz)
    return dt.astimezone(tz)


def _all_date_matches(line: str):
    found = [(m.start(), m) for m in DATE_RE.finditer(line)]
    if "/" in line:
        found += [(m.start(), m) for m in US_DATE_RE.finditer(line)]
        found.sort(key=lambda x: x[0])
    return [m for _pos, m in found]


def find_dates(line: str, prev: str = "") -> list[tuple[datetime, bool]]:
    """All dates in one line as ``(datetime, labeled)``.

    labeled = a 发布时间：-style label right before the date (also when the label is
    the whole previous line, as in two-cell tables), or a short "posted by … on"
    line.  Dates labeled as 成文/截止/实施 … are not publication dates and are dropped.
    """
    out: list[tuple[datetime, bool]] = []
    posted = len(line) <= 100 and bool(_POSTED_RE.search(line))
    for m in _all_date_matches(line):
        dt = _from_match(m)
        if dt is None:
            continue
        before = line[max(0, m.start() - 12):m.start()]
        if not before.strip() and prev:
            before = prev[-12:]
        if _NOT_PUB_LABEL.search(before):
            continue
        labeled = bool(LABELED_DATE_RE.search(before)) or posted
        out.append((dt, labeled))
    return out


def is_copyright_line(line: str) -> bool:
    return bool(_COPYRIGHT_RE.search(line))


def clean_source(value: str) -> str:
    """Trim a 来源 value of trailing 作者/浏览次数/dates and brackets."""
    value = value.strip().lstrip("【[（( ")
    m = _SOURCE_STOP_RE.search(value)
    if m and m.start() > 0:
        value = value[:m.start()]
    elif m and m.start() == 0:
        return ""
    value = re.split(r"\s{2,}|\t", value)[0]
    return value.strip(" \t:：,，;；|｜/【】[]()（）<>《》-—").strip()


def find_source(line: str) -> str:
    m = _SOURCE_RE.search(line)
    if not m:
        return ""
    return clean_source(m.group("v"))


def is_info_line(line: str) -> bool:
    """A short info-bar / tool-bar line (发布时间, 来源, 浏览次数, 打印 ...)."""
    if len(line) > 150:
        return False
    if _INFO_WORDS.search(line):
        return True
    if LABELED_DATE_RE.pattern and re.search(_DATE_LABEL + r"\s*[:：]", line) and DATE_RE.search(line):
        return True
    return False


def is_boilerplate_line(line: str) -> bool:
    return bool(_BOILERPLATE_RE.match(line.strip())) if line.strip() else False


def split_site_suffix(title: str) -> str:
    """Strip a site-name suffix ("_衢州市人民政府", " - 柯城区人民政府网") from a <title>."""
    title = (title or "").strip()
    if not title:
        return ""
    parts = [p for p in _SITE_SPLIT_RE.split(title) if p.strip()]
    if len(parts) <= 1:
        return title
    first = parts[0].strip()
    if len(first) >= 4:
        return first
    return max(parts, key=len).strip()
