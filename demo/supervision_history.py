"""Two past months of supervision for the demo federation, made once at its first start, so
监管 → 通报 → “生成<last month>通报” has something to report before the live checks have run
for a month: homepage probes every 6 hours for every unit, a week of failed probes for
常山县 at the end of last month (a veto: 不合格), a stale column at 开化县 (still open at
the month's end), and a dead link at 柯城区 that its reporter rectified and the next check
verified (the whole 整改·复核 cycle, by the same functions the hub and the checks use).

The rows say where they come from: evidence notes read “演示数据”.  From the first start on,
the scheduler's real checks of the demo sites write the current month.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from harvester.registry import Registry
from storage.models import User
from supervision import rectification
from supervision.findings import open_key
from supervision.models import Evidence, Finding, Probe

NOTE = "演示数据"


def _at(day: date, hour: int, tz: str) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ZoneInfo(tz)).astimezone(timezone.utc)


def seed(session: Session, registry: Registry, today: date | None = None) -> bool:
    """Add the history unless any probe exists (not the first start): True when added."""
    if session.scalar(select(func.count(Probe.id))):
        return False
    tz = registry.portal.timezone
    today = today or datetime.now(ZoneInfo(tz)).date()
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    start = (last_month - timedelta(days=1)).replace(day=1)
    units = {u.id: u for u in registry.units}
    rows = []
    day = start
    while day < this_month:
        for hour in (2, 8, 14, 20):
            for unit in units.values():
                down = unit.id == "changshan" and day >= this_month - timedelta(days=6)
                rows.append({"unit_id": unit.id, "checked_at": _at(day, hour, tz), "url": unit.homepage, "ok": not down,
                             "http_status": None if down else 200, "latency_ms": None if down else 180 + hour,
                             "error": "连接超时（15秒）" if down else None, "newest": None, "dated_links": 0})
        day += timedelta(days=1)
    session.execute(insert(Probe), rows)
    policy = registry.supervision
    if "changshan" in units:
        since = _at(this_month - timedelta(days=6), 8, tz)
        _finding(session, "changshan", "site_unreachable", "homepage", units["changshan"].homepage,
                 "首页无法访问：连接超时（15秒），近 7 天多次检查均失败", since, policy.rectify_days, tz,
                 closed=(_at(this_month, 2, tz), "首页已可访问"))
    if "kaihua" in units and units["kaihua"].sources:
        source = units["kaihua"].sources[0]
        _finding(session, "kaihua", "column_stale", source.id, source.url,
                 f"栏目 {source.id} 已 45 天未更新（限 14 天）", _at(last_month + timedelta(days=7), 9, tz),
                 policy.rectify_days, tz, source_id=source.id)
    if "kecheng" in units:
        reporter = session.scalar(select(User).where(User.username == "kecheng-reporter"))
        url = units["kecheng"].homepage.rstrip("/") + "/zt/2025hmzc/index.html"
        finding = _finding(session, "kecheng", "broken_link", f"homepage {url}", url,
                           f"首页链接“2025年惠民政策专题”不可用：HTTP 404（{url}）", _at(last_month + timedelta(days=11), 10, tz),
                           policy.rectify_days, tz, data={"scope": "homepage", "text": "2025年惠民政策专题"})
        if reporter is not None:
            rectification.rectify(session, finding, reporter, "已将专题链接改为新版专题页面地址",
                                  now=_at(last_month + timedelta(days=13), 16, tz))
            rectification.on_gone(session, finding, _at(last_month + timedelta(days=14), 8, tz), "链接已恢复可用")
    session.flush()
    return True


def _finding(session: Session, unit_id: str, kind: str, subject: str, url: str, detail: str, since: datetime,
             rectify_days: int, tz: str, closed: tuple[datetime, str] | None = None, source_id: str | None = None,
             data: dict | None = None) -> Finding:
    finding = Finding(unit_id=unit_id, kind=kind, subject=subject, source_id=source_id, url=url, detail=detail,
                      data=data or {}, since=since, last_seen=closed[0] if closed else since, status="open",
                      open_key=None if closed else open_key(unit_id, kind, subject))
    session.add(finding)
    session.flush()
    session.add(Evidence(finding_id=finding.id, role="first", fetched_at=since, url=url, method="GET",
                         http_status=404 if kind == "broken_link" else (None if kind == "site_unreachable" else 200),
                         error="连接超时" if kind == "site_unreachable" else None, note=NOTE))
    opened = since.astimezone(ZoneInfo(tz)).date()
    rectification.on_opened(session, finding, since, rectification.deadline_for(opened, rectify_days))
    if closed:
        finding.open_key = open_key(unit_id, kind, subject)
        rectification.on_gone(session, finding, closed[0], closed[1])
    return finding
