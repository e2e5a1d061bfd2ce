"""The OpenAPI 3.1 document of the API, served publicly at ``/api/v1/openapi.json``.

Written by hand next to the routes (the tests check that every route is in it).
"""
from __future__ import annotations

from flask import current_app, jsonify

from hub.actions import ALLOWED_FROM
from hub.api import bp
from hub.api.items import PER_PAGE_DEFAULT, PER_PAGE_MAX
from hub.api.openapi_schemas import SCHEMAS, ref
from harvester.registry import FINDING_KINDS
from storage.models import ITEM_ORIGINS, ITEM_STATUSES
from supervision.models import FINDING_STATUSES

VERSION = "1.0.0"
ERROR = {"application/json": {"schema": ref("Error")}}
RESPONSES = {
    "BadRequest": "Malformed request: a bad query parameter, a body that is not a JSON object, a field of the "
                  "wrong type or an unknown field.",
    "Unauthorized": "No token, an unknown or revoked token, or the token's account is deactivated.",
    "Forbidden": "The token's role may not do this.",
    "NotFound": "No such item, or not one the token's user may see.",
    "Conflict": "The item's status does not allow this action (e.g. publishing a published item).",
    "Unprocessable": "The content is invalid: missing reason, unknown column, empty title, sensitive terms not "
                     "confirmed, a schedule time in the past…",
}
SCOPE = ("Editors and admins see every item. A reporter sees only the submissions (信息报送) of their own unit; "
         "any other item is 404 for them.")
ACTIONS_NOTE = "Editors and admins only (reporters: 403). Written to the audit log. Returns the item as it is now."


def _response(name: str) -> dict:
    return {"$ref": f"#/components/responses/{name}"}


def _ok(schema: str, description: str, status: str = "200") -> dict:
    return {status: {"description": description, "content": {"application/json": {"schema": ref(schema)}}}}


def _errors(*names: str) -> dict:
    codes = {"BadRequest": "400", "Unauthorized": "401", "Forbidden": "403", "NotFound": "404",
             "Conflict": "409", "Unprocessable": "422"}
    return {codes[n]: _response(n) for n in ("Unauthorized", *names)}


def _body(schema: str, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": ref(schema)}}}


def _param(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _operation(op_id: str, summary: str, description: str, responses: dict, tags: list[str], **extra) -> dict:
    return {"operationId": op_id, "summary": summary, "description": description, "tags": tags,
            "responses": responses, **extra}


def _applies(action: str) -> str:
    statuses = ", ".join(f"`{s}`" for s in ITEM_STATUSES if s in ALLOWED_FROM[action])
    return f"Applies to items in status {statuses} (409 otherwise)."


def _action(op_id: str, summary: str, description: str, body: str, body_required: bool) -> dict:
    return {"post": _operation(
        op_id, summary, f"{description} {ACTIONS_NOTE}",
        {**_ok("ItemDetail", "The item after the action."),
         **_errors("BadRequest", "Forbidden", "NotFound", "Conflict", "Unprocessable")},
        ["items"], parameters=[_param("ItemId")], requestBody=_body(body, body_required),
    )}


PATHS = {
    "/openapi.json": {"get": _operation(
        "getOpenAPI", "This document", "The OpenAPI 3.1 description of the API. Public (no token).",
        {"200": {"description": "The document.", "content": {"application/json": {"schema": {"type": "object"}}}}},
        ["meta"], security=[],
    )},
    "/me": {"get": _operation(
        "getMe", "The token's account", "Who the token belongs to: role and (for reporters) unit.",
        {**_ok("Me", "The account."), **_errors()}, ["meta"],
    )},
    "/items": {"get": _operation(
        "listItems", "List items",
        f"Items, newest 发布时间 first, filtered and paged. {SCOPE}",
        {**_ok("ItemList", "One page of items."), **_errors("BadRequest")}, ["items"],
        parameters=[_param("Status"), _param("Unit"), _param("Column"), _param("Origin"), _param("Page"),
                    _param("PerPage")],
    )},
    "/items/{item_id}": {
        "get": _operation(
            "getItem", "One item", f"The item with its body and attachments. {SCOPE}",
            {**_ok("ItemDetail", "The item."), **_errors("NotFound")}, ["items"], parameters=[_param("ItemId")],
        ),
        "patch": _operation(
            "updateItem", "Edit an item",
            "Change title, summary, columns (栏目), 置顶 (pinned) or 首页推荐 (featured); only the fields sent change, "
            f"all or nothing. {ACTIONS_NOTE}",
            {**_ok("ItemDetail", "The item after the change."),
             **_errors("BadRequest", "Forbidden", "NotFound", "Unprocessable")},
            ["items"], parameters=[_param("ItemId")], requestBody=_body("ItemPatch"),
        ),
    },
    "/items/{item_id}/publish": _action(
        "publishItem", "Publish or schedule",
        "Publish now (status `published`), or at `at` (status `scheduled` until then). "
        f"{_applies('publish')} An item with `sensitive_terms` needs `confirm_sensitive: true` (422 otherwise).",
        "PublishRequest", False,
    ),
    "/items/{item_id}/reject": _action(
        "rejectItem", "Reject (退回)",
        "Reject with a reason (required, 422 without), shown to the reporter of a submission. "
        f"{_applies('reject')}", "RejectRequest", True,
    ),
    "/items/{item_id}/unpublish": _action(
        "unpublishItem", "Unpublish (撤销发布)",
        "Take an item off the portal (status `withdrawn`), with an optional reason. "
        f"{_applies('unpublish')}", "UnpublishRequest", False,
    ),
    "/submissions": {
        "get": _operation(
            "listSubmissions", "Our unit's submissions",
            "Reporters only (others: 403): the submissions (信息报送) of the token's unit, newest first, with "
            "their outcome — pending, adopted (采用) or rejected (退回, with `status_reason`).",
            {**_ok("SubmissionList", "One page of submissions."), **_errors("BadRequest", "Forbidden")},
            ["submissions"], parameters=[_param("Status"), _param("Page"), _param("PerPage")],
        ),
        "post": _operation(
            "createSubmission", "Submit (报送)",
            "Reporters only (others: 403). Submits an item for the token's own unit (never one named in the "
            "request); it waits for review (status `pending`), or, with `publish: true` into columns the unit "
            "owns, is published at once (refused with 422 for any other column: never published). The body is "
            "sanitized and screened for sensitive terms. Attachments are submitted on the hub's form.",
            {**_ok("SubmissionDetail", "The submission, pending review. `Location` names it.", "201"),
             **_errors("BadRequest", "Forbidden", "Unprocessable")},
            ["submissions"], requestBody=_body("SubmissionCreate"),
        ),
    },
    "/columns": {"get": _operation(
        "listColumns", "Columns (栏目)", "Every portal column, in the portal's order.",
        {**_ok("ColumnList", "The columns."), **_errors()}, ["catalog"],
    )},
    "/units": {"get": _operation(
        "listUnits", "Units (单位)", "Every unit of the federation.",
        {**_ok("UnitList", "The units."), **_errors()}, ["catalog"],
    )},
    "/supervision/status": {"get": _operation(
        "getSupervisionStatus", "Supervision status (监管结论) as of a date",
        "Every unit's verdict (`合格` / `不合格`), 100-point score, vetoes (单项否决), the findings open at that "
        "date, column freshness, duties and harvest latency: the same JSON as `zhanqun supervise status --json`. "
        "Computed from stored history, so any past date works. Editors and admins see every unit; a reporter only "
        "their own (403 for another `unit`). Times carry the portal's UTC offset.",
        {**_ok("SupervisionStatus", "The status."), **_errors("BadRequest", "Forbidden")}, ["supervision"],
        parameters=[_param("At"), _param("SupervisionUnit")],
    )},
    "/supervision/findings": {"get": _operation(
        "listFindings", "Findings (问题)",
        "Findings newest first: one per lasting problem, `open` while the checks see it, `closed` by the first check "
        "that no longer does. Editors and admins see every unit; a reporter only their own (403 for another `unit`).",
        {**_ok("FindingList", "One page of findings."), **_errors("BadRequest", "Forbidden")}, ["supervision"],
        parameters=[_param("SupervisionUnit"), _param("FindingKind"), _param("FindingStatus"), _param("Page"),
                    _param("PerPage")],
    )},
    "/supervision/findings/{finding_id}": {"get": _operation(
        "getFinding", "A finding (问题) with its history",
        "The finding, its deadline (整改期限) and status — `overdue` for an open or reopened finding past its "
        "deadline — and its history: opened, rectified (整改), verified (复核通过) or reopened (复核未通过), closed, "
        "deadline changes, comments. A reporter only their own unit's (403 for another unit's, 404 for no such id).",
        {**_ok("FindingDetail", "The finding."), **_errors("Forbidden", "NotFound")}, ["supervision"],
        parameters=[_param("FindingId")],
    )},
    "/supervision/findings/{finding_id}/rectify": {"post": _operation(
        "rectifyFinding", "Report a finding fixed (整改)",
        "The unit's reporter, or an editor or admin: `{\"note\"}` says what was done; the status becomes `rectified` "
        "until the next check of the unit (or `zhanqun supervise check --unit ID`) verifies it or reopens it. "
        "409 when the finding is not open or reopened; 400 without a note; 403 for another unit's finding.",
        {**_ok("FindingDetail", "The finding after the report."),
         **_errors("BadRequest", "Forbidden", "NotFound", "Conflict")}, ["supervision"],
        parameters=[_param("FindingId")], requestBody=_body("RectifyRequest"),
    )},
    "/sources": {"get": _operation(
        "listSources", "Sources (来源) and their health",
        "Editors and admins only (reporters: 403): every harvested address with its status, failures, "
        "last success and last harvest run.",
        {**_ok("SourceList", "The sources."), **_errors("Forbidden")}, ["catalog"],
    )},
}

PARAMETERS = {
    "At": {"name": "at", "in": "query", "required": False,
           "description": "The date (YYYY-MM-DD, portal time) the status is for; default today; 400 for a future date.",
           "schema": {"type": "string", "format": "date"}},
    "SupervisionUnit": {"name": "unit", "in": "query", "required": False,
                        "description": "Only this unit (400 for an unknown unit; a reporter may name only their own).",
                        "schema": {"type": "string"}},
    "FindingKind": {"name": "kind", "in": "query", "required": False, "description": "Only findings of this kind.",
                    "schema": {"type": "string", "enum": list(FINDING_KINDS)}},
    "FindingStatus": {"name": "status", "in": "query", "required": False,
                      "description": "`open`, `rectified` (the unit reported it fixed), `reopened` (a re-check still saw "
                                     "it), `verified` (gone after a report), `closed` (gone by itself), or `overdue` "
                                     "(open or reopened past its deadline; `open` and `reopened` then leave these out).",
                      "schema": {"type": "string", "enum": [*FINDING_STATUSES, "overdue"]}},
    "FindingId": {"name": "finding_id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "ItemId": {"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "Status": {"name": "status", "in": "query", "required": False,
               "description": "Only items in this status (400 for another value).",
               "schema": {"type": "string", "enum": list(ITEM_STATUSES)}},
    "Unit": {"name": "unit", "in": "query", "required": False,
             "description": "Only items whose (primary) unit has this id (400 for an unknown unit).",
             "schema": {"type": "string"}},
    "Column": {"name": "column", "in": "query", "required": False,
               "description": "Only items in the column with this id (400 for an unknown column).",
               "schema": {"type": "string"}},
    "Origin": {"name": "origin", "in": "query", "required": False,
               "description": "`harvest` (collected from units' sites) or `submission` (信息报送); 400 for another "
                              "value.", "schema": {"type": "string", "enum": list(ITEM_ORIGINS)}},
    "Page": {"name": "page", "in": "query", "required": False, "description": "1 for the first page.",
             "schema": {"type": "integer", "minimum": 1, "default": 1}},
    "PerPage": {"name": "per_page", "in": "query", "required": False,
                "description": f"Entries per page, at most {PER_PAGE_MAX} (400 above).",
                "schema": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT}},
}


def document() -> dict:
    from interaction import openapi as letters  # documented next to its routes (interaction/api.py)

    responses = {
        name: {"description": text, "content": ERROR} for name, text in RESPONSES.items()
    }
    responses["Unauthorized"]["headers"] = {"WWW-Authenticate": {
        "description": "`Bearer realm=\"zhanqun\"`, with `error=\"invalid_token\"` for a bad token.",
        "schema": {"type": "string"},
    }}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{current_app.config['PORTAL_NAME']} hub API",
            "version": VERSION,
            "description": (
                "The editors' hub over HTTP: review items, submit (信息报送), answer letters (政民互动), read supervision "
                "verdicts and findings (监管), look up columns, units and sources. "
                "Authenticate every request (except this document) with `Authorization: Bearer <token>` (an API "
                "token issued to a hub account); session cookies are ignored. Permissions are those of the "
                "account's role. Errors are JSON `{\"error\", \"message\"}` with the message in Chinese. "
                "Times are ISO 8601; answers give them in UTC."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearerAuth": []}],
        "tags": [{"name": "items", "description": "Items and the editorial actions (审核)."},
                 {"name": "submissions", "description": "信息报送 by units' reporters."},
                 {"name": "letters", "description": "政民互动: citizens' letters, dispatched to and answered by units."},
                 {"name": "supervision", "description": "监管: verdicts, scores, findings (national check indicators)."},
                 {"name": "catalog", "description": "Ids to filter and submit with."},
                 {"name": "meta", "description": "The API itself."}],
        "paths": {**PATHS, **letters.PATHS},
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "An API token of a hub account."}},
            "schemas": {**SCHEMAS, **letters.SCHEMAS}, "parameters": {**PARAMETERS, **letters.PARAMETERS},
            "responses": responses,
        },
    }


@bp.get("/v1/openapi.json")
def openapi_json():
    response = jsonify(document())
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
