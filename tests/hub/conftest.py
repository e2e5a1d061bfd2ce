"""Hub fixtures: an app on a real SQLite file, seeded through the models, and logged-in clients."""
from __future__ import annotations

import re
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pytest

from hub import create_app
from hub.db import new_session
from storage.models import Item, ItemColumn, ItemSource, PortalColumn, Source, Unit, User
from tests.browser.livehub import PASSWORD, PASSWORD_HASH, dispose, make_template  # noqa: F401 - PASSWORD for the tests


def seed(app) -> dict:
    with new_session(app) as s:
        s.add_all([
            Unit(id="kecheng", name="柯城区人民政府", kind="county", homepage="http://kc.example/"),
            Unit(id="jiangshan", name="江山市人民政府", kind="county", homepage="http://js.example/"),
            PortalColumn(id="notices", name="通知公告", position=1),
            PortalColumn(id="news", name="政务动态", position=2),
        ])
        s.flush()
        s.add_all([
            Source(id="kecheng-notices", unit_id="kecheng", url="http://kc.example/tzgg/", type="list", columns=["notices"]),
            Source(id="jiangshan-news", unit_id="jiangshan", url="http://js.example/news/", type="list", columns=["news"]),
            User(username="editor", password_hash=PASSWORD_HASH, role="editor"),
            User(username="reporter", password_hash=PASSWORD_HASH, role="reporter", unit_id="kecheng"),
            User(username="boss", password_hash=PASSWORD_HASH, role="admin"),
        ])
        s.flush()
        pending = Item(
            title="关于秘密待审通知的公告", url="http://kc.example/tzgg/1.html", unit_id="kecheng",
            published_at=datetime(2026, 11, 20, 16, 30, tzinfo=timezone.utc),  # 2026-11-21 00:30 in Shanghai
            source_text="柯城区办公室", body_html="<p>正文<strong>内容</strong></p>", content_hash="a" * 64,
            attachments=[{"url": "http://kc.example/files/a.pdf", "name": "附件一.pdf"}],
            flags=["date-mismatch"],
        )
        published = Item(
            title="江山市政务动态", url="http://js.example/news/2.html", unit_id="jiangshan",
            published_at=datetime(2026, 11, 19, 2, 0, tzinfo=timezone.utc), status="published",
            body_html="<p>动态</p>", content_hash="b" * 64,
        )
        s.add_all([pending, published])
        s.flush()
        s.add_all([
            ItemSource(item_id=pending.id, source_id="kecheng-notices", unit_id="kecheng", url=pending.url, is_primary=True,
                       published_at=pending.published_at),
            ItemSource(item_id=pending.id, source_id="jiangshan-news", unit_id="jiangshan",
                       url="http://js.example/news/repost-1.html"),
            ItemSource(item_id=published.id, source_id="jiangshan-news", unit_id="jiangshan", url=published.url, is_primary=True),
            ItemColumn(item_id=pending.id, column_id="notices"),
            ItemColumn(item_id=published.id, column_id="news"),
        ])
        s.commit()
        return {"pending": pending.id, "published": published.id}


@pytest.fixture(scope="session")
def hub_template(tmp_path_factory) -> Path:
    """A migrated database holding what the first start creates (an ``admin``), copied per test."""
    return make_template(tmp_path_factory.mktemp("hub-template"))


@pytest.fixture
def app(sqlite_url, hub_template):
    shutil.copyfile(hub_template, sqlite_url.removeprefix("sqlite:///"))
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url})
    app.seeded = seed(app)
    yield app
    dispose(app)


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(client, path: str = "/login") -> str:
    match = CSRF_RE.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def login(client, username: str, password: str = PASSWORD, **extra):
    token = csrf_from(client)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token, **extra})


def logged_in(app, username: str):
    client = app.test_client()
    response = login(client, username)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def editor(app):
    return logged_in(app, "editor")


@pytest.fixture
def reporter(app):
    return logged_in(app, "reporter")


@pytest.fixture
def admin(app):
    return logged_in(app, "boss")
