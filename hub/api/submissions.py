"""信息报送 through the API: a reporter's token submits for the reporter's unit
and lists that unit's submissions with their outcome.

Only reporters submit (editors publish directly, as on the hub's pages); the
unit always comes from the token's account, never from the request.
"""
from __future__ import annotations

from flask import g, jsonify, url_for
from sqlalchemy import select

from hub.api import bp, serialize
from hub.api.auth import token_required
from hub.api.errors import commit_or_refuse
from hub.api.items import load, page_of, status_filter, visible
from hub.api.params import field, json_body, string_list
from hub.submissions.service import SUBMITTERS, SubmissionError, create_submission
from storage.models import Item

FIELDS = ("title", "body", "columns", "publish")


@bp.get("/v1/submissions")
@token_required(*SUBMITTERS)
def list_submissions():
    query = visible(g.api_user, status_filter(select(Item).where(Item.origin == "submission")))
    return jsonify(page_of(query.order_by(Item.created_at.desc(), Item.id.desc()), serialize.submission))


@bp.post("/v1/submissions")
@token_required(*SUBMITTERS)
def create():
    body = json_body(FIELDS)
    title = field(body, "title", str, required=True)
    html = field(body, "body", str, required=True)
    columns = string_list(body, "columns", required=True)
    publish = field(body, "publish", bool) is True
    item = commit_or_refuse(lambda session: create_submission(
        session, g.api_user, title=title, body_html=html, column_ids=columns, uploads=[], publish=publish),
        ((SubmissionError, 422, None),))
    response = jsonify(serialize.submission(load(item.id), detail=True))
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_item", item_id=item.id)
    return response
