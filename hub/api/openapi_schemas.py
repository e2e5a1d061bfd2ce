"""The component schemas of the OpenAPI document: what every JSON body looks like."""
from __future__ import annotations

from harvester.registry import FINDING_KINDS
from storage.models import ITEM_STATUSES, SOURCE_STATUSES, USER_ROLES
from supervision.models import FINDING_STATUSES

DATETIME = {"type": "string", "format": "date-time"}
NULLABLE_DATETIME = {"type": ["string", "null"], "format": "date-time"}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict, required: list[str] | None = None, description: str | None = None) -> dict:
    schema = {"type": "object", "properties": properties, "required": required or list(properties)}
    if description:
        schema["description"] = description
    return schema


def listing(item_schema: str, paged: bool = False) -> dict:
    properties = {"items": {"type": "array", "items": ref(item_schema)},
                  "total": {"type": "integer", "description": "Number of matching entries (all pages)."}}
    if paged:
        properties["page"] = {"type": "integer", "minimum": 1}
        properties["per_page"] = {"type": "integer", "minimum": 1, "maximum": 500}
    return obj(properties)


SCHEMAS = {
    "Error": obj({
        "error": {"type": "string", "description": "Machine-readable code, e.g. `unauthorized`, `wrong_status`."},
        "message": {"type": "string", "description": "What went wrong, in Chinese, for the user."},
    }, description="Every error answer."),
    "UnitRef": obj({"id": {"type": "string"}, "name": {"type": ["string", "null"]}}),
    "SourceLink": obj({
        "url": {"type": "string", "description": "Where the unit published the item (canonical URL)."},
        "unit_id": {"type": "string"},
        "unit_name": {"type": ["string", "null"]},
        "is_primary": {"type": "boolean", "description": "The first publisher: its URL, unit and date are the item's."},
        "published_at": NULLABLE_DATETIME,
        "status": {"type": "string", "enum": ["active", "withdrawn"],
                   "description": "`withdrawn`: the page is gone at the source."},
    }, description="One URL where a unit published the item (a repost by several units is one item)."),
    "Item": obj({
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "status": {"type": "string", "enum": list(ITEM_STATUSES)},
        "origin": {"type": "string", "enum": ["harvest", "submission"],
                   "description": "`harvest`: collected from a unit's site; `submission`: 信息报送 by a unit's reporter."},
        "unit": ref("UnitRef"),
        "columns": {"type": "array", "items": {"type": "string"}, "description": "Column ids (栏目)."},
        "url": {"type": ["string", "null"],
                "description": "The original page (原文链接) of a harvested item; null for a submission."},
        "summary": {"type": "string"},
        "published_at": {**NULLABLE_DATETIME, "description": "发布时间 (UTC)."},
        "published_date_only": {"type": "boolean",
                                "description": "The source gave the day only: published_at is 00:00 local time."},
        "sources": {"type": "array", "items": ref("SourceLink"), "description": "Primary first."},
        "flags": {"type": "array", "items": {"type": ["object", "string"]},
                  "description": "Notes for editors, e.g. `{\"kind\": \"updated_at_source\", \"url\", \"at\"}`."},
        "pinned": {"type": "boolean", "description": "置顶 in its columns."},
        "featured": {"type": "boolean", "description": "首页推荐."},
        "publish_at": {**NULLABLE_DATETIME, "description": "Status `scheduled`: when it goes public."},
        "sensitive_terms": {"type": "array", "items": {"type": "string"},
                            "description": "Sensitive terms found: publishing needs `confirm_sensitive`."},
        "status_reason": {"type": ["string", "null"], "description": "Why it was rejected or withdrawn."},
    }),
    "ItemDetail": {"allOf": [ref("Item"), obj({
        "body_html": {"type": "string", "description": "Sanitized HTML of the body."},
        "attachments": {"type": "array", "items": obj({"name": {"type": "string"}, "url": {"type": "string"}})},
    })]},
    "ItemList": listing("Item", paged=True),
    "Outcome": obj({
        "outcome": {"type": "string", "enum": ["pending", "adopted", "rejected", "withdrawn"],
                    "description": "As the unit sees it: `adopted` (采用) = published or scheduled; "
                                   "`rejected` (退回) with `status_reason`."},
        "submitted_at": DATETIME,
    }),
    "Submission": {"allOf": [ref("Item"), ref("Outcome")]},
    "SubmissionDetail": {"allOf": [ref("ItemDetail"), ref("Outcome")]},
    "SubmissionList": listing("Submission", paged=True),
    "SubmissionCreate": obj({
        "title": {"type": "string", "maxLength": 500},
        "body": {"type": "string", "description": "The body as HTML; sanitized (scripts, styles and "
                                                  "event handlers are removed)."},
        "columns": {"type": "array", "items": {"type": "string"}, "minItems": 1,
                    "description": "Target column ids (see `GET /columns`)."},
        "publish": {"type": "boolean", "default": False,
                    "description": "Publish at once (责任部门全责维护): only when the reporter's unit owns every target "
                                   "column (`owner` in `GET /columns`), else 422 and nothing is stored. An item the "
                                   "sensitive-term screen holds stays `pending` for an editor."},
    }, required=["title", "body", "columns"]),
    "PublishRequest": obj({
        "at": {**NULLABLE_DATETIME, "description": "Schedule for this time (ISO 8601, in the future; without an "
                                                   "offset it is Asia/Shanghai local time). Absent or null: now."},
        "confirm_sensitive": {"type": "boolean", "default": False,
                              "description": "Required (true) when the item has `sensitive_terms`: the editor "
                                             "checked them."},
    }, required=[]),
    "RejectRequest": obj({"reason": {"type": "string", "minLength": 1,
                                     "description": "Shown to the reporter of a submission."}}),
    "UnpublishRequest": obj({"reason": {"type": "string"}}, required=[]),
    "ItemPatch": obj({
        "title": {"type": "string", "minLength": 1, "maxLength": 500},
        "summary": {"type": "string", "maxLength": 2000},
        "columns": {"type": "array", "items": {"type": "string"},
                    "description": "The item's columns, replacing the current ones (later harvests keep them)."},
        "pinned": {"type": "boolean"},
        "featured": {"type": "boolean"},
    }, required=[], description="Only the fields sent change; edited title and summary survive later harvests."),
    "Column": obj({"id": {"type": "string"}, "name": {"type": "string"}, "position": {"type": "integer"},
                   "owner": {"type": ["string", "null"],
                             "description": "The unit that maintains the column itself (责任部门), if any."}}),
    "ColumnList": listing("Column"),
    "Unit": obj({"id": {"type": "string"}, "name": {"type": "string"},
                 "kind": {"type": "string"}, "homepage": {"type": "string"}}),
    "UnitList": listing("Unit"),
    "HarvestRun": obj({
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["running", "ok", "partial", "failed", "aborted"]},
        "started_at": DATETIME, "finished_at": NULLABLE_DATETIME,
        "fetched": {"type": "integer"}, "new": {"type": "integer"}, "updated": {"type": "integer"},
        "unchanged": {"type": "integer"}, "withdrawn": {"type": "integer"}, "errors": {"type": "integer"},
    }),
    "SourceHealth": obj({
        "id": {"type": "string"}, "unit": ref("UnitRef"), "url": {"type": "string"}, "type": {"type": "string"},
        "columns": {"type": "array", "items": {"type": "string"}},
        "review": {"type": "string", "description": "`required` or `auto`."},
        "status": {"type": "string", "enum": list(SOURCE_STATUSES)},
        "consecutive_failures": {"type": "integer"},
        "last_success": NULLABLE_DATETIME,
        "last_error": {"type": ["string", "null"]},
        "paused_reason": {"type": ["string", "null"]},
        "health_note": {"type": ["string", "null"]},
        "next_run": NULLABLE_DATETIME,
        "interval_seconds": {"type": ["integer", "null"]},
        "last_run": {"oneOf": [ref("HarvestRun"), {"type": "null"}]},
    }),
    "SourceList": listing("SourceHealth"),
    "Me": obj({
        "id": {"type": "integer"}, "username": {"type": "string"},
        "role": {"type": "string", "enum": list(USER_ROLES)},
        "unit": {"oneOf": [ref("UnitRef"), {"type": "null"}], "description": "A reporter's unit."},
    }),
    "Finding": obj({
        "id": {"type": "integer"},
        "unit_id": {"type": "string"},
        "kind": {"type": "string", "enum": list(FINDING_KINDS)},
        "owner": {"type": "string", "enum": ["unit", "portal"],
                  "description": "`portal`: `harvest_broken`, the portal office's reader cannot read the column; never "
                                 "held against the unit."},
        "source_id": {"type": ["string", "null"]},
        "url": {"type": "string"},
        "detail": {"type": "string", "description": "What is wrong, in Chinese."},
        "since": {**DATETIME, "description": "First seen."},
        "last_seen": DATETIME,
        "status": {"type": "string", "enum": [*FINDING_STATUSES, "overdue"],
                   "description": "In a status answer: as at the date asked for (open); in the findings list: now "
                                  "(`overdue`: open or reopened past its deadline)."},
        "status_now": {"type": "string", "enum": list(FINDING_STATUSES)},
        "closed_at": NULLABLE_DATETIME,
        "data": {"type": "object", "description": "The same facts for programs (days, newest, period, HTTP status…)."},
    }),
    "FindingList": listing("Finding", paged=True),
    "FindingEvent": obj({
        "id": {"type": "integer"}, "at": DATETIME,
        "action": {"type": "string", "enum": ["open", "rectify", "verify", "reopen", "close", "deadline", "comment"]},
        "label": {"type": "string"}, "from": {"type": ["string", "null"]}, "to": {"type": ["string", "null"]},
        "by": {"type": "string", "description": "A user name, or `system` for a check."},
        "note": {"type": "string"}, "data": {"type": "object", "description": "Deadlines before and after; a re-check's evidence."},
        "attachment": {"type": ["string", "null"], "description": "The name of a file attached on the hub's form."},
    }),
    "FindingDetail": {"allOf": [ref("Finding"), obj({
        "deadline": {"type": ["string", "null"], "format": "date", "description": "整改期限 (working days after it opened)."},
        "overdue": {"type": "boolean"},
        "history": {"type": "array", "items": ref("FindingEvent")},
    })]},
    "RectifyRequest": obj({"note": {"type": "string", "maxLength": 2000, "description": "What was done (required)."}}),
    "Freshness": obj({
        "source_id": {"type": "string"},
        "category": {"type": "string", "enum": ["dynamic", "notice", "plan", "other"]},
        "newest": {"type": ["string", "null"], "format": "date", "description": "Newest item date at the source."},
        "days": {"type": ["integer", "null"], "description": "Days from `newest` to the date asked for."},
        "limit_days": {"type": ["integer", "null"], "description": "Stale after this many days (null: no duty)."},
        "state": {"type": ["string", "null"], "enum": ["ok", "empty", "broken", "unreachable", None]},
        "note": {"type": ["string", "null"]},
        "watched": {"type": "boolean", "description": "Watched only: the list is read, nothing stored."},
        "columns": {"type": "array", "items": {"type": "string"}},
        "url": {"type": "string"},
    }),
    "Spread": obj({"median_hours": {"type": ["number", "null"]}, "p90_hours": {"type": ["number", "null"]},
                   "items": {"type": "integer"}}),
    "SupervisedUnit": obj({
        "id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"}, "homepage_url": {"type": "string"},
        "verdict": {"type": "string", "enum": ["合格", "不合格"]},
        "score": {"type": "number", "minimum": 0, "maximum": 100},
        "vetoes": {"type": "array", "items": {"type": "string", "enum": ["site_unreachable", "homepage_stale",
                                                                          "column_stale", "column_empty"]}},
        "deductions": {"type": "object", "additionalProperties": {"type": "number"},
                       "description": "Points lost by deduction key (`broken_link_item`: dead 原文链接)."},
        "findings": {"type": "array", "items": ref("Finding"), "description": "Open at the date asked for."},
        "freshness": {"type": "array", "items": ref("Freshness")},
        "latency": {"allOf": [ref("Spread"), obj({"to_portal": ref("Spread"), "window_days": {"type": "integer"}})],
                    "description": "Hours from publication at the source to harvest (and `to_portal`: to portal "
                                   "publication), items harvested in the 30 days before the date."},
        "availability": obj({"probes": {"type": "integer"}, "failed": {"type": "integer"},
                             "share": {"type": ["number", "null"]}, "window_days": {"type": "integer"}}),
        "homepage": obj({"newest": {"type": ["string", "null"]}, "days": {"type": ["integer", "null"]},
                         "from_columns": {"type": "boolean"}}),
        "duties": {"type": "array", "items": obj({
            "column": {"type": "string"}, "column_name": {"type": "string"}, "per": {"type": "string"},
            "period": {"type": "string", "format": "date"}, "period_label": {"type": "string"},
            "required": {"type": "integer"}, "delivered": {"type": "integer"}, "harvested": {"type": "integer"},
            "submitted": {"type": "integer"}, "short": {"type": "boolean"}})},
    }),
    "SupervisionStatus": obj({"at": {"type": "string", "format": "date"},
                              "units": {"type": "array", "items": ref("SupervisedUnit")}}),
}
