"""Token authentication of the API: ``Authorization: Bearer <token>`` and nothing else.

The API never looks at the session cookie: a request is the token's user or
anonymous.  So a browser's cookies cannot act through the API (no CSRF risk;
the app's CSRF check exempts Bearer requests to ``/api/`` and refuses other
writes there), and API responses never set a session cookie.
"""
from __future__ import annotations

from functools import wraps

from flask import current_app, g, request
from flask.globals import request_ctx
from sqlalchemy import select

from hub.api.errors import ApiError, unauthorized
from hub.db import db_session
from hub.tokens import hash_token
from storage.models import User

SCHEME = "bearer"


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, or None (no header, other scheme)."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != SCHEME:
        return None
    return token.strip() or None


def drop_session() -> None:
    """First thing on an API request: the cookie session is neither used nor saved.

    A null session in the request context makes Flask skip saving it (no
    ``Set-Cookie``, no ``Vary: Cookie``), whatever session interface the app
    uses, and makes the hub's sign-in see nobody.  Flask 3.1 keeps the session
    behind a read-only property (``_session``); 3.0 in a plain attribute.
    """
    ctx = request_ctx._get_current_object()
    null = current_app.session_interface.make_null_session(current_app)
    if isinstance(getattr(type(ctx), "session", None), property):
        ctx._session = null
    else:
        ctx.session = null


def authenticate() -> User:
    """The active user owning the request's token, or a 401."""
    if getattr(g, "api_user", None) is not None:
        return g.api_user
    header = request.headers.get("Authorization")
    token = bearer_token()
    if token is None:
        message = "Authorization 请求头须为 Bearer 令牌。" if header else None
        raise unauthorized(message)
    user = db_session().scalar(select(User).where(User.api_token_hash == hash_token(token)))
    if user is None:
        raise unauthorized("API 令牌无效或已被撤销。", invalid_token=True)
    if not user.active:
        raise unauthorized("该令牌所属账号已停用。", invalid_token=True)
    g.api_user = g.user = user
    return user


def token_required(*roles: str):
    """The view needs a valid token; with ``roles``, one of those roles (else 403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            user = authenticate()
            if roles and user.role not in roles:
                raise ApiError(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
