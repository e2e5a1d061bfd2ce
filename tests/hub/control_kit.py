"""Helpers of the 采集管理 / 用户管理 / 栏目规则 tests: an app on any database, posts with CSRF, audit reads."""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import select

from hub import create_app
from hub.db import EXTENSION, new_session
from storage.models import AuditEntry
from tests.hub.conftest import csrf_from, seed

ROLES = ("anonymous", "reporter", "editor", "admin")
USERNAMES = {"reporter": "reporter", "editor": "editor", "admin": "boss"}


@contextmanager
def seeded_app(db_url: str, **config):
    """The hub on ``db_url`` (SQLite file or a PostgreSQL schema), seeded like the ``app`` fixture."""
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url, **config})
    app.seeded = seed(app)
    try:
        yield app
    finally:
        app.extensions[EXTENSION]["engine"].dispose()


def client_as(app, role: str):
    from tests.hub.conftest import logged_in

    return app.test_client() if role == "anonymous" else logged_in(app, USERNAMES[role])


TOKEN_PAGES = {"reporter": "/hub/submissions/"}


def post(client, path: str, as_role: str = "editor", **data):
    """POST ``data`` with the session's CSRF token, read from a page ``as_role`` may see."""
    token = csrf_from(client, TOKEN_PAGES.get(as_role, "/hub/harvest/"))
    return client.post(path, data={"csrf_token": token, **data})


def audit(app, action: str | None = None) -> list[AuditEntry]:
    with new_session(app) as s:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(s.scalars(query))


def expect_access(app, paths: list[str], allowed: tuple[str, ...]) -> None:
    """GET each path as each role: anonymous → login, allowed roles → 200, the others → 403."""
    for role in ROLES:
        client = client_as(app, role)
        for path in paths:
            response = client.get(path)
            if role == "anonymous":
                assert response.status_code == 302 and "/login" in response.headers["Location"], (role, path)
            elif role in allowed:
                assert response.status_code == 200, (role, path, response.status_code)
            else:
                assert response.status_code == 403, (role, path, response.status_code)
