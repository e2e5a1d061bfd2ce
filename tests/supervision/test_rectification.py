"""The rectification cycle (整改·复核) against a loopback site, on SQLite and PostgreSQL:
a check opens findings with deadlines; the unit reports two fixed; ``zhanqun supervise
check --unit`` re-checks at once: the link the unit really fixed is 复核通过 (verified),
the one it did not is 复核未通过 (reopened) with the new evidence; a problem that goes
away unreported is closed; every step is in the finding's history and in the audit log."""
from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from interaction.calendar import workdays_between
from storage.models import AuditEntry, User
from supervision import rectification, service
from supervision.models import Finding, FindingEvent
from tests.sitekit import HTML, Site
from tests.supervision.federation import prepared

ROOT = Path(__file__).resolve().parents[2]
PAGE = (200, HTML, "<html><head><meta charset='utf-8'><title>专题</title></head><body><h1>专题</h1>"
                   "<p>本专题介绍惠民政策。</p></body></html>".encode("utf-8"))
MISSING = (404, HTML, b"<html><body>404 Not Found</body></html>")


def homepage() -> bytes:
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    return ("<html><head><meta charset='utf-8'><title>整改单位</title></head><body><ul>"
            f"<li><a href='/news/1.html'>今日要闻</a><span>{today}</span></li>"
            "<li><a href='/zt/fixed.html'>专题：惠民政策解读</a></li>"
            "<li><a href='/zt/still.html'>专题：营商环境</a></li>"
            "<li><a href='/zt/flaky.html'>专题：乡村振兴</a></li></ul></body></html>").encode("utf-8")


def write_registry(site: Site, path: Path) -> Path:
    path.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\nharvest: {per_host: {concurrency: 1, delay: 0}}\n"
        "supervision: {link_checks: {external: false}, rectify_days: 5}\ncolumns:\n  - {id: xw, name: 新闻}\n"
        f"units:\n  - id: zg\n    name: 整改单位\n    kind: department\n    homepage: {site.url}/\n    allow_private: true\n",
        encoding="utf-8")
    return path


@pytest.fixture
def world(tmp_path, db_url):
    site = Site({"/": (200, HTML, homepage()), "/news/1.html": PAGE, "/zt/fixed.html": MISSING,
                 "/zt/still.html": MISSING, "/zt/flaky.html": MISSING})
    path = write_registry(site, tmp_path / "registry.yaml")
    registry, sessions, engine = prepared(path, db_url)
    with sessions.begin() as s:
        s.add(User(username="zg-reporter", password_hash="x", role="reporter", unit_id="zg"))
    yield site, registry, sessions, path
    engine.dispose()
    site.stop()


def by_path(sessions) -> dict[str, Finding]:
    with sessions() as s:
        rows = s.scalars(select(Finding).where(Finding.kind == "broken_link"))
        return {f.url.rsplit("/", 1)[-1]: f for f in rows}


def test_fixed_is_verified_not_fixed_is_reopened(world, db_url):
    site, registry, sessions, path = world
    service.check(registry, sessions, ["zg"])
    found = by_path(sessions)
    assert set(found) == {"fixed.html", "still.html", "flaky.html"}
    assert all(f.status == "open" for f in found.values())
    opened = found["fixed.html"].since.astimezone(timezone(timedelta(hours=8))).date()
    assert workdays_between(opened, found["fixed.html"].deadline) == 5  # 5 working days by the Chinese calendar

    # the unit reports two of them fixed; it really fixes one, and the third fixes itself unreported
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == "zg-reporter"))
        for name in ("fixed.html", "still.html"):
            rectification.rectify(s, s.get(Finding, found[name].id), user, f"已修复{name}链接")
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == "zg-reporter"))
        with pytest.raises(rectification.RectifyError):  # twice is refused: it waits for the re-check
            rectification.rectify(s, s.get(Finding, found["fixed.html"].id), user, "再报一次")
    site.routes["/zt/fixed.html"] = PAGE
    site.routes["/zt/flaky.html"] = PAGE

    proc = subprocess.run([sys.executable, "-m", "cli.main", "supervise", "check", "--unit", "zg", "--registry", str(path),
                           "--db", db_url, "--no-watched"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]

    found = by_path(sessions)
    assert found["fixed.html"].status == "verified" and found["fixed.html"].closed_at is not None
    assert found["still.html"].status == "reopened" and found["still.html"].open_key is not None
    assert found["flaky.html"].status == "closed"
    with sessions() as s:
        steps = {name: [(e.action, e.status_to, e.username) for e in s.scalars(
            select(FindingEvent).where(FindingEvent.finding_id == f.id).order_by(FindingEvent.id))] for name, f in found.items()}
        assert steps["fixed.html"] == [("open", "open", "system"), ("rectify", "rectified", "zg-reporter"),
                                       ("verify", "verified", "system")]
        assert steps["still.html"] == [("open", "open", "system"), ("rectify", "rectified", "zg-reporter"),
                                       ("reopen", "reopened", "system")]
        assert steps["flaky.html"] == [("open", "open", "system"), ("close", "closed", "system")]
        reopen = s.scalar(select(FindingEvent).where(FindingEvent.finding_id == found["still.html"].id,
                                                     FindingEvent.action == "reopen"))
        assert reopen.data["evidence"]["http_status"] == 404
        audit = [(a.action, a.username, a.after["finding"]) for a in s.scalars(
            select(AuditEntry).where(AuditEntry.action.like("finding_%")).order_by(AuditEntry.id))]
        assert ("finding_rectify", "zg-reporter", found["still.html"].id) in audit
        assert ("finding_verify", "system", found["fixed.html"].id) in audit
        assert ("finding_reopen", "system", found["still.html"].id) in audit
        assert len(audit) == 8

    # reopened: the unit can rectify again; this time it is fixed for real
    with sessions.begin() as s:
        user = s.scalar(select(User).where(User.username == "zg-reporter"))
        rectification.rectify(s, s.get(Finding, found["still.html"].id), user, "已将专题链接改到新地址")
    site.routes["/zt/still.html"] = PAGE
    service.check(registry, sessions, ["zg"])
    assert by_path(sessions)["still.html"].status == "verified"


def test_overdue_is_derived_from_the_deadline(world):
    site, registry, sessions, _ = world
    service.check(registry, sessions, ["zg"], links=True)
    with sessions.begin() as s:
        finding = s.scalars(select(Finding).where(Finding.kind == "broken_link")).first()
        deadline = finding.deadline
        assert rectification.shown_status(finding, deadline) == "open"
        assert rectification.shown_status(finding, deadline + timedelta(days=1)) == "overdue"
        user = s.scalar(select(User).where(User.username == "zg-reporter"))
        rectification.set_deadline(s, finding, user, date(2020, 1, 1), "测试")
        overdue = s.scalars(select(Finding).where(rectification.status_filter("overdue", deadline))).all()
        assert [f.id for f in overdue] == [finding.id]
