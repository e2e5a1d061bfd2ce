"""The letters' part of the API's OpenAPI document (merged by hub.api.openapi)."""
from __future__ import annotations

from hub.api.openapi import _body, _errors, _ok, _operation, _param
from hub.api.openapi_schemas import DATETIME, NULLABLE_DATETIME, listing, obj
from interaction.models import LETTER_KINDS, LETTER_STATUSES

SCOPE = ("Editors and admins (the portal office) see every letter; a reporter sees only the letters dispatched "
         "to their unit (any other id: 404).")
OFFICE_ONLY = "Editors and admins only (reporters: 403). Recorded in the letter's history (who, when, before, after)."
TAGS = ["letters"]
ACTION_ERRORS = ("BadRequest", "Forbidden", "NotFound", "Conflict", "Unprocessable")


def _action(op_id: str, summary: str, description: str, body: str, required: bool = True) -> dict:
    return {"post": _operation(op_id, summary, description,
                               {**_ok("Letter", "The letter after the action."), **_errors(*ACTION_ERRORS)},
                               TAGS, parameters=[_param("LetterId")], requestBody=_body(body, required))}


PATHS = {
    "/letters": {"get": _operation(
        "listLetters", "Letters (来信)", f"Newest first, filtered and paged. {SCOPE}",
        {**_ok("LetterList", "One page of letters."), **_errors("BadRequest", "Forbidden")}, TAGS,
        parameters=[_param("LetterStatus"), _param("Unit"), _param("Page"), _param("PerPage")],
    )},
    "/letters/stats": {"get": _operation(
        "letterStats", "Figures per unit (for supervision)",
        "Per unit, for letters dispatched in `[from, to]` (local dates, both optional): received, replied, "
        "replied on time, overdue (answered late or unanswered past the due date) and the mean reply time in "
        "working days. A reporter gets their own unit's figures only.",
        {**_ok("LetterStats", "The figures."), **_errors("BadRequest", "Forbidden")}, TAGS,
        parameters=[_param("From"), _param("To"), _param("Unit")],
    )},
    "/letters/{letter_id}": {"get": _operation(
        "getLetter", "One letter", f"The letter with its contact details, deadline and answers. {SCOPE}",
        {**_ok("Letter", "The letter."), **_errors("NotFound", "Forbidden")}, TAGS, parameters=[_param("LetterId")],
    )},
    "/letters/{letter_id}/dispatch": _action(
        "dispatchLetter", "转办 to a unit",
        f"Send the letter to a unit, which then has `interaction.reply_within` working days. Applies to letters "
        f"`received`, `dispatched` or `returned` (409 otherwise). {OFFICE_ONLY}", "DispatchRequest"),
    "/letters/{letter_id}/reply": _action(
        "replyLetter", "答复 (or 延期)",
        "The assigned unit's reporters or the office answer (status `replied`, waiting for review). With "
        "`extend_days` and a `reason` the body is an interim answer (阶段性答复) and the deadline moves by that many "
        "working days: once, at most `interaction.max_days` working days from dispatch in all (422 otherwise). "
        "The body is sanitized with nh3. Another unit's reporter: 404.", "ReplyRequest"),
    "/letters/{letter_id}/publish": _action(
        "publishLetter", "Approve: publish the Q&A or close it",
        "Approve the answer of a `replied` letter: `public` (default: the citizen's consent) publishes the Q&A at "
        "`/interact/letters/{id}` (never the name or phone), else it is closed privately. Public without consent: "
        f"422; sensitive terms need `confirm_sensitive`. {OFFICE_ONLY}", "LetterPublishRequest", False),
    "/letters/{letter_id}/return": _action(
        "returnLetter", "退回 to the unit",
        f"Send the answer of a `replied` letter back to its unit with a comment (status `returned`). {OFFICE_ONLY}",
        "ReturnRequest"),
}

PARAMETERS = {
    "LetterId": {"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}},
    "LetterStatus": {"name": "status", "in": "query", "required": False, "description": "Only letters in this status.",
                     "schema": {"type": "string", "enum": list(LETTER_STATUSES)}},
    "From": {"name": "from", "in": "query", "required": False, "description": "First day (local date), included.",
             "schema": {"type": "string", "format": "date"}},
    "To": {"name": "to", "in": "query", "required": False, "description": "Last day (local date), included.",
           "schema": {"type": "string", "format": "date"}},
}

_COUNTS = obj({
    "received": {"type": "integer"}, "replied": {"type": "integer"}, "on_time": {"type": "integer"},
    "overdue": {"type": "integer"}, "mean_days": {"type": ["number", "null"]},
    "on_time_rate": {"type": ["number", "null"], "description": "on_time / received."},
})

SCHEMAS = {
    "Letter": obj({
        "id": {"type": "integer"},
        "kind": {"type": "string", "enum": list(LETTER_KINDS), "description": "咨询, 建议 or 投诉."},
        "title": {"type": "string"}, "body": {"type": "string", "description": "As the citizen typed it (plain text)."},
        "status": {"type": "string", "enum": list(LETTER_STATUSES)},
        "unit": {"type": ["string", "null"], "description": "The unit it is dispatched to."},
        "requested_unit": {"type": ["string", "null"], "description": "The unit the citizen chose (null: 由门户转办)."},
        "contact": obj({"name": {"type": "string"}, "phone": {"type": "string"}},
                       description="Only the office and the assigned unit ever receive a letter."),
        "public_consent": {"type": "boolean"},
        "received_at": DATETIME, "dispatched_at": NULLABLE_DATETIME,
        "due_at": {"type": ["string", "null"], "format": "date", "description": "Last working day of 办理时限."},
        "extended_days": {"type": "integer"}, "extension_reason": {"type": ["string", "null"]},
        "interim_reply": {"type": ["string", "null"], "description": "阶段性答复 (sanitized HTML)."},
        "reply": {"type": ["string", "null"], "description": "答复 (sanitized HTML)."},
        "replied_at": NULLABLE_DATETIME, "reply_unit": {"type": ["string", "null"]},
        "on_time": {"type": ["boolean", "null"]}, "office_comment": {"type": ["string", "null"]},
        "published_at": NULLABLE_DATETIME, "sensitive_terms": {"type": "array", "items": {"type": "string"}},
    }),
    "LetterList": listing("Letter", paged=True),
    "LetterStats": obj({
        "from": {"type": ["string", "null"], "format": "date"}, "to": {"type": ["string", "null"], "format": "date"},
        "as_of": {"type": "string", "format": "date"},
        "units": {"type": "object", "additionalProperties": _COUNTS, "description": "By unit id."},
    }),
    "DispatchRequest": obj({"unit": {"type": "string", "description": "The unit's id."}}),
    "ReplyRequest": obj({
        "body": {"type": "string", "description": "HTML or plain text; sanitized."},
        "extend_days": {"type": ["integer", "null"], "minimum": 1},
        "reason": {"type": ["string", "null"], "description": "Required with extend_days."},
    }, required=["body"]),
    "LetterPublishRequest": obj({
        "public": {"type": ["boolean", "null"], "description": "Publish the Q&A (default: the citizen's consent)."},
        "confirm_sensitive": {"type": "boolean"},
    }, required=[]),
    "ReturnRequest": obj({"comment": {"type": "string"}}),
}
