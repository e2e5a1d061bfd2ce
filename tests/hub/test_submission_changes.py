"""信息报送 (issue 18): Word's clipboard HTML comes out clean through the server's nh3
sanitizer; a reporter edits or withdraws a pending submission of their own unit only,
with CSRF, audited; the column checkboxes carry their labels."""
from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select

from hub.db import new_session
from storage.models import AuditEntry, Item
from tests.hub.conftest import csrf_from, logged_in
from tests.hub.test_submissions import add_reporter, review, submission_ids, submit

WORD = (Path(__file__).parents[1] / "fixtures" / "paste" / "word-clipboard.html").read_text(encoding="utf-8")


def _body(app, item_id: int) -> str:
    with new_session(app) as s:
        return s.get(Item, item_id).body_html


def test_word_clipboard_html_is_stored_clean(app, reporter):
    assert submit(reporter, title="冬季安全生产", body=WORD).status_code == 303
    [item_id] = submission_ids(app)
    body = _body(app, item_id)
    for office in ("mso-", "MsoNormal", "<o:p", "style=", "class=", "<span", "<!--", "font-family", "supportLists",
                   "<meta", "<xml"):
        assert office not in body, office
    for kept in ("关于做好冬季安全生产工作的通知", "各乡镇（街道）、区级各部门：", "开展隐患排查", "0570-1234567",
                 "<table", "完成时限"):
        assert kept in body, kept


def test_reporter_edits_and_withdraws_a_pending_submission(app, reporter):
    submit(reporter, title="原标题的通知", body="<p>原来的正文内容。</p>")
    [item_id] = submission_ids(app)
    show = reporter.get(f"/hub/submissions/{item_id}").get_data(as_text=True)
    assert "修改这条报送" in show and "撤回报送" in show
    form = reporter.get(f"/hub/submissions/{item_id}/edit").get_data(as_text=True)
    assert 'data-rich-editor' in form and "原来的正文内容" in form
    # Each column checkbox has its own label, bound by id.
    for column_id in ("notices", "news"):
        assert re.search(rf'<input type="checkbox" id="s-col-{column_id}"[^>]*>\s*<label for="s-col-{column_id}">', form)
    edit = f"/hub/submissions/{item_id}/edit"
    assert reporter.post(edit, data={"title": "x", "body_html": "<p>y</p>", "columns": ["news"]}).status_code == 400
    r = reporter.post(edit, data={"csrf_token": csrf_from(reporter, edit), "title": "改过的标题的通知",
                                  "body_html": "<p>新的正文<script>alert(1)</script></p>", "columns": ["news"]})
    assert r.status_code == 303
    with new_session(app) as s:
        item = s.get(Item, item_id)
        assert item.title == "改过的标题的通知" and "<script" not in item.body_html and "新的正文" in item.body_html
        assert [c.column_id for c in item.columns] == ["news"] and item.status == "pending"
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "submission_edit")).one()
        assert entry.before["title"] == "原标题的通知" and entry.after["title"] == "改过的标题的通知"
    r = reporter.post(f"/hub/submissions/{item_id}/withdraw",
                      data={"csrf_token": csrf_from(reporter, f"/hub/submissions/{item_id}"), "reason": "重复报送"})
    assert r.status_code == 303
    with new_session(app) as s:
        item = s.get(Item, item_id)
        assert item.status == "withdrawn" and "重复报送" in item.status_reason
        assert s.scalars(select(AuditEntry).where(AuditEntry.action == "submission_withdraw")).one().username == "reporter"
    # No longer pending: neither edit nor withdraw.
    assert reporter.get(edit).status_code == 409
    history = reporter.get(f"/hub/submissions/{item_id}").get_data(as_text=True)
    assert "修改" in history and "撤回" in history and "修改这条报送" not in history


def test_only_the_units_reporters_and_only_while_pending(app, reporter):
    submit(reporter, title="柯城区的报送", body="<p>正文</p>")
    [item_id] = submission_ids(app)
    add_reporter(app, "js.reporter", "jiangshan")
    other = logged_in(app, "js.reporter")
    assert other.get(f"/hub/submissions/{item_id}/edit").status_code == 404
    token = csrf_from(other, "/hub/submissions/")
    assert other.post(f"/hub/submissions/{item_id}/withdraw", data={"csrf_token": token}).status_code == 404
    editor = logged_in(app, "editor")
    assert editor.get(f"/hub/submissions/{item_id}/edit").status_code == 403
    review(app, item_id, "publish")
    assert reporter.get(f"/hub/submissions/{item_id}/edit").status_code == 409
    token = csrf_from(reporter, f"/hub/submissions/{item_id}")
    assert reporter.post(f"/hub/submissions/{item_id}/withdraw", data={"csrf_token": token}).status_code == 409
