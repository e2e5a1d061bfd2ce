"""The pages of 用户管理.  A generated password or a new API token is shown once,
in the response to the POST that made it (never stored, never in a cookie or a
redirect), with ``Cache-Control: no-store``."""
from __future__ import annotations

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from sqlalchemy import select

from hub.auth import login_required, roles_required, throttle
from hub.db import commit_or_flash, db_session
from hub.users import bp
from hub.users.service import (
    PASSWORD_MIN, ROLE_LABELS, UserError, change_own_password, change_role, change_unit, create_user, issue_token, reset_password,
    set_active,
)
from storage.models import USER_ROLES, Unit, User


@bp.app_context_processor
def labels():
    return {"ROLE_LABELS": ROLE_LABELS}


def _units() -> list[Unit]:
    return db_session().scalars(select(Unit).order_by(Unit.kind, Unit.id)).all()


def _user_or_404(user_id: int) -> User:
    user = db_session().get(User, user_id)
    if user is None:
        abort(404)
    return user


def _shown_once(user: User, kind: str, secret: str):
    response = make_response(render_template("users/secret.html", user=user, kind=kind, secret=secret))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/hub/users/")
@roles_required("admin")
def index():
    users = db_session().scalars(select(User).order_by(User.active.desc(), User.role, User.username)).all()
    return render_template("users/index.html", users=users, units={u.id: u.name for u in _units()})


@bp.route("/hub/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new():
    values = {"username": "", "role": "editor", "unit": ""}
    if request.method == "GET":
        return render_template("users/new.html", values=values, units=_units(), roles=USER_ROLES,
                               password_min=PASSWORD_MIN)
    values = {k: (request.form.get(k) or "").strip() for k in values}
    session = db_session()
    try:
        user, generated = create_user(session, g.user, values["username"], values["role"], values["unit"],
                                      request.form.get("password") or None)
    except UserError as exc:
        session.rollback()
        return render_template("users/new.html", values=values, units=_units(), roles=USER_ROLES,
                               password_min=PASSWORD_MIN, error=str(exc)), 422
    session.commit()
    if generated:
        return _shown_once(user, "password", generated)
    flash(f"已创建{ROLE_LABELS[user.role]}账号：{user.username}（使用您输入的初始密码）。")
    return redirect(url_for("users.show", user_id=user.id), 303)


@bp.get("/hub/users/<int:user_id>")
@roles_required("admin")
def show(user_id: int):
    user = _user_or_404(user_id)
    return render_template("users/show.html", user=user, units=_units(), roles=USER_ROLES,
                           login_wait=throttle.current().remaining(user.username))


def _change(user_id: int, change, done: str):
    user = _user_or_404(user_id)
    commit_or_flash(lambda session: change(session, user), UserError,
                    lambda changed: done.format(name=user.username) if changed else "没有改动。")
    return redirect(url_for("users.show", user_id=user_id), 303)


@bp.post("/hub/users/<int:user_id>/role")
@roles_required("admin")
def role(user_id: int):
    """One form for the role and, for a reporter, the unit (一个“所属单位”选择框)."""
    wanted, unit = request.form.get("role", ""), request.form.get("unit")

    def change(s, u) -> bool:
        if wanted == u.role == "reporter" and unit:
            return change_unit(s, g.user, u, unit)
        return change_role(s, g.user, u, wanted, unit)

    return _change(user_id, change, "已保存 {name} 的角色和所属单位：" + ROLE_LABELS.get(wanted, wanted) + "。")


@bp.post("/hub/users/<int:user_id>/unit")
@roles_required("admin")
def unit(user_id: int):
    unit_id = request.form.get("unit")
    return _change(user_id, lambda s, u: change_unit(s, g.user, u, unit_id), "已修改 {name} 的所属单位。")


@bp.post("/hub/users/<int:user_id>/deactivate")
@roles_required("admin")
def deactivate(user_id: int):
    return _change(user_id, lambda s, u: set_active(s, g.user, u, False),
                   "已停用 {name}：该账号不能再登录，API 令牌已撤销。")


@bp.post("/hub/users/<int:user_id>/activate")
@roles_required("admin")
def activate(user_id: int):
    return _change(user_id, lambda s, u: set_active(s, g.user, u, True), "已启用 {name}。")


@bp.post("/hub/users/<int:user_id>/reset-password")
@roles_required("admin")
def password(user_id: int):
    session = db_session()
    user = _user_or_404(user_id)
    secret = reset_password(session, g.user, user)
    session.commit()
    return _shown_once(user, "password", secret)


@bp.post("/hub/users/<int:user_id>/token")
@roles_required("admin")
def token(user_id: int):
    session = db_session()
    user = _user_or_404(user_id)
    if not user.active:
        flash("账号已停用，不能签发 API 令牌。", "error")
        return redirect(url_for("users.show", user_id=user_id), 303)
    secret = issue_token(session, g.user, user)
    session.commit()
    return _shown_once(user, "token", secret)


@bp.route("/hub/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """修改密码: every signed-in user, for their own account, with the current password."""
    if request.method == "POST":
        session = db_session()
        try:
            change_own_password(session, g.user, request.form.get("current", ""), request.form.get("new", ""),
                                request.form.get("repeat", ""))
        except UserError as exc:
            session.rollback()
            return render_template("users/password.html", password_min=PASSWORD_MIN, error=str(exc)), 422
        session.commit()
        flash("密码已修改，下次登录请使用新密码。")
        return redirect(url_for("hub_home"), 303)
    return render_template("users/password.html", password_min=PASSWORD_MIN)
