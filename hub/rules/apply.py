"""应用到待审核信息: the current column rules and sensitive terms, applied to the
items still pending review (new harvests get them anyway).

Columns are recomputed like the harvester places an item: each of its sources'
registry columns, changed by the rules (an item merged from reposts keeps the
columns its other sources bring, as at ingest).  Items whose columns an editor
set by hand (``columns_locked``) and items without a harvested source (信息报送)
keep theirs.  Every item's screen hits are found again in its title, text and
attachment names.  Each change is audited on the item; the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from storage.audit import record
from storage.column_rules import Rule, columns_for, load_rules
from storage.items import replace_columns
from storage.models import Item, PortalColumn, Source, User
from storage.screen import Screen, load_terms

CHUNK = 200


@dataclass
class ApplyResult:
    checked: int = 0
    columns: int = 0  # items whose columns changed
    terms: int = 0  # items whose sensitive terms changed
    locked: int = 0  # items whose columns an editor set: left alone


def apply_to_pending(session: Session, user: User) -> ApplyResult:
    rules = load_rules(session)
    defaults = {sid: list(cols or []) for sid, cols in session.execute(select(Source.id, Source.columns))}
    known = set(session.scalars(select(PortalColumn.id)))
    screen = Screen(load_terms(session))
    result = ApplyResult()
    ids = session.scalars(select(Item.id).where(Item.status == "pending").order_by(Item.id)).all()
    for start in range(0, len(ids), CHUNK):
        items = session.scalars(
            select(Item).where(Item.id.in_(ids[start:start + CHUNK])).order_by(Item.id)
            .options(selectinload(Item.columns), selectinload(Item.sources), selectinload(Item.uploads))
        ).all()
        for item in items:
            result.checked += 1
            if item.columns_locked:
                result.locked += 1
            elif _recolumn(session, user, item, rules, defaults, known):
                result.columns += 1
            if _rescreen(session, user, item, screen):
                result.terms += 1
        session.flush()
    return result


def wanted_columns(item: Item, rules: tuple[Rule, ...], defaults: dict[str, list[str]], known: set[str]) -> list[str]:
    """The columns the harvester would give the item now (primary source first)."""
    wanted: list[str] = []
    for link in item.sources:  # ordered: the primary source first
        wanted.extend(columns_for(item.title, item.column_name, link.source_id, defaults.get(link.source_id, []), rules))
    return [c for c in dict.fromkeys(wanted) if c in known]


def _recolumn(session: Session, user: User, item: Item, rules, defaults, known) -> bool:
    if not item.sources:
        return False
    wanted = wanted_columns(item, rules, defaults, known)
    have = sorted(c.column_id for c in item.columns)
    if not wanted or sorted(wanted) == have:
        return False
    replace_columns(item, wanted)
    record(session, user, "columns", item.id, {"columns": have}, {"columns": sorted(wanted), "by": "rules"})
    return True


def _rescreen(session: Session, user: User, item: Item, screen: Screen) -> bool:
    terms = screen.find(item.title, item.body_text, *(u.filename for u in item.uploads))
    before = list(item.sensitive_terms or [])
    if terms == before:
        return False
    item.sensitive_terms = terms
    record(session, user, "sensitive_terms", item.id, {"sensitive_terms": before},
           {"sensitive_terms": terms, "by": "rules"})
    return True
