"""Every answer of the application carries the strict Content-Security-Policy: each GET
route of the URL map (found from the map itself, so a new route is covered the day it is
added), anonymous, signed in as an administrator and with an API token; error answers,
redirects, refused writes and static files included.  The one exception is a picture
fetched for an editor, which gets a stricter policy still (``default-src 'none'; sandbox``,
tests/security/test_csp_source_images.py)."""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from hub import create_app
from hub.db import EXTENSION as DB
from hub.db import new_session
from hub.security import CONTENT_SECURITY_POLICY
from hub.tokens import hash_token
from storage.models import ColumnRule, Item, ItemColumn, Upload, User
from tests.hub.conftest import logged_in, seed

TOKEN = "zq_test-token-for-the-csp-check"
REQUIRED = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self'",
    "object-src": "'none'", "base-uri": "'none'", "form-action": "'self'", "frame-ancestors": "'none'",
}


def directives(policy: str) -> dict[str, str]:
    return {d.split()[0]: " ".join(d.split()[1:]) for d in policy.split(";") if d.strip()}


def test_the_policy_is_as_strict_as_the_issue_asks():
    assert directives(CONTENT_SECURITY_POLICY) == REQUIRED
    for loose in ("unsafe-inline", "unsafe-eval", "http:", "https:", "data:", "blob:", "*"):
        assert loose not in CONTENT_SECURITY_POLICY


@pytest.fixture
def app(sqlite_url):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url})
    ids = seed(app)
    with new_session(app) as s:
        reporter = s.scalar(select(User).where(User.username == "reporter"))
        s.scalar(select(User).where(User.username == "boss")).api_token_hash = hash_token(TOKEN)
        submission = Item(title="报送的信息", url="", unit_id="kecheng", origin="submission", content_hash="d" * 64,
                          submitted_by_id=reporter.id, body_html="<p>报送正文</p>",
                          published_at=datetime(2026, 11, 21, tzinfo=timezone.utc))
        s.add(submission)
        s.flush()
        s.add(ItemColumn(item_id=submission.id, column_id="notices"))
        upload = Upload(item_id=submission.id, filename="说明.txt", content_type="text/plain", size=6,
                        sha256=hashlib.sha256("说明".encode()).hexdigest(), data="说明".encode(), uploaded_by_id=reporter.id)
        rule = ColumnRule(match="title_keyword", pattern="通知", column_id="notices")
        s.add_all([upload, rule])
        s.commit()
        app.ids = {**ids, "submission": submission.id, "upload": upload.id, "rule": rule.id, "user": reporter.id}
    yield app
    app.extensions[DB]["engine"].dispose()


def urls(app) -> list[str]:
    """One URL per GET route, its parameters taken from the seeded rows."""
    ids = app.ids
    values = {"item_id": ids["pending"], "upload_id": ids["upload"], "filename": "说明.txt", "rule_id": ids["rule"],
              "user_id": ids["user"], "source_id": "kecheng-notices", "column_id": "notices", "unit_id": "kecheng",
              "fmt": "atom", "part": 1, "rest": "nope",
              "letter_id": 1, "topic_id": 1, "entry_id": 1, "finding_id": 1, "evidence_id": 1, "event_id": 1, "report_id": 1}  # none seeded: their 404s carry it too
    per_endpoint = {"portal.item": {"item_id": ids["published"]}, "submissions.show": {"item_id": ids["submission"]},
                    "static": {"filename": "hub.css"}, "portal.column": {"column_id": "news"}}
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            args = {name: per_endpoint.get(rule.endpoint, {}).get(name, values.get(name)) for name in rule.arguments}
            missing = [name for name, value in args.items() if value is None]
            assert not missing, f"no test value for {rule.rule} {missing}: add one above"
            found.append(url_for(rule.endpoint, **args))
    return sorted(set(found))


def test_every_answer_carries_the_policy(app):
    anonymous, admin = app.test_client(), logged_in(app, "boss")
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    statuses = set()
    checked = 0
    for url in urls(app) + ["/hub/no-such-page", "/no-such-page", "/api/v1/items/999999"]:
        for client, headers in ((anonymous, {}), (admin, {}), (anonymous, bearer)):
            response = client.get(url, headers=headers)
            statuses.add(response.status_code)
            assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, (url, response.status_code)
            assert response.headers.get("X-Content-Type-Options") == "nosniff", url
            checked += 1
    item = app.ids["pending"]
    for response in (
        anonymous.post("/login", data={"username": "boss", "password": "x"}),  # no CSRF token: 400
        anonymous.post(f"/api/v1/items/{item}/publish"),  # a cookie-less write without a token: 401
        anonymous.post(f"/api/v1/items/{item}/publish", headers=bearer, json={"at": "not a date"}),
        admin.post("/hub/users/new"),  # a form without its CSRF token: 400
        admin.get("/logout"),  # POST only: 405
    ):
        statuses.add(response.status_code)
        assert response.headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY
        checked += 1
    assert {200, 302, 400, 401, 403, 404, 405} <= statuses, statuses  # pages, redirects and errors alike
    assert checked > 100
