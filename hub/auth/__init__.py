"""Login, logout, the current user and the role checks."""
from __future__ import annotations

import math
from functools import wraps

from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from hub.auth import devices, throttle
from hub.db import db_session
from hub.security import safe_next
from storage.models import User

bp = Blueprint("auth", __name__)

# A valid hash to check against when the username is unknown (same timing either way).
_DUMMY_HASH = generate_password_hash("not-a-password")


@bp.before_app_request
def load_user() -> None:
    g.user = None
    user_id = session.get("user_id")
    if user_id is not None:
        user = db_session().get(User, user_id)
        if user is None or not user.active:  # deleted or deactivated: signed out at once
            session.clear()
            user = None
        g.user = user


def login_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def roles_required(*roles: str):
    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.user is None:
                return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


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
