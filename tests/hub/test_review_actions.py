"""The editor's work on one item and on many: edit, columns, pin, feature,
schedule, bulk, the sensitive-term screen, flags with their evidence, and fixing
merges (split, merge by hand, choose the primary source)."""
from __future__ import annotations

import zlib
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hub.db import new_session
from storage.models import AuditEntry, Counter, Item, ItemColumn, ItemRevision, ItemSource, Source
from storage.publishing import promote_due
from tests.hub.conftest import csrf_from, logged_in, seed


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request):
    """The seeded hub on a SQLite file, then on the PostgreSQL server: the item
    service's merge, split, primary and 定时发布 write the same on both."""
    if request.param == "sqlite":
        return request.getfixturevalue("app")
    from hub import create_app
    from hub.db import EXTENSION

    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": request.getfixturevalue("pg_url")})
    app.seeded = seed(app)
    request.addfinalizer(app.extensions[EXTENSION]["engine"].dispose)
    return app


def post(client, path, **data):
    token = csrf_from(client, "/review/")
    return client.post(path, data={"csrf_token": token, **data})


def item(app, item_id) -> Item:
    with new_session(app) as s:
        found = s.get(Item, item_id)
        _ = [c.column_id for c in found.columns], [x.url for x in found.sources]
        return found


def last_audit(app) -> AuditEntry:
    with new_session(app) as s:
        return s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()


def test_edit_title_and_summary_is_audited(editor, app):
    pid = app.seeded["pending"]
    r = post(editor, f"/review/items/{pid}/edit", title="  新标题：关于通知  ", summary="编辑写的摘要")
    assert r.status_code == 303
    got = item(app, pid)
    assert got.title == "新标题：关于通知" and got.summary == "编辑写的摘要"
    assert sorted(got.edited_fields) == ["summary", "title"]
    entry = last_audit(app)
    assert entry.action == "edit" and entry.before["title"] == "关于秘密待审通知的公告"
    assert entry.after == {"title": "新标题：关于通知", "summary": "编辑写的摘要"}
    r = post(editor, f"/review/items/{pid}/edit", title="   ")
    assert "标题不能为空" in editor.get(r.headers["Location"]).get_data(as_text=True)


def test_set_columns_pin_feature(editor, app):
    pid = app.seeded["published"]
    with new_session(app) as s:
        before = s.get(Counter, "content").value
    post(editor, f"/review/items/{pid}/columns", columns=["notices", "news"])
    assert sorted(c.column_id for c in item(app, pid).columns) == ["news", "notices"]
    assert item(app, pid).columns_locked
    r = post(editor, f"/review/items/{pid}/columns", columns=["nope"])
    assert "未知栏目" in editor.get(r.headers["Location"]).get_data(as_text=True)
    post(editor, f"/review/items/{pid}/pin")
    post(editor, f"/review/items/{pid}/feature")
    got = item(app, pid)
    assert got.pinned and got.featured
    post(editor, f"/review/items/{pid}/unfeature")
    assert not item(app, pid).featured
    assert last_audit(app).action == "unfeature"
    with new_session(app) as s:
        assert s.get(Counter, "content").value > before  # public caches go stale


def test_schedule_then_promote(any_app):
    app = any_app
    editor = logged_in(app, "editor")
    pid = app.seeded["pending"]
    r = post(editor, f"/review/items/{pid}/schedule", publish_at="2001-01-01T08:00")
    assert "必须晚于现在" in editor.get(r.headers["Location"]).get_data(as_text=True)
    post(editor, f"/review/items/{pid}/schedule", publish_at="2099-01-01T08:00")
    got = item(app, pid)
    assert got.status == "scheduled"
    assert got.publish_at == datetime(2099, 1, 1, 0, 0, tzinfo=timezone.utc)  # 08:00 Beijing
    with new_session(app) as s:
        assert promote_due(s) == []
        assert promote_due(s, now=datetime(2099, 1, 1, 0, 1, tzinfo=timezone.utc)) == [pid]
        s.commit()
    assert item(app, pid).status == "published"
    entry = last_audit(app)
    assert entry.username == "system" and entry.action == "publish"


def test_sensitive_item_needs_confirmation_and_is_highlighted(editor, app):
    pid = app.seeded["pending"]
    with new_session(app) as s:
        found = s.get(Item, pid)
        found.sensitive_terms = ["秘密"]
        found.body_text = "这是一段正文，其中提到秘密文件的传阅范围。"
        s.commit()
    html = editor.get(f"/review/items/{pid}").get_data(as_text=True)
    assert '<mark class="sensitive">秘密</mark>' in html  # in the title and in context
    assert "已核实不涉密" in html and "其中提到<mark" in html
    r = post(editor, f"/review/items/{pid}/publish")
    assert "含敏感词" in editor.get(r.headers["Location"]).get_data(as_text=True)
    assert item(app, pid).status == "pending"
    post(editor, f"/review/items/{pid}/publish", confirm_sensitive="1")
    assert item(app, pid).status == "published"
    assert last_audit(app).after["confirmed_sensitive"] == ["秘密"]
    assert "含敏感词" in editor.get("/review/?status=all&flag=sensitive").get_data(as_text=True)


def test_bulk_actions_report_each_failure(editor, app):
    pending, published = app.seeded["pending"], app.seeded["published"]
    r = post(editor, "/review/bulk", action="reject", ids=[str(pending), str(published)])
    html = editor.get(r.headers["Location"]).get_data(as_text=True)
    assert "失败 2 条" in html and "退回时必须填写原因" in html
    r = post(editor, "/review/bulk", action="reject", reason="重复信息", ids=[str(pending), str(published)])
    assert "成功 2 条" in editor.get(r.headers["Location"]).get_data(as_text=True)
    assert item(app, pending).status == "rejected" and item(app, published).status == "rejected"
    assert item(app, published).status_reason == "重复信息"
    r = post(editor, "/review/bulk", action="publish", ids=[str(pending)])
    assert item(app, pending).status == "published"
    assert "请先勾选" in editor.get(post(editor, "/review/bulk", action="publish").headers["Location"]).get_data(as_text=True)


def test_publish_and_next_walks_the_queue(editor, app):
    with new_session(app) as s:
        extra = Item(title="第二条待审", url="http://kc.example/tzgg/2.html", unit_id="kecheng", content_hash="c" * 64,
                     published_at=datetime(2026, 11, 1, tzinfo=timezone.utc))
        s.add(extra)
        s.commit()
        extra_id = extra.id
    pid = app.seeded["pending"]
    page = editor.get(f"/review/items/{pid}").get_data(as_text=True)
    assert f"/review/items/{extra_id}" in page  # 下一条
    r = post(editor, f"/review/items/{pid}/publish", next="1")
    assert r.headers["Location"].endswith(f"/review/items/{extra_id}")
    r = post(editor, f"/review/items/{extra_id}/reject", reason="不属于本栏目", next="1")
    assert r.headers["Location"].endswith("/review/")  # the queue is done
    assert "队列已处理完毕" in editor.get(r.headers["Location"]).get_data(as_text=True)


def test_keyboard_script_is_served_and_linked(editor, app):
    html = editor.get("/review/").get_data(as_text=True)
    assert "/static/review.js" in html and "键盘快捷键" in html
    script = editor.get("/static/review.js")
    assert script.status_code == 200 and b"publish-next" in script.data


def raw_page(title: str, text: str) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{title}</title><meta name='ArticleTitle' content='{title}'>"
            f"<meta name='PubDate' content='2026-11-10'></head><body><h1>{title}</h1><div id='zoom'><p>{text}</p>"
            "</div></body></html>").encode("utf-8")


def test_flags_show_diff_withdrawal_and_broken_rules(editor, app):
    pid = app.seeded["pending"]
    with new_session(app) as s:
        found = s.get(Item, pid)
        link = next(x for x in found.sources if x.is_primary)
        for text in ("第一句不变。第二句原文。", "第一句不变。第二句已修改。"):
            s.add(ItemRevision(item_source_id=link.id, content_hash=text, raw_gz=zlib.compress(raw_page("t", text)),
                               title="关于秘密待审通知的公告", body_text=text))
        found.flags = [{"kind": "updated_at_source", "url": link.url, "at": "2026-11-21T01:00:00"},
                       {"kind": "withdrawn_at_source", "url": "http://js.example/news/repost-1.html", "reason": "HTTP 404"}]
        s.get(Source, "jiangshan-news").status = "broken-rules"
        s.get(Source, "jiangshan-news").health_note = "rules may be broken (site redesign?)"
        s.commit()
    html = editor.get(f"/review/items/{pid}").get_data(as_text=True)
    assert "来源已更新" in html and "<del>第二句原文。</del>" in html and "<ins>第二句已修改。</ins>" in html
    assert "来源已撤下" in html and "HTTP 404" in html
    assert "采集规则可能失效" in html and "site redesign" in html


def test_split_merge_and_primary(any_app):
    app = any_app
    editor = logged_in(app, "editor")
    pid, other = app.seeded["pending"], app.seeded["published"]
    with new_session(app) as s:
        repost = s.scalar(select(ItemSource).where(ItemSource.url == "http://js.example/news/repost-1.html"))
        repost.published_date_only = True  # its page gave a day only: the split-off item shows no time
        s.add(ItemRevision(item_source_id=repost.id, content_hash="r", title="江山转载的通知",
                           raw_gz=zlib.compress(raw_page("江山转载的通知", "转载正文内容，与原文不同的一条信息。")),
                           body_text="转载正文内容"))
        s.commit()
        repost_id = repost.id
    # choose the repost as primary: its unit leads
    post(editor, f"/review/items/{pid}/primary", source=str(repost_id))
    got = item(app, pid)
    assert got.unit_id == "jiangshan" and got.url == "http://js.example/news/repost-1.html"
    # split it off: a new pending item built from its own stored page
    r = post(editor, f"/review/items/{pid}/split", source=str(repost_id))
    new_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    new = item(app, new_id)
    assert new.title == "江山转载的通知" and "转载正文内容" in new.body_text and new.status == "pending"
    assert new.published_date_only
    assert [x.url for x in new.sources] == ["http://js.example/news/repost-1.html"]
    assert item(app, pid).unit_id == "kecheng" and len(item(app, pid).sources) == 1
    # merge the other item in by hand: its sources and columns move over, it is gone
    post(editor, f"/review/items/{pid}/merge", other=f"#{other}")
    merged = item(app, pid)
    assert {x.url for x in merged.sources} == {"http://kc.example/tzgg/1.html", "http://js.example/news/2.html"}
    assert {c.column_id for c in merged.columns} == {"notices", "news"}
    with new_session(app) as s:
        assert s.get(Item, other) is None
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "merge")).one()
        assert entry.before["merged_item"]["id"] == other
    r = post(editor, f"/review/items/{pid}/merge", other=str(pid))
    assert "不能与自身合并" in editor.get(r.headers["Location"]).get_data(as_text=True)
    html = editor.get(f"/review/items/{pid}").get_data(as_text=True)
    assert "拆分为单独信息" in html and "设为首发来源" in html


def test_queue_filters_by_date_origin_and_title(editor, app):
    assert "秘密待审" in editor.get("/review/?from=2026-11-21&to=2026-11-21").get_data(as_text=True)  # Beijing day
    assert "秘密待审" not in editor.get("/review/?from=2026-11-22").get_data(as_text=True)
    assert "秘密待审" not in editor.get("/review/?origin=submission").get_data(as_text=True)
    assert "秘密待审" in editor.get("/review/?q=待审").get_data(as_text=True)
    assert "秘密待审" not in editor.get("/review/?q=100%25").get_data(as_text=True)
    with new_session(app) as s:
        assert s.scalars(select(ItemColumn)).all()
