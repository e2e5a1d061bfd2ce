"""用户管理: admins only; create, role, unit, deactivate (no login), self-protection,
passwords and API tokens shown once; every change audited without secrets."""
from __future__ import annotations

import re

from sqlalchemy import select
from werkzeug.security import check_password_hash

from hub.db import new_session
from hub.tokens import hash_token
from storage.models import User
from tests.hub.conftest import PASSWORD, login
from tests.hub.control_kit import audit, client_as, expect_access, post

SECRET_RE = re.compile(r'id="secret-value" class="secret-value" value="([^"]+)"')


def user(app, username: str) -> User:
    with new_session(app) as s:
        return s.scalar(select(User).where(User.username == username))


def uid(app, username: str) -> int:
    return user(app, username).id


def apost(client, path, **data):
    return post(client, path, as_role="admin", **data)


def test_pages_by_role(app):
    expect_access(app, ["/hub/users/", "/hub/users/new", f"/hub/users/{uid(app, 'editor')}"], allowed=("admin",))


def test_posts_need_admin_and_csrf(app):
    target = uid(app, "reporter")
    editor = client_as(app, "editor")
    reporter = client_as(app, "reporter")
    admin = client_as(app, "admin")
    for action in ("role", "unit", "deactivate", "activate", "reset-password", "token"):
        path = f"/hub/users/{target}/{action}"
        assert post(editor, path, role="admin").status_code == 403
        assert post(reporter, path, as_role="reporter", role="admin").status_code == 403
        assert admin.post(path, data={"role": "admin"}).status_code == 400  # no CSRF token
    assert post(editor, "/hub/users/new", username="x", role="admin").status_code == 403
    assert admin.post("/hub/users/new", data={"username": "xavier", "role": "admin"}).status_code == 400
    assert user(app, "reporter").role == "reporter" and user(app, "xavier") is None
    assert audit(app) == []


def test_list_shows_roles_units_and_state(app, admin):
    html = admin.get("/hub/users/").get_data(as_text=True)
    for text in ("boss", "editor", "reporter", "管理员", "编辑", "报送员", "柯城区人民政府", "启用"):
        assert text in html


def test_create_with_generated_password_shown_once(app, admin):
    r = apost(admin, "/hub/users/new", username="wang.li", role="reporter", unit="jiangshan", password="")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    secret = SECRET_RE.search(r.get_data(as_text=True)).group(1)
    assert len(secret) >= 16
    created = user(app, "wang.li")
    assert (created.role, created.unit_id, created.active) == ("reporter", "jiangshan", True)
    assert check_password_hash(created.password_hash, secret)
    assert secret not in admin.get(f"/hub/users/{created.id}").get_data(as_text=True)  # once only
    [entry] = audit(app, "user_create")
    assert entry.after == {"user": "wang.li", "role": "reporter", "unit": "jiangshan", "active": True}
    assert secret not in str(entry.before) + str(entry.after)
    # The new reporter can log in with it.
    assert login(app.test_client(), "wang.li", secret).status_code == 302


def test_create_with_typed_password_and_validation(app, admin):
    cases = [
        ({"username": "zhao", "role": "editor", "password": "short"}, "至少 12 个字符"),
        ({"username": "zhao", "role": "reporter", "unit": "", "password": ""}, "报送员必须选择所属单位"),
        ({"username": "zhao", "role": "reporter", "unit": "nowhere", "password": ""}, "不存在"),
        ({"username": "Editor", "role": "editor", "password": ""}, "已存在"),
        ({"username": "a b", "role": "editor", "password": ""}, "用户名须为"),
        ({"username": "zhao", "role": "root", "password": ""}, "请选择角色"),
    ]
    for data, message in cases:
        r = apost(admin, "/hub/users/new", **data)
        assert r.status_code == 422 and message in r.get_data(as_text=True), data
    r = apost(admin, "/hub/users/new", username="zhao", role="editor", unit="kecheng", password="a long typed password")
    assert r.status_code == 303
    created = user(app, "zhao")
    assert created.role == "editor" and created.unit_id is None  # only reporters belong to a unit
    assert login(app.test_client(), "zhao", "a long typed password").status_code == 302
    assert len(audit(app, "user_create")) == 1


def test_role_and_unit_changes(app, admin):
    editor_id, reporter_id = uid(app, "editor"), uid(app, "reporter")
    r = apost(admin, f"/hub/users/{editor_id}/role", role="reporter", unit="")
    assert "报送员必须选择所属单位" in admin.get(r.headers["Location"]).get_data(as_text=True)
    assert user(app, "editor").role == "editor"
    apost(admin, f"/hub/users/{editor_id}/role", role="reporter", unit="jiangshan")
    assert (user(app, "editor").role, user(app, "editor").unit_id) == ("reporter", "jiangshan")
    [entry] = audit(app, "user_role")
    assert entry.before == {"user": "editor", "role": "editor", "unit": None}
    assert entry.after == {"user": "editor", "role": "reporter", "unit": "jiangshan"}

    apost(admin, f"/hub/users/{reporter_id}/unit", unit="jiangshan")
    assert user(app, "reporter").unit_id == "jiangshan"
    [entry] = audit(app, "user_unit")
    assert entry.before == {"user": "reporter", "unit": "kecheng"} and entry.after == {"user": "reporter", "unit": "jiangshan"}
    r = apost(admin, f"/hub/users/{reporter_id}/unit", unit="nowhere")
    assert "不存在" in admin.get(r.headers["Location"]).get_data(as_text=True)
    apost(admin, f"/hub/users/{reporter_id}/role", role="editor")
    assert (user(app, "reporter").role, user(app, "reporter").unit_id) == ("editor", None)


def test_deactivated_user_cannot_log_in_and_is_signed_out(app, admin):
    editor = client_as(app, "editor")
    assert editor.get("/hub/harvest/").status_code == 200
    r = apost(admin, f"/hub/users/{uid(app, 'editor')}/deactivate")
    assert "已停用 editor" in admin.get(r.headers["Location"]).get_data(as_text=True)
    assert user(app, "editor").active is False
    assert editor.get("/hub/harvest/").status_code == 302  # the open session ends
    assert login(app.test_client(), "editor", PASSWORD).status_code == 401
    [entry] = audit(app, "user_deactivate")
    assert entry.before == {"user": "editor", "active": True} and entry.after == {"user": "editor", "active": False}
    apost(admin, f"/hub/users/{uid(app, 'editor')}/activate")
    assert login(app.test_client(), "editor", PASSWORD).status_code == 302
    assert audit(app, "user_activate")[0].after == {"user": "editor", "active": True}


def test_admin_cannot_lock_themselves_out(app, admin):
    boss = uid(app, "boss")
    for action, data in (("deactivate", {}), ("role", {"role": "editor"})):
        r = apost(admin, f"/hub/users/{boss}/{action}", **data)
        assert "不能停用或降级自己的账号" in admin.get(r.headers["Location"]).get_data(as_text=True)
    got = user(app, "boss")
    assert got.active and got.role == "admin"
    assert audit(app) == []
    # Another admin may go while one active admin remains (the app's first-run "admin" and boss).
    r = apost(admin, f"/hub/users/{uid(app, 'admin')}/role", role="editor")
    assert user(app, "admin").role == "editor"


def test_last_active_admin_rule(app):
    """Nobody removes the last active admin, even an actor who is not (or no longer) one."""
    from hub.users.service import UserError, change_role, set_active

    with new_session(app) as s:
        actor = s.scalar(select(User).where(User.username == "boss"))
        for other in s.scalars(select(User).where(User.role == "admin", User.username != "boss")):
            other.active = False
        target = User(username="other-admin", password_hash="x", role="admin")
        s.add(target)
        s.flush()
        actor.active = False  # now "other-admin" is the last active admin
        for change in (lambda: set_active(s, actor, target, False), lambda: change_role(s, actor, target, "editor")):
            try:
                change()
            except UserError as exc:
                assert "最后一个启用的管理员" in str(exc)
            else:
                raise AssertionError("the last active admin was removed")
        s.rollback()


def test_reset_password_and_token_shown_once_and_audited_without_secrets(app, admin):
    rid = uid(app, "reporter")
    r = apost(admin, f"/hub/users/{rid}/reset-password")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-store"
    new_password = SECRET_RE.search(r.get_data(as_text=True)).group(1)
    assert login(app.test_client(), "reporter", PASSWORD).status_code == 401
    assert login(app.test_client(), "reporter", new_password).status_code == 302

    r = apost(admin, f"/hub/users/{rid}/token")
    token = SECRET_RE.search(r.get_data(as_text=True)).group(1)
    assert token.startswith("zq_") and user(app, "reporter").api_token_hash == hash_token(token)
    assert token not in admin.get(f"/hub/users/{rid}").get_data(as_text=True)
    entries = audit(app)
    assert [e.action for e in entries] == ["user_password", "user_token"]
    for e in entries:
        assert new_password not in str(e.after) and token not in str(e.after) and hash_token(token) not in str(e.after)
    # Deactivation revokes the token; a deactivated account gets none.
    apost(admin, f"/hub/users/{rid}/deactivate")
    assert user(app, "reporter").api_token_hash is None
    assert audit(app, "user_deactivate")[0].after["api_token"] == "revoked"
    r = apost(admin, f"/hub/users/{rid}/token")
    assert "账号已停用" in admin.get(r.headers["Location"]).get_data(as_text=True)
    assert admin.get("/hub/users/999999").status_code == 404
