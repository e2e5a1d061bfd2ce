"""Login, logout, safe ``next``, CSRF (throttling: tests/security/test_login_throttle.py)."""
from __future__ import annotations

from tests.hub.conftest import PASSWORD, csrf_from, login


def test_login_page_is_accessible(client):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert 'class="skip-link"' in html
    assert '<label for="username">' in html and '<label for="password">' in html
    assert "/static/hub.css" in html and "cdn" not in html.lower()
    assert client.get("/static/hub.css").status_code == 200


def test_login_and_logout(client):
    response = login(client, "editor")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/hub/")
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/review/").status_code == 200
    token = csrf_from(client, "/review/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert "/login" in client.get("/review/").headers["Location"]


def test_logout_is_post_only(client):
    login(client, "editor")
    assert client.get("/logout").status_code == 405


def test_wrong_password(client):
    response = login(client, "editor", "wrong")
    assert response.status_code == 401
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/review/").status_code == 302
    assert login(client, "nobody", "wrong").status_code == 401


def test_next_only_local_paths(client):
    response = login(client, "editor", next="/review/items/1")
    assert response.headers["Location"] == "/review/items/1"
    for evil in ("//evil.com", "http://evil.com", "https://evil.com/x", "/\\evil.com", "javascript:alert(1)", "///evil.com"):
        client.post("/logout", data={"csrf_token": csrf_from(client, "/review/")})
        response = login(client, "editor", next=evil)
        assert response.status_code == 302
        location = response.headers["Location"]
        assert "evil" not in location and location.endswith("/hub/"), (evil, location)


def test_post_without_csrf_is_400(client, app):
    response = client.post("/login", data={"username": "editor", "password": PASSWORD})
    assert response.status_code == 400
    login(client, "editor")
    item = app.seeded["pending"]
    assert client.post(f"/review/items/{item}/publish").status_code == 400
    assert client.post(f"/review/items/{item}/publish", data={"csrf_token": "forged"}).status_code == 400
    assert client.post("/logout").status_code == 400


def test_deactivated_user_cannot_log_in_and_is_signed_out(app, client):
    from hub.db import new_session
    from storage.models import User
    from sqlalchemy import select

    login(client, "editor")
    assert client.get("/review/").status_code == 200
    with new_session(app) as s:
        s.scalar(select(User).where(User.username == "editor")).active = False
        s.commit()
    assert client.get("/review/").status_code == 302  # the open session ends at once
    token = csrf_from(client)
    response = client.post("/login", data={"username": "editor", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 401
