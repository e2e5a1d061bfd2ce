"""The REST API (/api/v1/): token auth, permissions, the editorial actions and their
audit, list filters and paging, 信息报送 by token, and the OpenAPI document."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from hub import create_app
from hub.db import EXTENSION, new_session
from hub.tokens import hash_token, new_token
from storage.models import AuditEntry, HarvestRun, Item, User
from tests.hub.conftest import csrf_from, seed

API = "/api/v1"
PUBLIC = {f"{API}/openapi.json"}
CATCH_ALL = "api.unknown"  # JSON 404/405 for unknown addresses, not an API operation
CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")


def give_token(app, username: str) -> str:
    token = new_token()
    with new_session(app) as s:
        s.scalar(select(User).where(User.username == username)).api_token_hash = hash_token(token)
        s.commit()
    return token


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def editor_h(app):
    return bearer(give_token(app, "editor"))


@pytest.fixture
def reporter_h(app):
    return bearer(give_token(app, "reporter"))


@pytest.fixture
def admin_h(app):
    return bearer(give_token(app, "boss"))


def api_routes(app) -> list[tuple[str, str]]:
    """(rule, method) of every API operation in the app's URL map."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/") and rule.endpoint != CATCH_ALL:
            routes += [(rule.rule, m) for m in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return routes


def concrete(rule: str, item_id: int) -> str:
    return CONVERTER.sub(str(item_id), rule)


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    body = response.get_json()
    assert set(body) == {"error", "message"}
    assert re.search(r"[\u4e00-\u9fff]", body["message"]), body  # a Chinese message for the user
    return body


def audit(app, item_id: int) -> list[AuditEntry]:
    with new_session(app) as s:
        return s.scalars(select(AuditEntry).where(AuditEntry.item_id == item_id).order_by(AuditEntry.id)).all()


def item_row(app, item_id: int) -> Item:
    with new_session(app) as s:
        item = s.get(Item, item_id)
        s.expunge(item)
        return item


# -- authentication -----------------------------------------------------------------------
def test_every_endpoint_refuses_anonymous_with_401(client, app):
    routes = [r for r in api_routes(app) if r[0] not in PUBLIC]
    assert len(routes) >= 12
    for rule, method in routes:
        response = client.open(concrete(rule, app.seeded["pending"]), method=method, json={})
        body = assert_error(response, 401)
        assert body["error"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Set-Cookie" not in response.headers
    assert item_row(app, app.seeded["pending"]).status == "pending"


def test_bad_tokens_and_deactivated_accounts_are_refused(client, app):
    token = give_token(app, "editor")
    for headers in ({"Authorization": "Bearer zq_not-a-token"}, {"Authorization": f"Basic {token}"},
                    {"Authorization": "Bearer "}):
        response = client.get(f"{API}/items", headers=headers)
        assert_error(response, 401)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert 'error="invalid_token"' in client.get(f"{API}/items", headers=bearer("zq_nope")).headers["WWW-Authenticate"]
    assert client.get(f"{API}/items", headers=bearer(token)).status_code == 200
    with new_session(app) as s:
        s.scalar(select(User).where(User.username == "editor")).active = False
        s.commit()
    assert "停用" in assert_error(client.get(f"{API}/items", headers=bearer(token)), 401)["message"]
    response = client.post(f"{API}/items/{app.seeded['pending']}/publish", headers=bearer(token))
    assert_error(response, 401)
    assert item_row(app, app.seeded["pending"]).status == "pending"


def test_session_cookie_never_authenticates_the_api(editor, app):
    """A signed-in browser cannot act through the API (no CSRF through the API), even with
    the session's CSRF token; and API answers never set or refresh the session cookie."""
    item = app.seeded["pending"]
    assert_error(editor.get(f"{API}/items"), 401)
    token = csrf_from(editor, "/review/")
    response = editor.post(f"{API}/items/{item}/publish", headers={"X-CSRF-Token": token})
    assert_error(response, 401)
    response = editor.post(f"{API}/items/{item}/publish", data={"csrf_token": token})
    assert_error(response, 401)
    assert item_row(app, item).status == "pending"
    assert audit(app, item) == []
    # With a token the same browser may call it; the response leaves the session cookie alone.
    response = editor.get(f"{API}/items", headers=bearer(give_token(app, "editor")))
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.headers.get("Vary", "")
    assert response.headers["Cache-Control"] == "no-store"
    # The hub's own forms still need the CSRF token, Bearer header or not.
    response = editor.post(f"/review/items/{item}/publish", headers=bearer(give_token(app, "editor")))
    assert response.status_code == 400
    assert item_row(app, item).status == "pending"


def test_me(client, app, reporter_h, editor_h):
    me = client.get(f"{API}/me", headers=reporter_h).get_json()
    assert (me["username"], me["role"], me["unit"]) == ("reporter", "reporter", {"id": "kecheng", "name": "柯城区人民政府"})
    me = client.get(f"{API}/me", headers=editor_h).get_json()
    assert me["role"] == "editor" and me["unit"] is None


# -- permissions ----------------------------------------------------------------------------
def test_reporter_may_not_review(client, app, reporter_h):
    item = app.seeded["pending"]
    published = app.seeded["published"]
    for path, body in ((f"{API}/items/{item}/publish", {}), (f"{API}/items/{item}/reject", {"reason": "不行"}),
                       (f"{API}/items/{published}/unpublish", {})):
        assert_error(client.post(path, headers=reporter_h, json=body), 403)
    assert_error(client.patch(f"{API}/items/{item}", headers=reporter_h, json={"title": "改"}), 403)
    assert_error(client.get(f"{API}/sources", headers=reporter_h), 403)
    assert item_row(app, item).status == "pending"
    assert item_row(app, published).status == "published"
    with new_session(app) as s:
        assert s.scalars(select(AuditEntry)).all() == []


def test_reporter_sees_only_their_units_submissions(client, app, reporter_h):
    # Harvested items (even of their own unit) are not theirs to see through the API.
    listing = client.get(f"{API}/items", headers=reporter_h).get_json()
    assert listing["items"] == [] and listing["total"] == 0
    assert_error(client.get(f"{API}/items/{app.seeded['pending']}", headers=reporter_h), 404)
    created = client.post(f"{API}/submissions", headers=reporter_h,
                          json={"title": "本单位报送", "body": "<p>正文</p>", "columns": ["news"]}).get_json()
    with new_session(app) as s:  # another unit's submission
        other = s.get(Item, created["id"])
        foreign = Item(title="江山报送", url="submission:x", unit_id="jiangshan", origin="submission",
                       content_hash="c" * 64, body_html="<p>x</p>")
        s.add(foreign)
        s.commit()
        foreign_id = foreign.id
        assert other.unit_id == "kecheng"
    listing = client.get(f"{API}/items", headers=reporter_h).get_json()
    assert [i["id"] for i in listing["items"]] == [created["id"]]
    assert client.get(f"{API}/items/{created['id']}", headers=reporter_h).status_code == 200
    assert_error(client.get(f"{API}/items/{foreign_id}", headers=reporter_h), 404)
    assert [i["id"] for i in client.get(f"{API}/submissions", headers=reporter_h).get_json()["items"]] == [created["id"]]


# -- editorial actions ------------------------------------------------------------------------
def test_editor_publishes_and_unpublishes_with_audit(client, app, editor_h):
    item = app.seeded["pending"]
    response = client.post(f"{API}/items/{item}/publish", headers=editor_h)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "published" and body["id"] == item and "body_html" in body
    assert item_row(app, item).status == "published"
    entries = audit(app, item)
    assert [(e.action, e.username, e.before, e.after) for e in entries] == [
        ("publish", "editor", {"status": "pending"}, {"status": "published"}),
    ]
    # Publishing a published item: the status does not allow it.
    assert assert_error(client.post(f"{API}/items/{item}/publish", headers=editor_h), 409)["error"] == "wrong_status"
    response = client.post(f"{API}/items/{item}/unpublish", headers=editor_h, json={"reason": "内容有误"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "withdrawn"
    assert response.get_json()["status_reason"] == "内容有误"
    assert audit(app, item)[-1].action == "unpublish"
    assert_error(client.post(f"{API}/items/{item}/unpublish", headers=editor_h), 409)
    assert len(audit(app, item)) == 2
    assert_error(client.post(f"{API}/items/99999/publish", headers=editor_h), 404)


def test_reject_needs_a_reason(client, app, admin_h):
    item = app.seeded["pending"]
    for body in ({}, {"reason": "  "}):
        assert_error(client.post(f"{API}/items/{item}/reject", headers=admin_h, json=body), 422)
    assert_error(client.post(f"{API}/items/{item}/reject", headers=admin_h), 422)
    assert_error(client.post(f"{API}/items/{item}/reject", headers=admin_h, json={"reason": 3}), 400)
    assert item_row(app, item).status == "pending"
    assert audit(app, item) == []
    response = client.post(f"{API}/items/{item}/reject", headers=admin_h, json={"reason": "标题不规范"})
    assert response.status_code == 200
    assert response.get_json()["status"] == "rejected"
    assert response.get_json()["status_reason"] == "标题不规范"
    [entry] = audit(app, item)
    assert (entry.action, entry.username, entry.after["reason"]) == ("reject", "boss", "标题不规范")


def test_schedule_and_sensitive_confirmation(client, app, editor_h):
    item = app.seeded["pending"]
    soon = (datetime.now(timezone.utc) + timedelta(days=2)).replace(microsecond=0)
    assert_error(client.post(f"{API}/items/{item}/publish", headers=editor_h, json={"at": "明天"}), 400)
    past = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    assert_error(client.post(f"{API}/items/{item}/publish", headers=editor_h, json={"at": past}), 422)
    assert_error(client.post(f"{API}/items/{item}/publish", headers=editor_h, json={"when": soon.isoformat()}), 400)
    response = client.post(f"{API}/items/{item}/publish", headers=editor_h, json={"at": soon.isoformat()})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["status"] == "scheduled"
    assert datetime.fromisoformat(response.get_json()["publish_at"]) == soon
    assert audit(app, item)[-1].action == "schedule"
    # A local time without offset is the portal's (Asia/Shanghai, UTC+8).
    local = (soon + timedelta(days=1)).astimezone(timezone(timedelta(hours=8))).replace(tzinfo=None)
    response = client.post(f"{API}/items/{item}/publish", headers=editor_h, json={"at": local.isoformat()})
    assert datetime.fromisoformat(response.get_json()["publish_at"]) == soon + timedelta(days=1)

    with new_session(app) as s:
        s.get(Item, app.seeded["published"]).status = "pending"
        s.get(Item, app.seeded["published"]).sensitive_terms = ["内部资料"]
        s.commit()
    other = app.seeded["published"]
    message = assert_error(client.post(f"{API}/items/{other}/publish", headers=editor_h), 422)["message"]
    assert "内部资料" in message
    assert item_row(app, other).status == "pending"
    response = client.post(f"{API}/items/{other}/publish", headers=editor_h, json={"confirm_sensitive": True})
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    assert audit(app, other)[-1].after["confirmed_sensitive"] == ["内部资料"]


def test_patch_edits_columns_and_flags_with_audit(client, app, editor_h):
    item = app.seeded["pending"]
    response = client.patch(f"{API}/items/{item}", headers=editor_h, json={
        "title": "  新的  标题 ", "summary": "摘要", "columns": ["news", "notices"], "pinned": True, "featured": True,
    })
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["title"], body["summary"], body["columns"], body["pinned"], body["featured"]) == (
        "新的 标题", "摘要", ["news", "notices"], True, True)
    assert [e.action for e in audit(app, item)] == ["edit", "columns", "pin", "feature"]
    assert all(e.username == "editor" for e in audit(app, item))
    # All or nothing: an unknown column leaves the title alone too.
    response = client.patch(f"{API}/items/{item}", headers=editor_h, json={"title": "不该保存", "columns": ["nope"]})
    assert "nope" in assert_error(response, 422)["message"]
    assert item_row(app, item).title == "新的 标题"
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, json={"title": ""}), 422)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, json={"status": "published"}), 400)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, json={"pinned": "yes"}), 400)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, json={"columns": "news"}), 400)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, json=["title"]), 400)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, data="title=x",
                              content_type="application/x-www-form-urlencoded"), 400)
    assert_error(client.patch(f"{API}/items/{item}", headers=editor_h, data="{broken",
                              content_type="application/json"), 400)
    assert len(audit(app, item)) == 4
    response = client.patch(f"{API}/items/{item}", headers=editor_h, json={"pinned": False})
    assert response.get_json()["pinned"] is False
    assert audit(app, item)[-1].action == "unpin"


# -- the list --------------------------------------------------------------------------------
def test_list_items_fields_filters_and_paging(client, app, editor_h):
    listing = client.get(f"{API}/items", headers=editor_h).get_json()
    assert listing["total"] == 2 and listing["page"] == 1 and listing["per_page"] == 50
    first = listing["items"][0]  # newest 发布时间 first
    assert first["id"] == app.seeded["pending"]
    assert first["unit"] == {"id": "kecheng", "name": "柯城区人民政府"}
    assert first["columns"] == ["notices"]
    assert first["url"] == "http://kc.example/tzgg/1.html"
    assert first["published_at"] == "2026-11-20T16:30:00+00:00"
    assert first["flags"] == ["date-mismatch"]
    assert first["sources"][0] == {
        "url": "http://kc.example/tzgg/1.html", "unit_id": "kecheng", "unit_name": "柯城区人民政府",
        "is_primary": True, "published_at": "2026-11-20T16:30:00+00:00", "status": "active",
    }
    assert first["sources"][1]["unit_name"] == "江山市人民政府" and first["sources"][1]["is_primary"] is False
    for key in ("summary", "origin", "pinned", "featured", "publish_at", "sensitive_terms", "status_reason", "status"):
        assert key in first
    assert "body_html" not in first
    detail = client.get(f"{API}/items/{first['id']}", headers=editor_h).get_json()
    assert detail["body_html"] == "<p>正文<strong>内容</strong></p>"
    assert detail["attachments"] == [{"url": "http://kc.example/files/a.pdf", "name": "附件一.pdf"}]

    def ids(query: str) -> list[int]:
        response = client.get(f"{API}/items?{query}", headers=editor_h)
        assert response.status_code == 200, response.get_data(as_text=True)
        return [i["id"] for i in response.get_json()["items"]]

    pending, published = app.seeded["pending"], app.seeded["published"]
    assert ids("status=pending") == [pending]
    assert ids("status=published") == [published]
    assert ids("status=rejected") == []
    assert ids("unit=jiangshan") == [published]
    assert ids("column=notices") == [pending]
    assert ids("column=news&status=pending") == []
    assert ids("origin=harvest") == [pending, published]
    assert ids("origin=submission") == []
    assert ids("per_page=1") == [pending]
    assert ids("per_page=1&page=2") == [published]
    assert ids("per_page=1&page=3") == []
    assert ids("per_page=500") == [pending, published]
    for query, word in (("per_page=501", "500"), ("per_page=0", "per_page"), ("per_page=x", "per_page"),
                        ("page=0", "page"), ("page=-1", "page"), ("status=draft", "status"),
                        ("unit=nowhere", "nowhere"), ("column=nope", "nope"),
                        ("origin=rss", "origin")):
        assert word in assert_error(client.get(f"{API}/items?{query}", headers=editor_h), 400)["message"]


# -- 信息报送 ----------------------------------------------------------------------------------
def test_reporter_submits_by_token(client, app, reporter_h, editor_h):
    response = client.post(f"{API}/submissions", headers=reporter_h, json={
        "title": "柯城区召开安全生产会议",
        "body": '<p onclick="x()">会议要求<script>alert(1)</script>落实责任。</p>',
        "columns": ["news"],
    })
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"].endswith(f"{API}/items/{body['id']}")
    assert (body["status"], body["origin"], body["outcome"]) == ("pending", "submission", "pending")
    assert body["unit"] == {"id": "kecheng", "name": "柯城区人民政府"}
    assert body["columns"] == ["news"] and body["url"] is None
    assert "<script" not in body["body_html"] and "alert(1)" not in body["body_html"]
    assert "onclick" not in body["body_html"] and "会议要求" in body["body_html"]
    with new_session(app) as s:
        item = s.get(Item, body["id"])
        assert (item.status, item.unit_id, item.origin) == ("pending", "kecheng", "submission")
        assert item.submitted_by.username == "reporter"
        assert "<script" not in item.body_html
    assert [e.action for e in audit(app, body["id"])] == ["submit"]

    listing = client.get(f"{API}/submissions", headers=reporter_h).get_json()
    assert [(i["id"], i["outcome"]) for i in listing["items"]] == [(body["id"], "pending")]
    client.post(f"{API}/items/{body['id']}/reject", headers=editor_h, json={"reason": "请补充会议时间"})
    [entry] = client.get(f"{API}/submissions", headers=reporter_h).get_json()["items"]
    assert (entry["status"], entry["outcome"], entry["status_reason"]) == ("rejected", "rejected", "请补充会议时间")
    assert client.get(f"{API}/submissions?status=pending", headers=reporter_h).get_json()["total"] == 0
    client.post(f"{API}/items/{body['id']}/publish", headers=editor_h)
    [entry] = client.get(f"{API}/submissions", headers=reporter_h).get_json()["items"]
    assert (entry["status"], entry["outcome"]) == ("published", "adopted")


def test_submission_errors(client, app, reporter_h, editor_h):
    good = {"title": "标题", "body": "<p>正文</p>", "columns": ["news"]}
    assert "nope" in assert_error(client.post(f"{API}/submissions", headers=reporter_h,
                                              json={**good, "columns": ["nope"]}), 422)["message"]
    assert_error(client.post(f"{API}/submissions", headers=reporter_h, json={**good, "columns": []}), 422)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h, json={**good, "title": " "}), 422)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h,
                             json={**good, "body": "<script>alert(1)</script>"}), 422)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h,
                             json={"body": "<p>正文</p>", "columns": ["news"]}), 422)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h, json={**good, "columns": "news"}), 400)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h, json={**good, "unit": "jiangshan"}), 400)
    assert_error(client.post(f"{API}/submissions", headers=reporter_h), 400)
    huge = {**good, "body": "<p>" + "长" * (3 * 1024 * 1024) + "</p>"}  # 9 MB of UTF-8: over the JSON limit
    assert_error(client.post(f"{API}/submissions", headers=reporter_h, json=huge), 413)
    # Editors publish directly: the 报送 channel is the units' reporters'.
    assert_error(client.post(f"{API}/submissions", headers=editor_h, json=good), 403)
    assert_error(client.get(f"{API}/submissions", headers=editor_h), 403)
    with new_session(app) as s:
        assert s.scalars(select(Item).where(Item.origin == "submission")).all() == []


# -- look-ups ----------------------------------------------------------------------------------
def test_columns_units_and_sources(client, app, reporter_h, editor_h):
    columns = client.get(f"{API}/columns", headers=reporter_h).get_json()
    assert columns == {"items": [{"id": "notices", "name": "通知公告", "position": 1, "owner": None},
                                 {"id": "news", "name": "政务动态", "position": 2, "owner": None}], "total": 2}
    units = client.get(f"{API}/units", headers=reporter_h).get_json()
    assert [u["id"] for u in units["items"]] == ["jiangshan", "kecheng"]
    with new_session(app) as s:
        s.add_all([
            HarvestRun(source_id="kecheng-notices", status="failed", errors=1,
                       started_at=datetime(2026, 11, 1, tzinfo=timezone.utc)),
            HarvestRun(source_id="kecheng-notices", status="ok", fetched=5, new=2,
                       started_at=datetime(2026, 11, 2, tzinfo=timezone.utc)),
        ])
        s.commit()
    sources = {s["id"]: s for s in client.get(f"{API}/sources", headers=editor_h).get_json()["items"]}
    assert set(sources) == {"kecheng-notices", "jiangshan-news"}
    kc = sources["kecheng-notices"]
    assert kc["status"] == "ok" and kc["unit"] == {"id": "kecheng", "name": "柯城区人民政府"}
    assert (kc["last_run"]["status"], kc["last_run"]["fetched"], kc["last_run"]["new"]) == ("ok", 5, 2)
    assert sources["jiangshan-news"]["last_run"] is None


def test_unknown_addresses_and_methods_answer_json(client, app, editor_h):
    assert_error(client.get(f"{API}/nothing-here", headers=editor_h), 404)
    assert_error(client.get("/api/v2/items"), 404)
    response = client.delete(f"{API}/items/{app.seeded['pending']}", headers=editor_h)
    assert_error(response, 405)
    assert {"GET", "PATCH"} <= set(response.headers["Allow"].replace(" ", "").split(","))
    assert item_row(app, app.seeded["pending"]).status == "pending"


# -- the OpenAPI document ---------------------------------------------------------------------
def _resolve(doc: dict, ref: str):
    assert ref.startswith("#/"), ref
    node = doc
    for part in ref[2:].split("/"):
        assert part in node, f"unresolved $ref {ref}"
        node = node[part]
    return node


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def test_openapi_document_describes_every_route(client, app):
    response = client.get(f"{API}/openapi.json")  # public: no token
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["openapi"].startswith("3.1")
    assert doc["info"]["title"] and doc["info"]["version"]
    assert doc["servers"] == [{"url": API}]
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/openapi.json"]["get"]["security"] == []
    for ref in _refs(doc):
        _resolve(doc, ref)

    described = {(path, method.upper()) for path, ops in doc["paths"].items() for method in ops}
    routes = {(CONVERTER.sub(r"{\1}", rule)[len(API):], method) for rule, method in api_routes(app)}
    assert routes == described

    operation_ids = []
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            operation_ids.append(op["operationId"])
            assert op["summary"] and op["description"] and op["responses"]
            assert any(code.startswith("2") for code in op["responses"]), (path, method)
            if path != "/openapi.json":
                assert "401" in op["responses"], (path, method)
            params = [_resolve(doc, p["$ref"]) if "$ref" in p else p for p in op.get("parameters", [])]
            in_path = {p["name"] for p in params if p["in"] == "path"}
            assert in_path == set(re.findall(r"{(\w+)}", path)), (path, method)
            if method in ("post", "patch") and path != "/openapi.json":
                assert "requestBody" in op, (path, method)
    assert len(operation_ids) == len(set(operation_ids))
    unauthorized = doc["components"]["responses"]["Unauthorized"]
    assert "WWW-Authenticate" in unauthorized["headers"]
    item = doc["components"]["schemas"]["Item"]["properties"]
    for key in ("id", "title", "status", "unit", "columns", "url", "sources", "flags", "summary", "published_at",
                "origin", "pinned", "featured", "publish_at", "sensitive_terms", "status_reason"):
        assert key in item
    per_page = doc["components"]["parameters"]["PerPage"]["schema"]
    assert (per_page["default"], per_page["maximum"]) == (50, 500)


# -- both databases ----------------------------------------------------------------------------
def test_list_and_publish_on_both_databases(db_url):
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url})
    try:
        seeded = seed(app)
        client = app.test_client()
        headers = bearer(give_token(app, "editor"))
        listing = client.get(f"{API}/items?status=pending&column=notices&unit=kecheng", headers=headers).get_json()
        assert [i["id"] for i in listing["items"]] == [seeded["pending"]] and listing["total"] == 1
        assert listing["items"][0]["published_at"] == "2026-11-20T16:30:00+00:00"
        response = client.post(f"{API}/items/{seeded['pending']}/publish", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)
        assert client.get(f"{API}/items?status=published&per_page=500", headers=headers).get_json()["total"] == 2
        assert [e.action for e in audit(app, seeded["pending"])] == ["publish"]
        response = client.patch(f"{API}/items/{seeded['pending']}", headers=headers, json={"columns": ["nope"]})
        assert_error(response, 422)
        submitted = client.post(f"{API}/submissions", headers=bearer(give_token(app, "reporter")),
                                json={"title": "报送", "body": "<p>正文</p>", "columns": ["news"]})
        assert submitted.status_code == 201
        assert item_row(app, submitted.get_json()["id"]).status == "pending"
    finally:
        app.extensions[EXTENSION]["engine"].dispose()
