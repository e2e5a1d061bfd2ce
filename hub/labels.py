"""Words for people: the harvester's English reasons in Chinese, and sources by the
names of their unit and columns (their ids, like ``kecheng-notices``, come second).

The harvester records its reasons in English (the logs, the CLI and the tests read
them); the hub shows them through :func:`reason_zh`, a small table of the known
shapes.  A reason the table does not know is shown as it is, after a Chinese
lead-in, so nothing is hidden.
"""
from __future__ import annotations

import re
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.models import PortalColumn, Source, Unit

# (pattern, Chinese): the first that matches wins; groups are put back with \1, \2…
_REASONS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), zh) for p, zh in (
    (r"^disallowed by robots\.txt$", "被 robots.txt 禁止"),
    (r"^(?:HTTP|.* answers HTTP) 404$", "页面不存在（HTTP 404）"),
    (r"^(?:HTTP|.* answers HTTP) 410$", "页面已删除（HTTP 410）"),
    (r"^(?:HTTP|.* answers HTTP) 403$", "网站拒绝访问（HTTP 403）"),
    (r"^(?:HTTP|.* answers HTTP) (5\d\d)$", r"对方网站服务器出错（HTTP \1）"),
    (r"^(?:HTTP|.* answers HTTP) (\d{3})$", r"对方网站返回 HTTP \1"),
    (r"^DNS lookup failed$", "域名解析失败"),
    (r"^timed out$", "连接超时"),
    (r"^connection refused$", "连接被拒绝"),
    (r"^not an HTML page \((.*)\)$", r"不是网页（\1）"),
    (r"^the listing yielded no items.*$", "列表页没有读到任何信息（网站改版或类型设置有误？）"),
    (r"^refused: response larger than the (\d+) MiB limit.*$", r"已拒绝：响应超过 \1 MiB 上限"),
    (r"^the harvester stopped before the run finished$", "采集进程在本次采集结束前停止"),
    (r"^rules may be broken \(site redesign\?\): the listing used to show (\d+) entries and now shows none$",
     r"采集规则可能失效（网站改版？）：列表原有 \1 条，现在为 0 条"),
    (r"^rules may be broken \(site redesign\?\): (\d+) of (\d+) entries have no date or title$",
     r"采集规则可能失效（网站改版？）：\2 条中有 \1 条缺少日期或标题"),
    (r"^rules may be broken \(site redesign\?\)(.*)$", r"采集规则可能失效（网站改版？）\1"),
    (r"^listing incomplete: (.*)$", r"列表未读全：\1"),
    (r"^bad feed XML: (.*)$", r"订阅源 XML 无法解析：\1"),
    (r"^bad sitemap XML: (.*)$", r"网站地图 XML 无法解析：\1"),
    (r"^bad (?:feed |sitemap )?entry: (.*)$", r"无法读取的条目：\1"),
    (r"^unreadable date (.*) in the feed.*$", r"订阅源中的日期 \1 无法识别，以页面日期为准"),
    (r"^unreadable lastmod (.*);.*$", r"网站地图中的日期 \1 无法识别，以页面日期为准"),
    (r"^meta refresh: (.*)$", r"页面跳转被拒绝：\1"),
    (r"^refused: (.*)$", r"已拒绝：\1"),
    (r"^failed$", "采集失败"),
    (r"^max_run_seconds$", "超过单次采集时限"),
)]
_DURATION = re.compile(r"(\d+)([dhms])")
_DURATION_UNITS = {"d": "天", "h": "小时", "m": "分钟", "s": "秒"}


def duration_zh(text: str) -> str:
    """The harvester's 1h30m as 1小时30分钟."""
    return _DURATION.sub(lambda m: m.group(1) + _DURATION_UNITS[m.group(2)], text)


# Why a source is harvested as often as it is (harvester/intervals.py), in Chinese.
_INTERVALS: list[tuple[re.Pattern[str], str]] = [(re.compile(p), zh) for p, zh in (
    (r"^cron '(.*)' as written$", r"按配置的定时表达式 \1"),
    (r"^default every (\S+) until the first run$", r"首次采集前按默认每 \1 一次"),
    (r"^every (\S+) as written$", r"按配置每 \1 一次"),
    (r"^every (\S+) as written \(adaptive scheduling off\)$", r"按配置每 \1 一次（不自动调整）"),
    (r"^every (\S+): shorter than the written (\S+), (\d+) items in the last 7 days$",
     r"每 \1 一次：近 7 天有 \3 条新信息，比配置的每 \2 一次更勤"),
    (r"^every (\S+) as written \((\d+) items in the last 7 days; adaptive scheduling only shortens it\)$",
     r"按配置每 \1 一次（近 7 天 \2 条新信息；自动调整只会缩短间隔）"),
    (r"^adaptive every (\S+): (\d+) items in the last 7 days, within (\S+)–(\S+) \((.*)\)$",
     r"自动调整为每 \1 一次：近 7 天 \2 条新信息，范围 \3–\4"),
    (r"^every (\S+): backing off after (\d+) failed run\(s\) in a row .*$", r"每 \1 一次：连续 \2 次采集失败，暂时放慢"),
)]


def interval_zh(reason: str | None) -> str:
    text = " ".join((reason or "").split())
    for pattern, zh in _INTERVALS:
        match = pattern.match(text)
        if match:
            return duration_zh(match.expand(zh))
    return text


STAGE_LABELS = {"listing": "列表页", "detail": "详情页", "fetch": "抓取", "run": "采集进程", "skipped": "已跳过",
                "other": "其他"}


def reason_zh(message: str | None) -> str:
    """A harvester reason in Chinese (unknown ones keep their words, marked as the site's)."""
    text = " ".join((message or "").split())
    if not text:
        return ""
    for pattern, zh in _REASONS:
        match = pattern.match(text)
        if match:
            return match.expand(zh)
    if re.search(r"[\u4e00-\u9fff]", text):  # already Chinese (refusals written for editors)
        return text
    return f"其他错误：{text}"


def source_names(session: Session, ids: Iterable[str] | None = None) -> dict[str, str]:
    """``{source id: "柯城区人民政府 · 通知公告"}``: the unit's name and the columns it feeds."""
    columns = dict(session.execute(select(PortalColumn.id, PortalColumn.name)).all())
    query = select(Source.id, Source.columns, Unit.name).join(Unit, Unit.id == Source.unit_id)
    if ids is not None:
        query = query.where(Source.id.in_(list(ids)))
    names = {}
    for source_id, cols, unit_name in session.execute(query):
        ids_ = [c if isinstance(c, str) else (c or {}).get("id") for c in (cols or [])]
        shown = "、".join(columns.get(c, c) for c in ids_ if c)
        names[source_id] = f"{unit_name} · {shown}" if shown else unit_name
    return names


def unit_label(name: str | None, unit_id: str | None) -> str:
    """A unit's name once (never "柯城区人民政府（柯城区人民政府）")."""
    if name and unit_id and name != unit_id:
        return name
    return name or unit_id or ""


def source_label(source_id: str | None) -> str:
    """For templates: a source's Chinese name (unit · columns), read once per request."""
    if not source_id:
        return ""
    from flask import g

    from hub.db import db_session

    names = g.get("_source_names")
    if names is None:
        names = g._source_names = source_names(db_session())
    return names.get(source_id, source_id)
