"""Login and logout."""
from __future__ import annotations

import math

from flask import flash, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from hub.auth import bp, devices, throttle
from hub.db import db_session
from hub.security import safe_next
from storage.models import User

# A valid hash to check against when the username is unknown (same timing either way).
_DUMMY_HASH = generate_password_hash("not-a-password")


def _client_ip() -> str:
    return request.remote_addr or "-"  # the proxy's client with ZHANQUN_TRUSTED_PROXIES set


def _too_many(wait_seconds: int) -> str:
    wait = f"{wait_seconds} 秒" if wait_seconds < 120 else f"{math.ceil(wait_seconds / 60)} 分钟"
    return (f"登录尝试过于频繁，请 {wait}后再试。"
            "如果忘记了密码，请联系管理员重置，重置后可立即登录。")


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"), url_for("hub_home"))
    if request.method == "GET":
        return render_template("auth/login.html", next_url=next_url)
    username = (request.form.get("username") or "").strip()
    password = request.form.get("password") or ""
    user = db_session().scalar(select(User).where(User.username == username)) if username else None
    attempt = throttle.current().begin(_client_ip(), username, check_account=not devices.is_known(user))
    if isinstance(attempt, throttle.Refused):  # refused before any password is checked
        page = render_template("auth/login.html", next_url=next_url, username=username,
                               error=_too_many(attempt.wait_seconds))
        return page, 429, {"Retry-After": str(attempt.wait_seconds)}
    valid = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.active):  # a deactivated account gets the same answer
        return render_template(
            "auth/login.html", next_url=next_url, username=username, error="用户名或密码错误。"
        ), 401
    throttle.current().succeeded(attempt)
    session.clear()  # new session (and new CSRF token) on login
    session["user_id"] = user.id
    session.permanent = True
    response = redirect(next_url)
    devices.remember(response, user)
    return response


@bp.post("/logout")
def logout():
    session.clear()
    flash("已退出登录。")
    return redirect(url_for("auth.login"))
