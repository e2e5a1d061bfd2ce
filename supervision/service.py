"""Supervision's entry points, shared by the CLI, the scheduler, the hub and the tests.

``check_units`` runs a unit's regular round; ``check_links`` its dead-link
round; ``check`` both.  The order of a round:

1. probe every homepage (hosts concurrently, each host politely; a site that
   hangs holds up only itself);
2. per unit, in short transactions: keep the probe, read each source's state
   (newest date, empty, broken) and append it when it changed;
3. fetch evidence pages where a finding opens (or its evidence is a day old),
   again concurrently by host;
4. open, refresh and close the unit's findings — homepage, columns, duties —
   each finding on its own, so a round killed midway leaves whole findings and
   the next round completes the rest.

The status (verdicts as of a date) is :func:`supervision.status.status`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harvestkit.dates import as_local
from harvester.extract import decode_body
from harvester.registry import Registry, UnitEntry, parse_duration
from supervision.checks import columns as column_check
from supervision.checks import duties as duty_check
from supervision.checks import homepage as homepage_check
from supervision.checks import links as link_check
from supervision.fetch import DEFAULT_USER_AGENT, Limits, fetch
from supervision.findings import Problem, Proof, close_unseen, open_key, see
from supervision.hosts import host_key, run_per_host
from supervision.models import Evidence, Finding, LinkState
from supervision import notify
from supervision.rectification import deadline_for

COLUMN_KINDS = ("column_stale", "column_empty", "harvest_broken")
EVIDENCE_EVERY = timedelta(days=1)  # a lasting column finding gets a fresh copy of the list page daily
LINK_RECHECK_SHARE = 0.9  # a daily link round re-checks links checked at least 0.9 days ago


@dataclass
class UnitReport:
    unit_id: str
    up: bool
    http_status: int | None
    latency_ms: int | None
    error: str | None
    homepage_newest: str | None = None
    columns: dict[str, str] = field(default_factory=dict)  # source id → state
    opened: list[dict] = field(default_factory=list)  # [{"id", "kind", "subject"}]
    closed: list[int] = field(default_factory=list)
    links_checked: int = 0
    links_dead: int = 0
    links_skipped: int = 0

    def as_json(self) -> dict:
        return dict(self.__dict__)


def limits_for(registry: Registry, url: str, timeout: float | None = None) -> Limits:
    return Limits(timeout=timeout or registry.supervision.homepage_checks.timeout,
                  user_agent=registry.portal.user_agent or DEFAULT_USER_AGENT,
                  delay=registry.harvest.host(host_key(url)).delay)


def _units(registry: Registry, unit_ids: list[str] | None) -> list[UnitEntry]:
    units = [u for u in registry.units if unit_ids is None or u.id in unit_ids]
    missing = set(unit_ids or []) - {u.id for u in units}
    if missing:
        raise KeyError(f"unknown unit id(s): {', '.join(sorted(missing))}")
    return units


def check(registry: Registry, sessions: sessionmaker[Session], unit_ids: list[str] | None = None,
          now: datetime | None = None, links: bool = True) -> list[UnitReport]:
    """Every check now: homepage probes, columns, duties, then dead links within the budget."""
    reports = check_units(registry, sessions, unit_ids, now)
    if links:
        by_unit = {r.unit_id: r for r in reports}
        for report in check_links(registry, sessions, unit_ids, now):
            mine = by_unit[report.unit_id]
            mine.opened += report.opened
            mine.closed += report.closed
            mine.links_checked, mine.links_dead, mine.links_skipped = report.links_checked, report.links_dead, report.links_skipped
    return reports


# -- the regular round: homepage, columns, duties ------------------------------------------------------
def check_units(registry: Registry, sessions: sessionmaker[Session], unit_ids: list[str] | None = None,
                now: datetime | None = None) -> list[UnitReport]:
    now = now or datetime.now(timezone.utc)
    tz = registry.portal.timezone
    today = as_local(now, tz).date()
    units = _units(registry, unit_ids)
    views = run_per_host([(host_key(u.homepage), lambda u=u: homepage_check.probe(u, limits_for(registry, u.homepage), today))
                          for u in units])
    plans = [_plan(registry, sessions, unit, view, now, today) for unit, view in zip(units, views)]
    _gather_evidence(registry, sessions, plans, now)
    reports = [_settle(sessions, plan, now) for plan in plans]
    notify.deliver(registry, sessions, [u.id for u in units], now)
    return reports


@dataclass
class _Plan:
    unit: UnitEntry
    view: homepage_check.HomepageView
    report: UnitReport
    problems: list[Problem] = field(default_factory=list)
    keep: dict[str, set[str]] = field(default_factory=dict)  # kind → subjects left as they are
    covered: dict[str, set[str] | None] = field(default_factory=dict)  # kind → subjects judged (None: all)
    broken: set[str] = field(default_factory=set)  # sources the harvester cannot read
    deadline: date | None = None  # 整改期限 of the findings this round opens


def _plan(registry: Registry, sessions: sessionmaker[Session], unit: UnitEntry, view: homepage_check.HomepageView,
          now: datetime, today: date) -> _Plan:
    f = view.fetched
    report = UnitReport(unit.id, view.up, f.status, f.elapsed_ms if f.answered else None,
                        None if view.up else (f.error or f"HTTP {f.status}"), view.newest)
    plan = _Plan(unit, view, report, deadline=deadline_for(today, registry.supervision.rectify_days))
    policy = registry.supervision
    names = {c.id: c.name for c in registry.columns}
    with sessions.begin() as session:
        session.add(homepage_check.probe_row(view, now))
        views = {s.id: column_check.view(session, unit.id, s, view.up, now, registry.portal.timezone) for s in unit.sources}
        for column in views.values():
            column_check.record(session, column, now)
    entries = {s.id: s for s in unit.sources}
    frozen = {sid for sid, c in views.items() if c.state in ("unreachable", "unread")}
    plan.broken = {sid for sid, c in views.items() if c.state == "broken"}
    report.columns = {sid: c.state for sid, c in views.items()}
    for sid, column in views.items():
        found = column_check.problem(column, entries[sid], names, policy, today)
        if found:
            plan.problems.append(found)
    for kind in COLUMN_KINDS:
        plan.keep[kind], plan.covered[kind] = frozen, None

    # the homepage: reachable, and showing something new
    plan.covered["site_unreachable"] = None
    plan.keep["site_unreachable"] = set()
    if not view.up:
        plan.problems.append(homepage_check.unreachable(unit, view, now))
        plan.keep["homepage_stale"], plan.covered["homepage_stale"] = {"homepage"}, None  # cannot tell: as it was
    elif view.newest is None and any(c.state == "unread" for c in views.values()):
        # a homepage without dated links is judged by its columns: not before all were read once
        plan.keep["homepage_stale"], plan.covered["homepage_stale"] = {"homepage"}, None
    else:
        from_columns = view.newest is None
        newest = view.newest or max((c.newest for c in views.values() if c.newest), default=None)
        stale = homepage_check.stale(unit, view, newest, from_columns, today,
                                     parse_duration(policy.homepage_stale_after).days, now)
        if stale:
            plan.problems.append(stale)
        plan.keep["homepage_stale"], plan.covered["homepage_stale"] = set(), None

    # duties, unless a source feeding the column cannot be read now (or was never read)
    unsure = plan.broken | {sid for sid, c in views.items() if c.state in ("unreachable", "unread")}
    plan.keep["duty_shortfall"], plan.covered["duty_shortfall"] = set(), None
    with sessions() as session:
        for duty in unit.duties:
            feeders = {s.id for s in unit.sources if duty.column in s.columns}
            if feeders & unsure:
                plan.keep["duty_shortfall"].add(duty_check.subject(duty))
                continue
            found = duty_check.problem(duty_check.delivery(session, unit.id, duty, today, registry.portal.timezone),
                                       names.get(duty.column, duty.column))
            if found:
                plan.problems.append(found)
    return plan


def _gather_evidence(registry: Registry, sessions: sessionmaker[Session], plans: list[_Plan], now: datetime) -> None:
    """Column findings get the list page as evidence when they open, then once a day."""
    wanted: list[tuple[Problem, str, bool]] = []
    with sessions() as session:
        for plan in plans:
            allow = {s.id: s.allow_private for s in plan.unit.sources}
            for problem in plan.problems:
                if problem.kind in COLUMN_KINDS and problem.proof is None and _evidence_due(session, problem, now):
                    wanted.append((problem, problem.url, allow.get(problem.source_id or "", False)))
    fetched = run_per_host([(host_key(url), lambda url=url, allow=allow: fetch(
        url, allow_private=allow, limits=limits_for(registry, url, timeout=30))) for _, url, allow in wanted])
    for (problem, _, _), got in zip(wanted, fetched):
        problem.proof = Proof.of(got, now, note="栏目列表页", keep_page=got.answered)


def _evidence_due(session: Session, problem: Problem, now: datetime) -> bool:
    finding = session.scalar(select(Finding.id).where(Finding.open_key == open_key(problem.unit_id, problem.kind, problem.subject)))
    if finding is None:
        return True
    last = session.scalar(select(Evidence.fetched_at).where(Evidence.finding_id == finding).order_by(Evidence.fetched_at.desc()).limit(1))
    return last is None or last <= now - EVIDENCE_EVERY


def _settle(sessions: sessionmaker[Session], plan: _Plan, now: datetime) -> UnitReport:
    report = plan.report
    seen: dict[str, set[str]] = {kind: set(keep) for kind, keep in plan.keep.items()}
    for problem in plan.problems:
        finding_id, opened = see(sessions, problem, now, plan.deadline)
        seen.setdefault(problem.kind, set()).add(problem.subject)
        if opened:
            report.opened.append({"id": finding_id, "kind": problem.kind, "subject": problem.subject})
    unit_id = plan.unit.id
    if plan.broken:  # the reader, not the unit: nothing can be said of these columns until it is fixed
        for kind in ("column_stale", "column_empty"):
            report.closed += close_unseen(sessions, unit_id, kind, set(), now,
                                          "采集异常，暂时无法判定该栏目（见“采集异常”问题）", covered=plan.broken)
    notes = {"site_unreachable": "首页已可访问", "homepage_stale": "首页已有新信息", "column_stale": "栏目已更新",
             "column_empty": "栏目已有信息", "harvest_broken": "采集已恢复正常", "duty_shortfall": "内容保障已达标"}
    for kind, keep in seen.items():
        report.closed += close_unseen(sessions, unit_id, kind, keep, now, notes.get(kind, "复查未再发现"),
                                      covered=plan.covered.get(kind))
    return report


# -- the dead-link round --------------------------------------------------------------------------------
def check_links(registry: Registry, sessions: sessionmaker[Session], unit_ids: list[str] | None = None,
                now: datetime | None = None) -> list[UnitReport]:
    """Dead links of each unit's homepage and of its published items' 原文链接, at most
    ``link_checks.per_run`` links per unit, hosts concurrently and politely."""
    now = now or datetime.now(timezone.utc)
    policy = registry.supervision.link_checks
    units = _units(registry, unit_ids)
    window = parse_duration(registry.harvest.revisit_window)
    homepages = run_per_host([(host_key(u.homepage), lambda u=u: fetch(
        u.homepage, allow_private=u.allow_private, limits=limits_for(registry, u.homepage))) for u in units])
    allow_source = {s.id: s.allow_private for _, s in registry.sources()}
    jobs, reports = [], []
    for unit, page in zip(units, homepages):
        report = UnitReport(unit.id, page.ok, page.status, page.elapsed_ms if page.answered else None,
                            None if page.ok else (page.error or f"HTTP {page.status}"))
        reports.append(report)
        with sessions.begin() as session:
            if page.ok:
                text = decode_body(page.body, page.content_type)[0]
                link_check.register(session, unit.id, "homepage",
                                    link_check.homepage_targets(unit.homepage, page.final_url, text, policy.external), now)
            link_check.register(session, unit.id, "item", link_check.item_targets(session, unit.id, now - window), now)
        with sessions() as session:
            # a homepage that did not answer keeps its links as they were listed last time
            listed_since = now if page.ok else now - parse_duration(policy.every) * 2
            due = link_check.due(session, unit.id, listed_since, policy.per_run,
                                 parse_duration(policy.every) * LINK_RECHECK_SHARE, now)
            due += _rectified_links(session, unit.id, {state.id for state in due})
            session.expunge_all()
        for state in due:
            allow = allow_source.get(state.source_id or "", False) if state.scope == "item" else unit.allow_private
            jobs.append((state, report, allow))
    round_ = link_check.Round()
    outcomes = run_per_host([(host_key(state.url), lambda state=state, allow=allow: link_check.check(
        state.url, allow, limits_for(registry, state.url), round_)) for state, _, allow in jobs])
    deadline = deadline_for(as_local(now, registry.portal.timezone).date(), registry.supervision.rectify_days)
    for (state, report, _), outcome in zip(jobs, outcomes):
        _record_link(sessions, state, outcome, report, now, deadline)
    for unit, page, report in zip(units, homepages, reports):
        _close_unlisted(sessions, unit.id, page.ok, now, report)
    notify.deliver(registry, sessions, [u.id for u in units], now)
    return reports


def _rectified_links(session: Session, unit_id: str, already: set[int]) -> list[LinkState]:
    """Links the unit reported fixed (整改) are re-checked in the next round, outside the budget."""
    subjects = set(session.scalars(select(Finding.subject).where(
        Finding.unit_id == unit_id, Finding.kind == "broken_link", Finding.status == "rectified")))
    if not subjects:
        return []
    rows = session.scalars(select(LinkState).where(LinkState.unit_id == unit_id))
    return [row for row in rows if row.id not in already and link_check.subject(row.scope, row.url) in subjects]


def _record_link(sessions: sessionmaker[Session], state: LinkState, outcome: link_check.Outcome, report: UnitReport,
                 now: datetime, deadline: date | None = None) -> None:
    report.links_checked += outcome.state != "skipped"
    report.links_skipped += outcome.state == "skipped"
    with sessions.begin() as session:
        row = session.get(LinkState, state.id)
        if row is None:
            return
        dead = link_check.apply(row, outcome, now) if outcome.state != "skipped" else row.dead
        session.flush()
        session.expunge(row)
    subject = link_check.subject(row.scope, row.url)
    if dead:
        report.links_dead += 1
        finding_id, opened = see(sessions, link_check.problem(row, outcome, now), now, deadline)
        if opened:
            report.opened.append({"id": finding_id, "kind": "broken_link", "subject": subject})
    elif outcome.state == "alive":
        report.closed += close_unseen(sessions, row.unit_id, "broken_link", set(), now, "链接已恢复可用", covered={subject})


def _close_unlisted(sessions: sessionmaker[Session], unit_id: str, homepage_read: bool, now: datetime,
                    report: UnitReport) -> None:
    """Links no longer where they were found (removed from the homepage, item no longer published) are no problem."""
    with sessions() as session:
        listed = {link_check.subject(scope, url) for scope, url in session.execute(
            select(LinkState.scope, LinkState.url).where(LinkState.unit_id == unit_id, LinkState.listed_at >= now))}
        if not homepage_read:  # the homepage's links could not be listed this time: leave them
            listed |= {link_check.subject("homepage", url) for (url,) in session.execute(
                select(LinkState.url).where(LinkState.unit_id == unit_id, LinkState.scope == "homepage"))}
    report.closed += close_unseen(sessions, unit_id, "broken_link", listed, now, "链接已不在原处（已从首页移除或信息已撤下）")
