"""The review queue: roles, display, actions and their audit entries."""
from __future__ import annotations

from sqlalchemy import select

from hub.db import new_session
from storage.models import AuditEntry, Item
from tests.hub.conftest import csrf_from


def post_action(client, item_id, action, **data):
    token = csrf_from(client, f"/review/items/{item_id}")
    return client.post(f"/review/items/{item_id}/{action}", data={"csrf_token": token, **data})


def test_anonymous_is_redirected_and_sees_no_title(client, app):
    item = app.seeded["pending"]
    for path in ("/review/", f"/review/items/{item}", "/audit/", "/hub/"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]
        assert "秘密待审" not in response.get_data(as_text=True)
    response = client.get(f"/review/items/{item}", follow_redirects=True)
    assert "秘密待审" not in response.get_data(as_text=True)
    assert client.post(f"/review/items/{item}/publish", data={"csrf_token": csrf_from(client)}).status_code == 302


def test_reporter_is_forbidden(reporter, app):
    item = app.seeded["pending"]
    assert reporter.get("/review/").status_code == 403
    assert reporter.get(f"/review/items/{item}").status_code == 403
    token = csrf_from(reporter, "/login")
    response = reporter.post(f"/review/items/{item}/publish", data={"csrf_token": token})
    assert response.status_code == 403
    with new_session(app) as s:
        assert s.get(Item, item).status == "pending"
        assert s.scalars(select(AuditEntry)).all() == []


def test_queue_lists_pending_with_filters(editor, app):
    html = editor.get("/review/").get_data(as_text=True)
    assert "关于秘密待审通知的公告" in html
    assert "江山市政务动态" not in html  # published, not in the default (pending) view
    assert "柯城区人民政府" in html and "柯城区办公室" in html
    assert "2026-11-21 00:30" in html  # Asia/Shanghai
    assert "date-mismatch" in html
    html = editor.get("/review/?status=published").get_data(as_text=True)
    assert "江山市政务动态" in html and "秘密待审" not in html
    assert "秘密待审" in editor.get("/review/?status=all&unit=kecheng").get_data(as_text=True)
    assert "秘密待审" not in editor.get("/review/?status=all&unit=jiangshan").get_data(as_text=True)
    assert "秘密待审" in editor.get("/review/?column=notices").get_data(as_text=True)
    assert "秘密待审" not in editor.get("/review/?column=news").get_data(as_text=True)
    assert "秘密待审" in editor.get("/review/?source=jiangshan-news").get_data(as_text=True)
    assert "秘密待审" not in editor.get("/review/?source=nope").get_data(as_text=True)


def test_pagination(editor, app):
    app.config["PAGE_SIZE"] = 1
    html = editor.get("/review/?status=all").get_data(as_text=True)
    assert "第 1 / 2 页" in html and "下一页" in html
    assert "第 2 / 2 页" in editor.get("/review/?status=all&page=2").get_data(as_text=True)


def test_item_page(editor, app):
    html = editor.get(f"/review/items/{app.seeded['pending']}").get_data(as_text=True)
    assert "关于秘密待审通知的公告" in html
    assert '<a href="http://kc.example/tzgg/1.html" rel="noopener noreferrer">' in html
    assert "http://js.example/news/repost-1.html" in html  # every source URL
    assert "附件一.pdf" in html
    assert "<p>正文<strong>内容</strong></p>" in html  # sanitized body rendered as HTML
    for label in ("发布时间", "来源", "原文链接", "栏目", "通知公告"):
        assert label in html
    assert editor.get("/review/items/99999").status_code == 404


def test_title_is_escaped(editor, app):
    with new_session(app) as s:
        item = s.get(Item, app.seeded["pending"])
        item.title = "<script>alert(1)</script>"
        s.commit()
    html = editor.get(f"/review/items/{app.seeded['pending']}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def audit_entries(app):
    with new_session(app) as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()


def test_publish_reject_unpublish_write_audit(editor, app):
    item = app.seeded["pending"]
    assert post_action(editor, item, "publish").status_code == 303
    response = post_action(editor, item, "reject")  # reason required
    assert response.status_code == 303
    assert "退回时必须填写原因" in editor.get(response.headers["Location"]).get_data(as_text=True)
    assert post_action(editor, item, "reject", reason="   ").status_code == 303
    with new_session(app) as s:
        assert s.get(Item, item).status == "published"
    assert post_action(editor, item, "unpublish").status_code == 303
    assert post_action(editor, item, "reject", reason="标题有误").status_code == 303
    with new_session(app) as s:
        assert s.get(Item, item).status == "rejected"
    entries = audit_entries(app)
    assert [e.action for e in entries] == ["publish", "unpublish", "reject"]
    assert all(e.username == "editor" and e.item_id == item and e.created_at for e in entries)
    assert entries[0].before["status"] == "pending" and entries[0].after["status"] == "published"
    assert entries[1].before["status"] == "published" and entries[1].after["status"] == "withdrawn"
    assert entries[2].before == {"status": "withdrawn"} and entries[2].after == {"status": "rejected", "reason": "标题有误"}


def test_invalid_transition_changes_nothing(editor, app):
    item = app.seeded["pending"]
    assert post_action(editor, item, "unpublish").status_code == 303
    with new_session(app) as s:
        assert s.get(Item, item).status == "pending"
    assert audit_entries(app) == []
    assert post_action(editor, item, "delete").status_code == 404


USER_CELL = '<td data-label="用户">{}</td>'  # the audit table's 用户 cell


def test_audit_for_admins_only(admin, editor, app):
    assert editor.get("/audit/").status_code == 403
    post_action(editor, app.seeded["pending"], "publish")
    post_action(admin, app.seeded["published"], "unpublish")
    html = admin.get("/audit/").get_data(as_text=True)
    assert html.index("boss") < html.index(USER_CELL.format("editor"))  # newest first
    filtered = admin.get("/audit/?user=editor").get_data(as_text=True)
    assert USER_CELL.format("editor") in filtered and USER_CELL.format("boss") not in filtered
    assert USER_CELL.format("boss") in admin.get("/audit/?action=unpublish").get_data(as_text=True)
    assert USER_CELL.format("boss") not in admin.get("/audit/?action=publish").get_data(as_text=True)
    # No route deletes audit entries.
    rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule]
    assert all("DELETE" not in r.methods and "POST" not in r.methods for r in rules)


def test_publish_on_postgresql(pg_url):
    from hub import create_app
    from hub.db import EXTENSION
    from tests.hub.conftest import logged_in, seed

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": pg_url})
    app.seeded = seed(app)
    editor = logged_in(app, "editor")
    assert "秘密待审" in editor.get("/review/").get_data(as_text=True)
    assert post_action(editor, app.seeded["pending"], "publish").status_code == 303
    [entry] = audit_entries(app)
    assert entry.before["status"] == "pending" and entry.after["status"] == "published"
    app.extensions[EXTENSION]["engine"].dispose()
