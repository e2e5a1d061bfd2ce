"""Homepage availability and freshness (首页可用性, 首页不更新).

A probe is a GET of the unit's homepage within the registry's timeout (15 s:
"超过15秒仍打不开"); one that fails is tried once more a moment later, so a
dropped packet is not a failure.  Every probe is kept (status, latency, error),
which the 7-day veto and the availability chart read.  The homepage's
freshness is the newest date among its dated article links; a homepage that is
only a navigation entry shows none, and then its columns' newest date counts
(如首页仅为栏目导航入口，则检查二级页面栏目的更新情况).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime

from harvester.extract import decode_body
from harvester.registry import UnitEntry
from supervision import pages
from supervision.fetch import Fetched, Limits, fetch
from supervision.findings import Problem, Proof
from supervision.models import Probe

RETRY_AFTER_SECONDS = 1.0


@dataclass
class HomepageView:
    unit_id: str
    fetched: Fetched
    newest: str | None  # from the homepage's dated links
    dated_links: int
    text: str = ""  # the decoded page (for its links)

    @property
    def up(self) -> bool:
        return self.fetched.ok


def probe(unit: UnitEntry, limits: Limits, today: date) -> HomepageView:
    fetched = fetch(unit.homepage, allow_private=unit.allow_private, limits=limits)
    if not fetched.ok and (fetched.status is None or fetched.status >= 500):
        time.sleep(RETRY_AFTER_SECONDS)
        fetched = fetch(unit.homepage, allow_private=unit.allow_private, limits=limits)
    if not fetched.ok:
        return HomepageView(unit.id, fetched, None, 0)
    text, _ = decode_body(fetched.body, fetched.content_type)
    dates = pages.dated_links(pages.parse(text, fetched.final_url), today)
    return HomepageView(unit.id, fetched, max(dates) if dates else None, len(dates), text)


def probe_row(view: HomepageView, at: datetime) -> Probe:
    f = view.fetched
    return Probe(unit_id=view.unit_id, checked_at=at, url=f.url[:2000], ok=f.ok, http_status=f.status,
                 latency_ms=f.elapsed_ms if f.answered else None, error=_failure(f), newest=view.newest,
                 dated_links=view.dated_links)


def _failure(f: Fetched) -> str | None:
    if f.ok:
        return None
    return f.error or f"HTTP {f.status}"


def unreachable(unit: UnitEntry, view: HomepageView, at: datetime) -> Problem:
    reason = _failure(view.fetched)
    return Problem(unit.id, "site_unreachable", "homepage", f"首页无法访问：{reason}（{unit.homepage}）",
                   url=unit.homepage, data={"error": reason, "http_status": view.fetched.status},
                   proof=Proof.of(view.fetched, at, note=reason or "", keep_page=view.fetched.answered))


def stale(unit: UnitEntry, view: HomepageView, newest: str | None, from_columns: bool, today: date,
          limit_days: int, at: datetime) -> Problem | None:
    """homepage_stale when the newest date shown is older than ``limit_days`` (or there is none)."""
    if newest is None:
        detail = "首页没有注明发布日期的信息（未注明发布时间的视为不更新）"
        days = None
    else:
        days = (today - date.fromisoformat(newest)).days
        if days <= limit_days:
            return None
        where = "各栏目" if from_columns else "首页"
        detail = f"{where}最新信息发布于 {newest}，已 {days} 天未更新（要求 {limit_days} 天内更新）"
    note = "首页仅为栏目导航入口，按栏目最新信息判断" if from_columns else f"首页带日期的信息 {view.dated_links} 条"
    return Problem(unit.id, "homepage_stale", "homepage", detail, url=unit.homepage,
                   data={"newest": newest, "days": days, "limit_days": limit_days, "from_columns": from_columns},
                   proof=Proof.of(view.fetched, at, note=note, keep_page=True))
