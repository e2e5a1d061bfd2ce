"""整改 in the real hub and over the API: a reporter sees their unit's findings at /mine and
reports one fixed (with an attachment), never another unit's whatever id they try; editors
filter every finding, set deadlines and comment; CSRF on every form; every step in the audit
log; the API lists, shows (with history) and rectifies.  通报: generate, list, download
every format, preview under its own CSP."""
from __future__ import annotations

import io
import re
from datetime import date, datetime, timedelta, timezone

import pytest
from docx import Document
from sqlalchemy import select

from hub.db import new_session
from storage.models import AuditEntry
from supervision.models import Finding, FindingEvent, Probe, Report
from tests.hub.conftest import csrf_from
from tests.hub.test_api import bearer, give_token

NOW = datetime.now(timezone.utc)


@pytest.fixture
def tickets(app):
    with new_session(app) as s:
        mine = Finding(unit_id="kecheng", kind="column_stale", subject="kecheng-notices", source_id="kecheng-notices",
                       url="http://kc.example/tzgg/", detail="栏目 kecheng-notices（通知公告） 已 40 天未更新",
                       since=NOW - timedelta(days=6), last_seen=NOW, open_key="k1", deadline=date.today() + timedelta(days=7))
        late = Finding(unit_id="kecheng", kind="broken_link", subject="homepage http://kc.example/zt/", url="http://kc.example/zt/",
                       detail="首页链接“专题”不可用", data={"scope": "homepage"}, since=NOW - timedelta(days=30), last_seen=NOW,
                       open_key="k2", deadline=date(2026, 1, 5))
        theirs = Finding(unit_id="jiangshan", kind="site_unreachable", subject="homepage", url="http://js.example/",
                         detail="首页无法访问：连接超时", since=NOW - timedelta(days=2), last_seen=NOW, open_key="j1",
                         deadline=date.today() + timedelta(days=7))
        s.add_all([mine, late, theirs])
        for hour in range(0, 48, 2):
            s.add(Probe(unit_id="kecheng", checked_at=NOW - timedelta(hours=hour), url="http://kc.example/", ok=True, http_status=200))
            s.add(Probe(unit_id="jiangshan", checked_at=NOW - timedelta(hours=hour), url="http://js.example/", ok=False,
                        error="连接超时"))
        s.commit()
        return {"mine": mine.id, "late": late.id, "theirs": theirs.id}


def test_a_reporter_rectifies_their_own_findings_only(reporter, tickets, app):
    page = reporter.get("/hub/supervision/mine").get_data(as_text=True)
    assert f"#{tickets['mine']}" in page and f"#{tickets['late']}" in page and f"#{tickets['theirs']}" not in page
    assert "已逾期" in page  # the late one is past its deadline
    overdue = reporter.get("/hub/supervision/mine?status=overdue").get_data(as_text=True)
    assert f"#{tickets['late']}" in overdue and f"#{tickets['mine']}" not in overdue

    token = csrf_from(reporter, f"/hub/supervision/findings/{tickets['mine']}")
    assert reporter.post(f"/hub/supervision/findings/{tickets['mine']}/rectify", data={"note": "已更新"}).status_code == 400  # no CSRF
    response = reporter.post(f"/hub/supervision/findings/{tickets['mine']}/rectify",
                             data={"note": "已补发三条通知公告", "csrf_token": token,
                                   "attachment": (io.BytesIO(b"%PDF-1.4 proof"), "截图.pdf", "application/pdf")},
                             content_type="multipart/form-data")
    assert response.status_code == 303
    page = reporter.get(f"/hub/supervision/findings/{tickets['mine']}").get_data(as_text=True)
    assert "已整改待复核" in page and "已补发三条通知公告" in page and "附件：截图.pdf" in page
    link = re.search(r'href="(/hub/supervision/findings/\d+/events/\d+/attachment)"', page).group(1)
    got = reporter.get(link)
    assert got.data == b"%PDF-1.4 proof" and got.headers["Content-Disposition"].startswith("attachment")

    # another unit's finding, by guessing its id: refused everywhere, nothing changes
    assert reporter.get(f"/hub/supervision/findings/{tickets['theirs']}").status_code == 403
    assert reporter.post(f"/hub/supervision/findings/{tickets['theirs']}/rectify",
                         data={"note": "不是我的", "csrf_token": token}).status_code == 403
    assert reporter.post("/hub/supervision/findings/999999/rectify", data={"note": "x", "csrf_token": token}).status_code == 404
    assert reporter.post(f"/hub/supervision/findings/{tickets['mine']}/deadline",
                         data={"deadline": "2030-01-01", "csrf_token": token}).status_code == 403
    assert reporter.get("/hub/supervision/findings").status_code == 403
    with new_session(app) as s:
        assert s.get(Finding, tickets["theirs"]).status == "open"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "finding_rectify")).one()
        assert entry.username == "reporter" and entry.after["finding"] == tickets["mine"]


def test_editors_filter_set_deadlines_and_comment(editor, tickets, app):
    everything = editor.get("/hub/supervision/findings").get_data(as_text=True)
    assert all(f"#{tickets[k]}" in everything for k in tickets)
    only = editor.get("/hub/supervision/findings?unit=jiangshan&kind=site_unreachable&status=open").get_data(as_text=True)
    assert f"#{tickets['theirs']}" in only and f"#{tickets['mine']}" not in only
    assert editor.get("/hub/supervision/mine").status_code == 302  # the office's list is /findings
    token = csrf_from(editor, f"/hub/supervision/findings/{tickets['late']}")
    assert editor.post(f"/hub/supervision/findings/{tickets['late']}/deadline",
                       data={"deadline": "2030-06-30", "note": "延期至年中", "csrf_token": token}).status_code == 303
    assert editor.post(f"/hub/supervision/findings/{tickets['late']}/comment",
                       data={"note": "已电话提醒", "csrf_token": token}).status_code == 303
    assert editor.post(f"/hub/supervision/findings/{tickets['late']}/comment", data={"note": "无令牌"}).status_code == 400
    page = editor.get(f"/hub/supervision/findings/{tickets['late']}").get_data(as_text=True)
    assert "2030-06-30" in page and "已电话提醒" in page and "调整期限" in page
    with new_session(app) as s:
        assert s.get(Finding, tickets["late"]).deadline == date(2030, 6, 30)
        actions = [a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.action.like("finding_%")))]
        assert actions == ["finding_deadline", "finding_comment"]


def test_the_api_lists_shows_and_rectifies(client, app, tickets):
    editor_h, reporter_h = bearer(give_token(app, "editor")), bearer(give_token(app, "reporter"))
    listing = client.get("/api/v1/supervision/findings?status=overdue", headers=editor_h).get_json()
    assert [f["id"] for f in listing["items"]] == [tickets["late"]] and listing["items"][0]["overdue"] is True
    own = client.get("/api/v1/supervision/findings", headers=reporter_h).get_json()
    assert {f["unit_id"] for f in own["items"]} == {"kecheng"}

    detail = client.get(f"/api/v1/supervision/findings/{tickets['mine']}", headers=reporter_h).get_json()
    assert {"id", "unit_id", "kind", "source_id", "url", "detail", "status", "since", "deadline", "history"} <= set(detail)
    assert client.get(f"/api/v1/supervision/findings/{tickets['theirs']}", headers=reporter_h).status_code == 403
    assert client.get("/api/v1/supervision/findings/999999", headers=reporter_h).status_code == 404
    assert client.post(f"/api/v1/supervision/findings/{tickets['theirs']}/rectify", headers=reporter_h,
                       json={"note": "猜的编号"}).status_code == 403
    assert client.post(f"/api/v1/supervision/findings/{tickets['mine']}/rectify", headers=reporter_h, json={}).status_code == 400
    done = client.post(f"/api/v1/supervision/findings/{tickets['mine']}/rectify", headers=reporter_h, json={"note": "已更新栏目"})
    assert done.status_code == 200 and done.get_json()["status"] == "rectified"
    assert [h["action"] for h in done.get_json()["history"]] == ["rectify"]
    again = client.post(f"/api/v1/supervision/findings/{tickets['mine']}/rectify", headers=reporter_h, json={"note": "再报"})
    assert again.status_code == 409
    assert client.post(f"/api/v1/supervision/findings/{tickets['theirs']}/rectify", headers=editor_h,
                       json={"note": "门户办公室代为报告"}).status_code == 200
    with new_session(app) as s:
        assert s.scalars(select(FindingEvent).where(FindingEvent.finding_id == tickets["mine"])).one().username == "reporter"


def test_reports_page_generates_lists_downloads_and_previews(editor, reporter, tickets, app):
    assert reporter.get("/hub/supervision/reports").status_code == 403
    page = editor.get("/hub/supervision/reports").get_data(as_text=True)
    button = re.search(r"生成(\d{4})年(\d{1,2})月通报", page)
    assert button
    token = csrf_from(editor, "/hub/supervision/reports")
    month = f"{NOW.year:04d}-{NOW.month:02d}"
    assert editor.post("/hub/supervision/reports", data={"kind": "monthly", "period": month}).status_code == 400  # CSRF
    made = editor.post("/hub/supervision/reports", data={"kind": "monthly", "period": month, "csrf_token": token})
    assert made.status_code == 303
    shown = editor.get(made.headers["Location"])
    body = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "<svg" in body and "江山" in body and "unsafe-inline" not in shown.headers["Content-Security-Policy"]
    assert not re.search(r"\sstyle=", body) and "<script" not in body
    report_id = int(re.search(r"/reports/(\d+)", made.headers["Location"]).group(1))
    docx = editor.get(f"/hub/supervision/reports/{report_id}/download.docx")
    assert docx.status_code == 200 and "filename*=UTF-8''" in docx.headers["Content-Disposition"]
    doc = Document(io.BytesIO(docx.data))
    cells = "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "不合格" in cells and doc.inline_shapes
    for fmt, magic in (("pdf", b"%PDF"), ("xlsx", b"PK")):
        assert editor.get(f"/hub/supervision/reports/{report_id}/download.{fmt}").data.startswith(magic)
    preview = editor.get(f"/hub/supervision/reports/{report_id}/preview")
    assert "sandbox" in preview.headers["Content-Security-Policy"] and "script-src" not in preview.headers["Content-Security-Policy"]
    assert "附件：问题清单" in preview.get_data(as_text=True)
    assert editor.get(f"/hub/supervision/reports/{report_id}/download.exe").status_code == 404
    listing = editor.get("/hub/supervision/reports").get_data(as_text=True)
    assert f"/hub/supervision/reports/{report_id}/download.pdf" in listing

    # kept with its data: a later change in the database does not change the report
    with new_session(app) as s:
        s.get(Finding, tickets["theirs"]).detail = "改过的描述"
        s.commit()
        kept = s.get(Report, report_id)
        assert kept.params["period"] == month and all(f["detail"] != "改过的描述" for f in kept.data["findings"])
    bad = editor.post("/hub/supervision/reports", data={"kind": "monthly", "period": "2999-01", "csrf_token": token},
                      follow_redirects=True)
    assert "尚未开始" in bad.get_data(as_text=True)
