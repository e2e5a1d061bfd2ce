"""责任部门全责维护: the owner unit's reporters publish into their columns directly (still
screened), never into others'; editors can still unpublish; the hub shows owners their columns."""
from __future__ import annotations

from sqlalchemy import select

from hub.db import new_session
from storage.models import AuditEntry, Item, PortalColumn
from tests.hub.conftest import csrf_from
from tests.hub.test_api import bearer, give_token

API = "/api/v1/submissions"


def own(app, column: str = "notices", unit: str = "kecheng") -> None:
    with new_session(app) as s:
        s.get(PortalColumn, column).owner_unit_id = unit
        s.commit()


def test_api_publishes_into_owned_columns_only(app, client):
    own(app)
    headers = bearer(give_token(app, "reporter"))
    body = {"title": "柯城区2026年12月停水通知", "body": "<p>因管网改造，12月8日停水。</p>", "columns": ["notices"], "publish": True}
    created = client.post(API, json=body, headers=headers)
    assert created.status_code == 201 and created.get_json()["status"] == "published"
    item_id = created.get_json()["id"]
    assert client.get(f"/items/{item_id}").status_code == 200
    assert "停水通知" in client.get("/columns/notices").get_data(as_text=True)

    # Any column it does not own: refused, nothing stored, never published.
    for columns in (["news"], ["notices", "news"]):
        refused = client.post(API, json={**body, "title": "越权发布", "columns": columns}, headers=headers)
        assert refused.status_code == 422 and "不由本单位维护" in refused.get_json()["message"]
    # Without "publish": review as today.
    queued = client.post(API, json={**body, "title": "普通报送", "columns": ["news"], "publish": False}, headers=headers)
    assert queued.get_json()["status"] == "pending"
    # The sensitive-term screen still holds it for an editor.
    held = client.post(API, json={**body, "title": "内部资料：停水方案"}, headers=headers)
    assert held.status_code == 201 and held.get_json()["status"] == "pending"
    with new_session(app) as s:
        titles = set(s.scalars(select(Item.title)))
        assert "越权发布" not in titles
        assert [a.action for a in s.scalars(select(AuditEntry).where(AuditEntry.item_id == item_id)
                                            .order_by(AuditEntry.id))] == ["submit", "publish"]
        assert s.scalar(select(AuditEntry.username).where(AuditEntry.item_id == item_id,
                                                           AuditEntry.action == "publish")) == "reporter"

    # The editor can still take it down.
    editor = bearer(give_token(app, "editor"))
    assert client.post(f"/api/v1/items/{item_id}/unpublish", json={}, headers=editor).get_json()["status"] == "withdrawn"
    assert client.get("/api/v1/columns", headers=headers).get_json()["items"][0]["owner"] == "kecheng"


def test_another_units_reporter_cannot_publish_there(app, client):
    own(app, unit="jiangshan")
    headers = bearer(give_token(app, "reporter"))  # kecheng's
    refused = client.post(API, json={"title": "t", "body": "b", "columns": ["notices"], "publish": True}, headers=headers)
    assert refused.status_code == 422 and "没有负责维护的栏目" in refused.get_json()["message"]


def test_hub_form_and_owner_page(app, reporter, editor):
    own(app)
    form = reporter.get("/hub/submissions/new").get_data(as_text=True)
    assert "直接发布" in form and "本单位负责维护" in form
    response = reporter.post("/hub/submissions/new", data={
        "csrf_token": csrf_from(reporter, "/hub/submissions/new"), "title": "柯城区供暖通知",
        "body_html": "供暖时间调整。", "columns": ["notices"], "publish": "1"}, follow_redirects=True)
    assert "已直接发布" in response.get_data(as_text=True)
    refused = reporter.post("/hub/submissions/new", data={
        "csrf_token": csrf_from(reporter, "/hub/submissions/new"), "title": "越权",
        "body_html": "x", "columns": ["news"], "publish": "1"})
    assert refused.status_code == 422 and 'value="越权"' in refused.get_data(as_text=True)
    page = reporter.get("/hub/columns/").get_data(as_text=True)
    assert "通知公告" in page and "已发布 1 条" in page and "柯城区供暖通知" in page and "政务动态" not in page
    assert "柯城区人民政府" in editor.get("/hub/columns/").get_data(as_text=True)
