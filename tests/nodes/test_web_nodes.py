"""Two web nodes (`zhanqun serve`, two processes) on one PostgreSQL behave as one:

* sign in on one, carry on on the other (sessions signed with the shared
  ZHANQUN_SECRET_KEY; the CSRF token lives in the session);
* publish on one, see it on the other at once (each node's page cache follows
  the database's content counter);
* failed sign-ins on both count together (login_throttles);
* a 定时发布 item due while both nodes serve is promoted exactly once.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import create_engine, text

from hub.db import new_session
from storage.models import Item, ItemColumn, ItemSource
from tests.conftest import pg_schema
from tests.hub.conftest import PASSWORD
from tests.hub.control_kit import seeded_app
from tests.hub.test_harvest_control import VALID_REGISTRY
from tests.nodes.nodekit import ROOT, free_port

pytestmark = [pytest.mark.pg, pytest.mark.timeout(300)]

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
SCHEDULED_TITLE = "关于定时发布测试的通知"


class Browser:
    """One person's browser: one cookie jar, whichever node nginx sends it to."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())

    def get(self, url: str) -> tuple[int, str]:
        return self._open(urllib.request.Request(url))

    def post(self, url: str, **form) -> tuple[int, str]:
        return self._open(urllib.request.Request(url, data=urllib.parse.urlencode(form).encode()))

    def _open(self, request) -> tuple[int, str]:
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    def token(self, url: str) -> str:
        status, page = self.get(url)
        match = CSRF.search(page)
        assert match, (status, page[:500])
        return match.group(1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def start_web(db_url: str, registry, secret: str) -> tuple[str, subprocess.Popen]:
    port = free_port()
    env = {**os.environ, "ZHANQUN_ENV": "production", "ZHANQUN_SECRET_KEY": secret, "ZHANQUN_SECURE_COOKIES": "0",
           "ZHANQUN_DATABASE_URL": db_url, "ZHANQUN_REGISTRY": str(registry)}
    process = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--threads", "8"],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(process.stderr.read()[-2000:])
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return base, process
        except (urllib.error.URLError, OSError):
            time.sleep(0.3)
    process.kill()
    raise AssertionError("web node never answered")


def add_scheduled_item(app, n: int = 9) -> int:
    """A 定时发布 item whose time has just come."""
    with new_session(app) as s:
        item = Item(title=SCHEDULED_TITLE, url=f"http://kc.example/tzgg/{n}.html", unit_id="kecheng", status="scheduled",
                    publish_at=datetime.now(timezone.utc) - timedelta(seconds=5),
                    published_at=datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc),
                    body_html="<p>定时</p>", content_hash=f"{n:064d}")
        s.add(item)
        s.flush()
        s.add_all([ItemSource(item_id=item.id, source_id="kecheng-notices", unit_id="kecheng", url=item.url, is_primary=True),
                   ItemColumn(item_id=item.id, column_id="notices")])
        s.commit()
        return item.id


def test_two_web_nodes_on_one_database_behave_as_one(pg_server_url, tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text(VALID_REGISTRY, encoding="utf-8")
    with pg_schema(pg_server_url) as db_url:
        with seeded_app(db_url, REGISTRY_PATH=str(registry)) as app:
            pending = app.seeded["pending"]
            scheduled = add_scheduled_item(app)
        secret = os.urandom(32).hex()
        (a, web_a), (b, web_b) = start_web(db_url, registry, secret), start_web(db_url, registry, secret)
        try:
            # The scheduled item falls due while both nodes serve: many readers on both at once.
            with ThreadPoolExecutor(16) as pool:
                pages = list(pool.map(lambda i: Browser().get(f"{(a, b)[i % 2]}/columns/notices"), range(32)))
            assert all(status == 200 for status, _ in pages)
            engine = create_engine(db_url)
            with engine.connect() as conn:
                publishes = conn.execute(text("SELECT count(*) FROM audit_entries WHERE action = 'publish' AND item_id = :i"),
                                         {"i": scheduled}).scalar()
                status = conn.execute(text("SELECT status FROM items WHERE id = :i"), {"i": scheduled}).scalar()
            assert (status, publishes) == ("published", 1)  # promoted exactly once
            for node in (a, b):
                assert SCHEDULED_TITLE in Browser().get(f"{node}/columns/notices")[1]

            # Both nodes have the column page cached; the pending item is not on it.
            reader = Browser()
            assert "关于秘密待审通知的公告" not in reader.get(f"{a}/columns/notices")[1]
            assert "关于秘密待审通知的公告" not in reader.get(f"{b}/columns/notices")[1]

            # Sign in on A, carry on on B: the session and its CSRF token hold there.
            editor = Browser()
            status, _ = editor.post(f"{a}/login", username="editor", password=PASSWORD, csrf_token=editor.token(f"{a}/login"))
            assert status == 302
            status, page = editor.get(f"{b}/review/items/{pending}")
            assert status == 200 and "关于秘密待审通知的公告" in page
            status, _ = editor.post(f"{b}/review/items/{pending}/publish", csrf_token=editor.token(f"{b}/review/items/{pending}"))
            assert status == 303
            # Published on B, seen on A at once, although A had the page cached.
            assert "关于秘密待审通知的公告" in reader.get(f"{a}/columns/notices")[1]
            assert reader.get(f"{a}/items/{pending}")[0] == 200

            # Failed sign-ins on both nodes count together: 5 free for an account, then a wait.
            guesser = Browser()
            for node in (a, b, a, b, a):
                status, page = guesser.post(f"{node}/login", username="editor", password="wrong-guess",
                                            csrf_token=guesser.token(f"{node}/login"))
                assert status == 401 and "用户名或密码错误" in page
            with engine.connect() as conn:
                failures = conn.execute(text("SELECT failures FROM login_throttles WHERE key = 'account:editor'")).scalar()
            engine.dispose()
            assert failures == 5
            status, page = guesser.post(f"{b}/login", username="editor", password="wrong-guess",
                                        csrf_token=guesser.token(f"{b}/login"))
            assert status == 429 and "登录尝试过于频繁" in page
        finally:
            for process in (web_a, web_b):
                process.terminate()
                process.wait(20)


def test_scheduled_items_are_promoted_once_by_many_callers_at_once(pg_server_url, tmp_path):
    """Eight callers (web workers, nodes, the scheduler) promote due items at the same instant."""
    import threading

    from storage.models import AuditEntry
    from storage.publishing import promote_due

    with pg_schema(pg_server_url) as db_url, seeded_app(db_url) as app:
        ids = [add_scheduled_item(app, 100 + n) for n in range(40)]
        start = threading.Barrier(8)

        def promote(_):
            with new_session(app) as s:
                start.wait()
                promoted = promote_due(s)
                s.commit()
                return promoted

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(promote, range(8)))
        promoted = sorted(i for r in results for i in r)
        assert promoted == sorted(ids)  # each exactly once, by one caller
        with new_session(app) as s:
            entries = s.query(AuditEntry).filter(AuditEntry.action == "publish", AuditEntry.item_id.in_(ids)).count()
        assert entries == 40
