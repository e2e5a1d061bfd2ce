"""Engine and sessions per application, and the first admin account."""
from __future__ import annotations

import secrets
import sys

from flask import Flask, current_app, flash, g
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from storage.db import autocommit_reads, make_engine, session_factory
from storage.migrate import upgrade
from storage.models import User

EXTENSION = "zhanqun_db"


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    upgrade(engine)
    app.extensions[EXTENSION] = {"engine": engine, "reads": autocommit_reads(engine),
                                 "sessions": session_factory(engine, app.config["TIMEZONE"])}
    app.teardown_appcontext(_close_session)
    ensure_admin(app)


def new_session(app: Flask | None = None) -> Session:
    return (app or current_app).extensions[EXTENSION]["sessions"]()


def db_session() -> Session:
    """The request's session, closed at teardown."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def commit_or_flash(change, errors: type[Exception] | tuple[type[Exception], ...], done) -> bool:
    """Run ``change(session)`` in the request's transaction.  When it raises one of
    ``errors`` (their messages are for people), roll back and flash the message;
    else commit and flash ``done`` (a text, or a function of what ``change`` returned).
    True when it committed."""
    session = db_session()
    try:
        result = change(session)
    except errors as exc:
        session.rollback()
        flash(str(exc), "error")
        return False
    session.commit()
    flash(done(result) if callable(done) else done)
    return True


def _close_session(_exc=None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def random_password() -> str:
    return secrets.token_urlsafe(15)


def ensure_admin(app: Flask) -> str | None:
    """Create ``admin`` with a random password when no admin exists; print the password once."""
    with new_session(app) as session:
        if session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None:
            return None
        password = random_password()
        name = "admin"
        if session.scalar(select(User.id).where(User.username == name)) is not None:
            name = f"admin-{secrets.token_hex(3)}"
        session.add(User(username=name, password_hash=generate_password_hash(password), role="admin"))
        session.commit()
    print(
        f"zhanqun hub: created administrator {name!r} with password: {password}\n"
        "  (shown only this once: store it safely)",
        file=sys.stderr,
        flush=True,
    )
    return password
