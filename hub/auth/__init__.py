"""The current user and the role checks; login and logout are hub/auth/views.py."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, g, redirect, request, session, url_for

from hub.db import db_session
from storage.models import User

bp = Blueprint("auth", __name__)


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


from hub.auth import views  # noqa: E402,F401  (login and logout register on bp)
