"""Topics (专题): creating them, contributions, the keyword pull, review, what is public,
and the per-unit counts supervision reads.

Items stay items: a contribution is a 信息报送 (hub.submissions.service), a matched
harvested item is the item itself, and publishing goes through hub.actions.publish.
A topic only records which items belong in which sub-section, and whether an editor
accepted them there.  Changes are audited (hub.actions.record); the caller commits.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hub import actions
from hub.submissions.service import SubmissionError, UploadFile, create_submission
from storage.models import Item, ItemSource, Unit, User
from topics.models import Topic, TopicEntry, TopicRule, TopicSection, TopicUnit

TITLE_MAX, BANNER_MAX, DESCRIPTION_MAX, SECTION_MAX, KEYWORD_MAX = 200, 200, 5000, 100, 100
MATCH_BATCH = 2000  # harvested items read per pull


class TopicError(ValueError):
    """Not acceptable as sent: a message for the user (Chinese)."""


@dataclass(frozen=True)
class TopicForm:
    title: str
    banner: str = ""
    description: str = ""
    sections: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    rules: tuple[tuple[str, str], ...] = ()  # (keyword, section name or "")
    active: bool = True


def _lines(values) -> list[str]:
    return list(dict.fromkeys(" ".join(v.split()) for v in values if v and v.strip()))


def _validate(session: Session, form: TopicForm) -> tuple[str, list[str], list[str]]:
    title = " ".join((form.title or "").split())
    if not title:
        raise TopicError("请填写专题名称。")
    if len(title) > TITLE_MAX or len(form.banner or "") > BANNER_MAX or len(form.description or "") > DESCRIPTION_MAX:
        raise TopicError(f"专题名称和横幅文字不能超过 {TITLE_MAX} 字，简介不能超过 {DESCRIPTION_MAX} 字。")
    sections = _lines(form.sections)
    if not sections:
        raise TopicError("请至少设置一个子栏目。")
    if any(len(s) > SECTION_MAX for s in sections):
        raise TopicError(f"子栏目名称不能超过 {SECTION_MAX} 字。")
    units = _lines(form.units)
    unknown = [u for u in units if session.get(Unit, u) is None]
    if unknown:
        raise TopicError("未知单位：" + "、".join(unknown))
    for keyword, section in form.rules:
        if len(keyword) > KEYWORD_MAX:
            raise TopicError(f"关键词不能超过 {KEYWORD_MAX} 字。")
        if section and section not in sections:
            raise TopicError(f"关键词“{keyword}”指向的子栏目“{section}”不存在。")
    return title, sections, units


def _snapshot(topic: Topic) -> dict:
    return {"title": topic.title, "banner": topic.banner, "active": topic.active,
            "sections": [s.name for s in topic.sections], "units": sorted(u.unit_id for u in topic.units),
            "rules": [r.keyword for r in topic.rules]}


def save_topic(session: Session, user: User, form: TopicForm, topic: Topic | None = None) -> Topic:
    """Create a topic, or change one: sections are kept by name (renaming = a new section)."""
    title, sections, units = _validate(session, form)
    new = topic is None
    topic = topic or Topic(created_by_id=user.id)
    before = {} if new else _snapshot(topic)
    topic.title, topic.banner = title, " ".join((form.banner or "").split())
    topic.description, topic.active = (form.description or "").strip(), form.active
    by_name = {s.name: s for s in topic.sections}
    topic.sections = [by_name.get(name) or TopicSection(name=name) for name in sections]
    for position, section in enumerate(topic.sections):
        section.position = position
    topic.units = [TopicUnit(unit_id=u) for u in units] if new else (
        [u for u in topic.units if u.unit_id in units] + [TopicUnit(unit_id=u) for u in units
                                                          if u not in {x.unit_id for x in topic.units}])
    session.add(topic)
    session.flush()
    names = {s.name: s.id for s in topic.sections}
    wanted = [(" ".join(k.split()), names.get(s) if s else None) for k, s in form.rules if k and k.strip()]
    if [(r.keyword, r.section_id) for r in topic.rules] != wanted:
        topic.rules = [TopicRule(keyword=k, section_id=s) for k, s in wanted]
        topic.rules_checked_id = 0  # new rules: match the harvested items again
    session.flush()
    actions.record(session, user, "topic_create" if new else "topic_update", None, before,
                   {"topic": topic.id, **_snapshot(topic)})
    actions.bump_content(session)
    return topic


def contributing(topic: Topic, unit_id: str | None) -> bool:
    return unit_id is not None and any(u.unit_id == unit_id for u in topic.units)


def submit(session: Session, user: User, topic: Topic, section_id: int, *, title: str, body_html: str,
           uploads: list[UploadFile] = ()) -> TopicEntry:
    """A contributing unit's reporter submits into a sub-section: a 信息报送 waiting in the topic's queue."""
    if not topic.active:
        raise TopicError("此专题已停止征集。")
    if not contributing(topic, user.unit_id):
        raise TopicError("本单位不是此专题的共建单位。")
    section = next((s for s in topic.sections if s.id == section_id), None)
    if section is None:
        raise TopicError("请选择子栏目。")
    try:
        item = create_submission(session, user, title=title, body_html=body_html, column_ids=[],
                                 uploads=list(uploads), require_columns=False)
    except SubmissionError as exc:
        raise TopicError(str(exc)) from None
    entry = TopicEntry(topic_id=topic.id, section_id=section.id, item_id=item.id, unit_id=item.unit_id,
                       origin="submission", state="pending")
    session.add(entry)
    session.flush()
    return entry


def pull_matches(session: Session, topic: Topic) -> int:
    """Harvested items whose title or summary holds a keyword join the topic's queue
    (pending).  Reads past the last item matched, a batch at a time; returns how many joined."""
    if not topic.rules:
        return 0
    added = 0
    while True:
        batch = session.execute(
            select(Item.id, Item.title, Item.summary, Item.unit_id)
            .where(Item.id > topic.rules_checked_id, Item.origin == "harvest")
            .order_by(Item.id).limit(MATCH_BATCH)).all()
        if not batch:
            return added
        have = set(session.scalars(select(TopicEntry.item_id).where(
            TopicEntry.topic_id == topic.id, TopicEntry.item_id.in_([row.id for row in batch]))))
        for row in batch:
            text = f"{row.title}\n{row.summary or ''}"
            rule = next((r for r in topic.rules if r.keyword and r.keyword in text), None)
            if rule is not None and row.id not in have:
                session.add(TopicEntry(topic_id=topic.id, section_id=rule.section_id or topic.sections[0].id,
                                       item_id=row.id, unit_id=row.unit_id, origin="rule", state="pending"))
                added += 1
        topic.rules_checked_id = batch[-1].id
        session.flush()


def accept(session: Session, entry: TopicEntry, user: User, *, section_id: int | None = None,
           confirm_sensitive: bool = False) -> None:
    """采用: the entry shows in its sub-section; a pending item is published (hub.actions)."""
    item = entry.item
    if item.status in actions.ALLOWED_FROM["publish"] and item.status != "published":
        try:
            actions.publish(session, item, user, confirm_sensitive=confirm_sensitive)
        except actions.ActionError as exc:
            raise TopicError(str(exc)) from None
    elif item.status != "published":
        raise TopicError("此信息当前不能发布。")
    before = {"state": entry.state, "section": entry.section_id}
    entry.state, entry.decided_at, entry.decided_by_id = "accepted", datetime.now(timezone.utc), user.id
    if section_id is not None:
        entry.section_id = section_id
    actions.record(session, user, "topic_accept", item.id, before,
                   {"topic": entry.topic_id, "state": "accepted", "section": entry.section_id})
    actions.bump_content(session)


def reject(session: Session, entry: TopicEntry, user: User, reason: str) -> None:
    """Not for this topic; a contributed item that is still pending is 退回 with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise TopicError("退回时必须填写原因。")
    before = {"state": entry.state}
    entry.state, entry.decided_at, entry.decided_by_id = "rejected", datetime.now(timezone.utc), user.id
    if entry.origin == "submission" and entry.item.status == "pending":
        actions.reject(session, entry.item, user, reason)
    actions.record(session, user, "topic_reject", entry.item_id, before,
                   {"topic": entry.topic_id, "state": "rejected", "reason": reason})
    actions.bump_content(session)


# -- the public side ---------------------------------------------------------------------------
PUBLIC_ENTRY = (TopicEntry.state == "accepted", Item.status == "published")


def public_topics(session: Session) -> list[Topic]:
    return list(session.scalars(select(Topic).where(Topic.active.is_(True)).order_by(Topic.id.desc())))


def public_topic(session: Session, topic_id: int) -> Topic | None:
    topic = session.scalar(select(Topic).where(Topic.id == topic_id, Topic.active.is_(True))
                           .options(selectinload(Topic.sections)))
    return topic


def topic_items(session: Session, topic_id: int, limit: int, section_id: int | None = None,
                offset: int = 0) -> list[Item]:
    """Accepted, published items of a topic (or one sub-section), newest first."""
    query = (select(Item).join(TopicEntry, TopicEntry.item_id == Item.id)
             .where(TopicEntry.topic_id == topic_id, *PUBLIC_ENTRY))
    if section_id is not None:
        query = query.where(TopicEntry.section_id == section_id)
    return list(session.scalars(query.options(
        selectinload(Item.sources).selectinload(ItemSource.unit), selectinload(Item.columns))
        .order_by(Item.published_at.desc().nulls_last(), Item.id.desc()).limit(limit).offset(offset)))


def section_total(session: Session, topic_id: int, section_id: int) -> int:
    return session.scalar(select(func.count()).select_from(TopicEntry).join(Item, Item.id == TopicEntry.item_id)
                          .where(TopicEntry.topic_id == topic_id, TopicEntry.section_id == section_id, *PUBLIC_ENTRY))


# -- supervision -------------------------------------------------------------------------------
def contributions(session: Session, topic_id: int | None = None, *, start: date | None = None,
                  end: date | None = None, tz: str = "Asia/Shanghai") -> dict[int, dict[str, dict[str, int]]]:
    """Per topic, per unit: ``submitted`` (contributed through 信息报送) and ``accepted`` (shown in the
    topic, however it got there), for entries created in ``[start, end]`` (local dates, both optional).
    Contributing units without any entry count zero."""
    query = select(TopicEntry.topic_id, TopicEntry.unit_id, TopicEntry.origin, TopicEntry.state)
    if topic_id is not None:
        query = query.where(TopicEntry.topic_id == topic_id)
    zone = ZoneInfo(tz)
    if start is not None:
        query = query.where(TopicEntry.created_at >= datetime.combine(start, time(), zone))
    if end is not None:
        query = query.where(TopicEntry.created_at < datetime.combine(end + timedelta(days=1), time(), zone))
    out: dict[int, dict[str, dict[str, int]]] = {}
    units = select(TopicUnit.topic_id, TopicUnit.unit_id)
    for tid, unit in session.execute(units.where(TopicUnit.topic_id == topic_id) if topic_id else units):
        out.setdefault(tid, {}).setdefault(unit, {"submitted": 0, "accepted": 0})
    for tid, unit, origin, state in session.execute(query):
        row = out.setdefault(tid, {}).setdefault(unit, {"submitted": 0, "accepted": 0})
        row["submitted"] += origin == "submission"
        row["accepted"] += state == "accepted"
    return out


def queue(session: Session, topic_id: int, state: str = "pending") -> list[TopicEntry]:
    return list(session.scalars(select(TopicEntry).where(TopicEntry.topic_id == topic_id, TopicEntry.state == state)
                                .options(selectinload(TopicEntry.item), selectinload(TopicEntry.section))
                                .order_by(TopicEntry.created_at.desc(), TopicEntry.id.desc())))


def editor_add(session: Session, topic: Topic, user: User, item_id: int, section_id: int) -> TopicEntry:
    """An editor puts any item into a sub-section (accepted at once if the item is published)."""
    item = session.get(Item, item_id)
    if item is None:
        raise TopicError(f"信息 #{item_id} 不存在。")
    if not any(s.id == section_id for s in topic.sections):
        raise TopicError("请选择子栏目。")
    if session.scalar(select(TopicEntry.id).where(TopicEntry.topic_id == topic.id, TopicEntry.item_id == item_id)):
        raise TopicError("此信息已在本专题中。")
    entry = TopicEntry(topic_id=topic.id, section_id=section_id, item_id=item_id, unit_id=item.unit_id,
                       origin="editor", state="pending")
    session.add(entry)
    session.flush()
    session.refresh(entry)
    accept(session, entry, user)
    return entry


__all__ = ["TopicError", "TopicForm", "save_topic", "submit", "pull_matches", "accept", "reject", "public_topics",
           "public_topic", "topic_items", "contributions", "queue", "editor_add"]
