"""Items, units, columns and sources as the API's JSON.

Times are ISO 8601 in UTC.  ``url`` is the original page (原文链接) of a
harvested item; a submission (信息报送) has no page elsewhere, so it is null.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from flask import request

from storage.models import HarvestRun, Item, ItemSource, Source, Unit

# As the reporters know a submission's outcome: a published one has been 采用.
OUTCOMES = {
    "pending": "pending", "scheduled": "adopted", "published": "adopted",
    "rejected": "rejected", "withdrawn": "withdrawn",
}


def when(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def unit_ref(unit: Unit | None, unit_id: str) -> dict[str, Any]:
    return {"id": unit_id, "name": unit.name if unit is not None else None}


def source_link(link: ItemSource) -> dict[str, Any]:
    return {
        "url": link.url, "unit_id": link.unit_id, "unit_name": link.unit.name if link.unit else None,
        "is_primary": bool(link.is_primary), "published_at": when(link.published_at), "status": link.status,
    }


def item(entry: Item) -> dict[str, Any]:
    """The fields of a list entry."""
    return {
        "id": entry.id,
        "title": entry.title,
        "status": entry.status,
        "origin": entry.origin,
        "unit": unit_ref(entry.unit, entry.unit_id),
        "columns": sorted(c.column_id for c in entry.columns),
        "url": entry.url if entry.origin == "harvest" else None,
        "summary": entry.summary or "",
        "published_at": when(entry.published_at),
        "published_date_only": bool(entry.published_date_only),
        "sources": [source_link(link) for link in entry.sources],
        "flags": list(entry.flags or []),
        "pinned": bool(entry.pinned),
        "featured": bool(entry.featured),
        "publish_at": when(entry.publish_at),
        "sensitive_terms": list(entry.sensitive_terms or []),
        "status_reason": entry.status_reason,
    }


def attachment(value: Any) -> Any:
    """Stored attachments link absolute pages or the hub's own download path: make both absolute."""
    if isinstance(value, dict) and isinstance(value.get("url"), str):
        return {**value, "url": urljoin(request.host_url, value["url"])}
    return value


def item_detail(entry: Item) -> dict[str, Any]:
    return {
        **item(entry),
        "body_html": entry.body_html or "",
        "attachments": [attachment(a) for a in entry.attachments or []],
    }


def submission(entry: Item, detail: bool = False) -> dict[str, Any]:
    """An item plus how the reporter's unit sees its outcome."""
    return {**(item_detail(entry) if detail else item(entry)),
            "outcome": OUTCOMES.get(entry.status, entry.status), "submitted_at": when(entry.created_at)}


def run(entry: HarvestRun | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    return {
        "id": entry.id, "status": entry.status, "started_at": when(entry.started_at),
        "finished_at": when(entry.finished_at), "fetched": entry.fetched, "new": entry.new,
        "updated": entry.updated, "unchanged": entry.unchanged, "withdrawn": entry.withdrawn,
        "errors": entry.errors,
    }


def source(entry: Source, last_run: HarvestRun | None) -> dict[str, Any]:
    return {
        "id": entry.id, "unit": unit_ref(entry.unit, entry.unit_id), "url": entry.url, "type": entry.type,
        "columns": list(entry.columns or []), "review": entry.review, "status": entry.status,
        "consecutive_failures": entry.consecutive_failures, "last_success": when(entry.last_success),
        "last_error": entry.last_error, "paused_reason": entry.paused_reason, "health_note": entry.health_note,
        "next_run": when(entry.next_run), "interval_seconds": entry.interval_seconds,
        "last_run": run(last_run),
    }
