"""Account changes made by administrators, each checked and audited.

The rules that keep the hub usable: a reporter belongs to an existing unit; an
administrator can neither deactivate nor demote their own account, nor the last
active administrator.  Audit entries name the account and what changed, never
a password or a token.  The caller commits.
"""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from hub.actions import record
from hub.auth.throttle import clear_account
from hub.db import random_password
from hub.tokens import hash_token, new_token
from storage.models import USER_ROLES, Unit, User

ROLE_LABELS = {"admin": "管理员", "editor": "编辑", "reporter": "报送员"}
PASSWORD_MIN, PASSWORD_MAX = 12, 200
USERNAME_RE = re.compile(r"^[\w.@-]{2,100}$")  # \w: letters of any script, digits, _


class UserError(ValueError):
    """The change is not allowed: a message for the administrator."""


def snapshot(user: User) -> dict:
    return {"user": user.username, "role": user.role, "unit": user.unit_id, "active": bool(user.active)}


def _audit(session: Session, actor: User, action: str, user: User, before: dict, **extra) -> None:
    """The changed fields, before and after, and always whose account it is."""
    after = snapshot(user)
    keys = [k for k in after if k != "user" and before.get(k) != after[k]]
    record(session, actor, action, None, {"user": user.username, **{k: before.get(k) for k in keys}},
           {"user": user.username, **{k: after[k] for k in keys}, **extra})


def _unit(session: Session, unit_id: str | None) -> str:
    unit_id = (unit_id or "").strip()
    if not unit_id:
        raise UserError("报送员必须选择所属单位。")
    if session.get(Unit, unit_id) is None:
        raise UserError(f"单位“{unit_id}”不存在。")
    return unit_id


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN:
        raise UserError(f"密码至少 {PASSWORD_MIN} 个字符（留空则自动生成）。")
    if len(password) > PASSWORD_MAX:
        raise UserError(f"密码不能超过 {PASSWORD_MAX} 个字符。")


def _keep_an_admin(session: Session, actor: User, user: User) -> None:
    """Before ``user`` stops being an active administrator."""
    if user.id == actor.id:
        raise UserError("不能停用或降级自己的账号。")
    if user.role == "admin" and user.active:
        others = session.scalar(
            select(func.count(User.id)).where(User.role == "admin", User.active.is_(True), User.id != user.id)
        )
        if not others:
            raise UserError("这是最后一个启用的管理员账号，不能停用或降级。")


def create_user(session: Session, actor: User, username: str, role: str, unit_id: str | None,
                password: str | None) -> tuple[User, str | None]:
    """The new account and, when no password was typed, the generated one (to show once)."""
    username = (username or "").strip()
    if not USERNAME_RE.match(username):
        raise UserError("用户名须为 2–100 个字符，只能包含文字、数字和 . _ @ -。")
    if session.scalar(select(User.id).where(func.lower(User.username) == username.lower())) is not None:
        raise UserError(f"用户名“{username}”已存在。")
    if role not in USER_ROLES:
        raise UserError("请选择角色。")
    unit = _unit(session, unit_id) if role == "reporter" else None
    generated = None
    if password:
        _check_password(password)
    else:
        password = generated = random_password()
    user = User(username=username, role=role, unit_id=unit, password_hash=generate_password_hash(password), active=True)
    session.add(user)
    session.flush()
    record(session, actor, "user_create", None, {}, snapshot(user))
    return user, generated


def change_role(session: Session, actor: User, user: User, role: str, unit_id: str | None = None) -> bool:
    """A reporter needs a unit (the one given, else the one they have); other roles have none."""
    if role not in USER_ROLES:
        raise UserError("未知角色。")
    if role == user.role:
        return False
    if user.role == "admin":
        _keep_an_admin(session, actor, user)
    before = snapshot(user)
    user.unit_id = _unit(session, unit_id or user.unit_id) if role == "reporter" else None
    user.role = role
    _audit(session, actor, "user_role", user, before)
    return True


def change_unit(session: Session, actor: User, user: User, unit_id: str | None) -> bool:
    if user.role != "reporter":
        raise UserError("只有报送员需要所属单位。")
    unit_id = _unit(session, unit_id)
    if unit_id == user.unit_id:
        return False
    before = snapshot(user)
    user.unit_id = unit_id
    _audit(session, actor, "user_unit", user, before)
    return True


def set_active(session: Session, actor: User, user: User, active: bool) -> bool:
    """Deactivating also revokes the account's API token: reactivated, it needs a new one."""
    if bool(user.active) == active:
        return False
    if not active:
        _keep_an_admin(session, actor, user)
    before = snapshot(user)
    had_token = user.api_token_hash is not None
    user.active = active
    if not active:
        user.api_token_hash = None
    extra = {"api_token": "revoked"} if had_token and not active else {}
    _audit(session, actor, "user_activate" if active else "user_deactivate", user, before, **extra)
    return True


def reset_password(session: Session, actor: User | None, user: User) -> str:
    """A new random password, returned to be shown once.  The account's failed sign-ins
    are forgotten with it: the owner can sign in at once, whoever sprayed the account.
    ``actor`` None: the command line (``zhanqun users password``), audited as "system"."""
    password = random_password()
    user.password_hash = generate_password_hash(password)
    clear_account(session, user.username)
    via = {"via": "cli"} if actor is None else {}
    record(session, actor, "user_password", None, {"user": user.username}, {"user": user.username, "password": "reset", **via})
    return password


def change_own_password(session: Session, user: User, current: str, new: str, repeated: str) -> None:
    """修改密码: the signed-in user, who proves the current password; audited, never the password."""
    from werkzeug.security import check_password_hash

    if not current or not check_password_hash(user.password_hash, current):
        raise UserError("当前密码不正确。")
    if new != repeated:
        raise UserError("两次输入的新密码不一致。")
    if len(new or "") < PASSWORD_MIN:
        raise UserError(f"新密码至少 {PASSWORD_MIN} 个字符。")
    _check_password(new)
    if check_password_hash(user.password_hash, new):
        raise UserError("新密码不能与当前密码相同。")
    user.password_hash = generate_password_hash(new)
    record(session, user, "user_password_change", None, {"user": user.username},
           {"user": user.username, "password": "changed"})


def issue_token(session: Session, actor: User, user: User) -> str:
    """A new API token (the previous one stops working), returned to be shown once."""
    token = new_token()
    had = user.api_token_hash is not None
    user.api_token_hash = hash_token(token)
    record(session, actor, "user_token", None, {"user": user.username, "api_token": "replaced" if had else None},
           {"user": user.username, "api_token": "issued"})
    return token
