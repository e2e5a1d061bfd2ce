"""栏目规则: column rules CRUD (regex checked), the sensitive-term list, and applying
both to pending items; every change audited.  CRUD and apply run on SQLite and PostgreSQL."""
from __future__ import annotations

from sqlalchemy import select

from hub.db import new_session
from storage.models import ColumnRule, Item, ItemColumn, SensitiveTerm
from tests.hub.control_kit import audit, client_as, expect_access, post, seeded_app


def rules(app) -> list[ColumnRule]:
    with new_session(app) as s:
        return list(s.scalars(select(ColumnRule).order_by(ColumnRule.id)))


def columns_of(app, item_id: int) -> list[str]:
    with new_session(app) as s:
        return sorted(s.scalars(select(ItemColumn.column_id).where(ItemColumn.item_id == item_id)))


def test_pages_by_role(app):
    with new_session(app) as s:
        rule = ColumnRule(match="title_keyword", pattern="通知", column_id="notices", action="add")
        s.add(rule)
        s.commit()
        rule_id = rule.id
    expect_access(app, ["/hub/rules/", f"/hub/rules/{rule_id}"], allowed=("editor", "admin"))
    assert client_as(app, "editor").get("/hub/rules/999").status_code == 404


def test_posts_need_role_and_csrf(app):
    with new_session(app) as s:
        s.add(ColumnRule(match="title_keyword", pattern="通知", column_id="notices", action="add"))
        s.commit()
    rule_id = rules(app)[0].id
    paths = ["/hub/rules/", f"/hub/rules/{rule_id}", f"/hub/rules/{rule_id}/disable", f"/hub/rules/{rule_id}/enable",
             f"/hub/rules/{rule_id}/delete", "/hub/rules/terms", "/hub/rules/terms/delete", "/hub/rules/apply"]
    editor, reporter = client_as(app, "editor"), client_as(app, "reporter")
    data = {"match": "title_keyword", "pattern": "x", "column": "news", "action": "add", "term": "秘密"}
    for path in paths:
        assert editor.post(path, data=data).status_code == 400, path
        assert post(reporter, path, as_role="reporter", **data).status_code == 403, path
    assert [r.pattern for r in rules(app)] == ["通知"] and rules(app)[0].enabled
    with new_session(app) as s:
        assert s.get(SensitiveTerm, "秘密") is not None
    assert audit(app) == []


def test_rule_crud_is_audited(db_url):
    with seeded_app(db_url) as app:
        editor = client_as(app, "editor")
        r = post(editor, "/hub/rules/", match="title_regex", pattern="^关于(.*的通知$", column="news", action="add",
                 source="", position="")
        assert r.status_code == 422 and "正则表达式无效" in r.get_data(as_text=True)
        assert "^关于(.*的通知$" in r.get_data(as_text=True)  # what was typed is kept
        for bad, message in (({"column": "nope"}, "请选择目标栏目"), ({"source": "nope"}, "采集源“nope”不存在"),
                             ({"pattern": "  "}, "请填写匹配内容"), ({"match": "body"}, "请选择匹配方式"),
                             ({"position": "x"}, "顺序须为整数")):
            data = {"match": "title_keyword", "pattern": "通知", "column": "news", "action": "add", "source": "",
                    "position": "", **bad}
            r = post(editor, "/hub/rules/", **data)
            assert r.status_code == 422 and message in r.get_data(as_text=True), bad
        assert rules(app) == [] and audit(app) == []

        r = post(editor, "/hub/rules/", match="title_regex", pattern="^关于.*公告$", column="news", action="override",
                 source="kecheng-notices", position="5")
        assert r.status_code == 303
        [rule] = rules(app)
        assert (rule.match, rule.pattern, rule.column_id, rule.action, rule.source_id, rule.position, rule.enabled) == \
            ("title_regex", "^关于.*公告$", "news", "override", "kecheng-notices", 5, True)
        html = editor.get("/hub/rules/").get_data(as_text=True)
        assert "标题正则" in html and "替换" in html and "政务动态" in html and "kecheng-notices" in html
        [created] = audit(app, "rule_create")
        assert created.after["pattern"] == "^关于.*公告$" and created.before == {}

        r = post(editor, f"/hub/rules/{rule.id}", match="title_regex", pattern="[", column="news", action="override",
                 source="kecheng-notices", position="5")
        assert r.status_code == 422 and "正则表达式无效" in r.get_data(as_text=True)
        post(editor, f"/hub/rules/{rule.id}", match="title_keyword", pattern="公告", column="notices", action="add",
             source="", position="5")
        [rule] = rules(app)
        assert (rule.match, rule.pattern, rule.column_id, rule.action, rule.source_id) == \
            ("title_keyword", "公告", "notices", "add", None)
        [updated] = audit(app, "rule_update")
        assert updated.before == {"rule": rule.id, "match": "title_regex", "pattern": "^关于.*公告$", "column": "news",
                                  "action": "override", "source": "kecheng-notices"}
        assert updated.after["pattern"] == "公告" and updated.after["source"] is None

        post(editor, f"/hub/rules/{rule.id}/disable")
        assert rules(app)[0].enabled is False
        assert "已停用" in editor.get("/hub/rules/").get_data(as_text=True)
        post(editor, f"/hub/rules/{rule.id}/enable")
        assert rules(app)[0].enabled is True
        assert [e.after["enabled"] for e in audit(app) if e.action in ("rule_enable", "rule_disable")] == [False, True]

        post(editor, f"/hub/rules/{rule.id}/delete")
        assert rules(app) == []
        [deleted] = audit(app, "rule_delete")
        assert deleted.before["pattern"] == "公告" and deleted.before["column"] == "notices" and deleted.after == {}
        assert post(editor, f"/hub/rules/{rule.id}/delete").status_code == 404


def test_sensitive_terms_add_and_remove(db_url):
    with seeded_app(db_url) as app:
        admin = client_as(app, "admin")
        r = post(admin, "/hub/rules/terms", term="  内部 传阅 ")
        assert r.status_code == 303
        with new_session(app) as s:
            assert s.get(SensitiveTerm, "内部 传阅") is not None
        assert post(admin, "/hub/rules/terms", term="秘密").status_code == 422  # already listed
        assert "已在列表中" in post(admin, "/hub/rules/terms", term="秘密").get_data(as_text=True)
        assert post(admin, "/hub/rules/terms", term=" ").status_code == 422
        post(admin, "/hub/rules/terms/delete", term="机密")
        with new_session(app) as s:
            assert s.get(SensitiveTerm, "机密") is None
        r = post(admin, "/hub/rules/terms/delete", term="机密")
        assert "不在列表中" in admin.get(r.headers["Location"]).get_data(as_text=True)
        assert [(e.action, e.before, e.after) for e in audit(app)] == [
            ("term_add", {}, {"term": "内部 传阅"}), ("term_remove", {"term": "机密"}, {})]


def test_apply_to_pending_recomputes_columns_and_rescreens(db_url):
    with seeded_app(db_url) as app:
        pending, published = app.seeded["pending"], app.seeded["published"]
        with new_session(app) as s:
            locked = Item(title="关于人事任免的公告", url="http://kc.example/tzgg/9.html", unit_id="kecheng",
                          content_hash="c" * 64, columns_locked=True)
            submitted = Item(title="关于报送工作的公告", url="", unit_id="kecheng", content_hash="d" * 64,
                             origin="submission")
            s.add_all([locked, submitted])
            s.flush()
            s.add_all([ItemColumn(item_id=locked.id, column_id="notices"), ItemColumn(item_id=submitted.id, column_id="notices")])
            s.commit()
            locked_id, submitted_id = locked.id, submitted.id
        editor = client_as(app, "editor")
        post(editor, "/hub/rules/", match="title_regex", pattern="^关于.*公告$", column="news", action="override",
             source="kecheng-notices", position="1")
        r = post(editor, "/hub/rules/apply")
        assert r.status_code == 303
        html = editor.get(r.headers["Location"]).get_data(as_text=True)
        assert "已重新检查 3 条待审核信息：栏目变化 1 条，敏感词变化 1 条" in html

        # The seeded pending item: its primary source's rule replaces 通知公告 with 政务动态
        # (its repost on jiangshan-news brings 政务动态 too); its title holds 秘密.
        assert columns_of(app, pending) == ["news"]
        assert columns_of(app, locked_id) == ["notices"]  # set by an editor
        assert columns_of(app, submitted_id) == ["notices"]  # 信息报送: chosen by the reporter
        assert columns_of(app, published) == ["news"]
        with new_session(app) as s:
            item = s.get(Item, pending)
            assert item.sensitive_terms == ["秘密"] and item.columns_locked is False and item.status == "pending"
        [col] = audit(app, "columns")
        assert col.item_id == pending and col.username == "editor"
        assert col.before == {"columns": ["notices"]} and col.after == {"columns": ["news"], "by": "rules"}
        [terms] = audit(app, "sensitive_terms")
        assert terms.item_id == pending and terms.before == {"sensitive_terms": []}
        assert terms.after == {"sensitive_terms": ["秘密"], "by": "rules"}

        # Again: nothing changes.  Then without the rule and the term, back as before.
        html = editor.get(post(editor, "/hub/rules/apply").headers["Location"]).get_data(as_text=True)
        assert "栏目变化 0 条，敏感词变化 0 条" in html
        post(editor, f"/hub/rules/{rules(app)[0].id}/disable")
        post(editor, "/hub/rules/terms/delete", term="秘密")
        post(editor, "/hub/rules/apply")
        assert columns_of(app, pending) == ["news", "notices"]  # both sources' registry columns
        with new_session(app) as s:
            assert s.get(Item, pending).sensitive_terms == []
        assert len(audit(app, "columns")) == 2 and len(audit(app, "sensitive_terms")) == 2
