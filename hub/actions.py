"""Editorial actions on items, shared by the hub's pages and its API.

Every action checks that it applies, changes the item, appends an audit entry
with the before and after, keeps the search index in step and bumps the
``content`` counter (so cached public pages go stale) in the caller's
transaction.  The caller commits.  Permission checks stay with the callers
(both use the same role sets below).
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import counters, lengths, search
from storage.db import session_timezone
from storage.items import add_columns, earliest_publisher, make_primary, replace_columns
from storage.lengths import fit
from storage.models import AuditEntry, Item, ItemColumn, ItemSource, PortalColumn, User

REVIEWERS = ("admin", "editor")
ACTION_LABELS = {
    "publish": "发布", "schedule": "定时发布", "reject": "退回", "unpublish": "撤销发布",
    "edit": "修改", "columns": "设置栏目", "pin": "置顶", "unpin": "取消置顶",
    "feature": "首页推荐", "unfeature": "取消推荐", "merge": "合并", "split": "拆分",
    "primary": "设为首发来源", "submit": "报送",
    # not about one item: harvest control, accounts, column rules, the sensitive-term list
    "pause_source": "暂停采集", "resume_source": "恢复采集", "harvest_now": "立即采集", "supervise_now": "立即检查",
    "finding_open": "发现问题", "finding_rectify": "报告整改", "finding_verify": "复核通过", "finding_reopen": "复核未通过",
    "finding_close": "问题消除", "finding_deadline": "调整整改期限", "finding_comment": "问题备注", "report_generate": "生成通报",
    "user_create": "新建用户", "user_role": "修改角色", "user_unit": "修改单位", "user_deactivate": "停用账号",
    "user_activate": "启用账号", "user_password": "重置密码", "user_token": "签发API令牌",
    "user_password_change": "修改本人密码", "submission_edit": "修改报送", "submission_withdraw": "撤回报送",
    "probe_source": "试采",
    "rule_create": "添加栏目规则", "rule_update": "修改栏目规则", "rule_enable": "启用栏目规则",
    "rule_disable": "停用栏目规则", "rule_delete": "删除栏目规则",
    "term_add": "添加敏感词", "term_remove": "删除敏感词", "sensitive_terms": "重新筛查敏感词",
    "topic_create": "新建专题", "topic_update": "修改专题", "topic_accept": "专题采用", "topic_reject": "专题不采用",
}
STATUS_LABELS = {
    "pending": "待审核", "scheduled": "定时发布", "published": "已发布", "rejected": "已退回", "withdrawn": "已撤下",
}
# Which statuses each state change applies to.
ALLOWED_FROM = {
    "publish": {"pending", "scheduled", "rejected", "withdrawn"},
    "schedule": {"pending", "rejected", "withdrawn", "scheduled"},
    "reject": {"pending", "scheduled", "published", "withdrawn"},
    "unpublish": {"published", "scheduled"},
}
TITLE_MAX, SUMMARY_MAX = lengths.TITLE, 2000  # what an editor may type


class ActionError(ValueError):
    """The action does not apply (wrong status, missing reason…): a message for the user."""


def snapshot(item: Item) -> dict[str, Any]:
    return {
        "status": item.status, "title": item.title, "summary": item.summary,
        "columns": sorted(c.column_id for c in item.columns), "pinned": bool(item.pinned),
        "featured": bool(item.featured), "publish_at": item.publish_at.isoformat() if item.publish_at else None,
    }


def _changed(before: dict, after: dict) -> tuple[dict, dict]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def record(session: Session, user: User | None, action: str, item_id: int | None,
           before: dict, after: dict) -> AuditEntry:
    entry = AuditEntry(
        user_id=user.id if user else None, username=user.username if user else "system",
        action=action, item_id=item_id, before=before, after=after,
    )
    session.add(entry)
    return entry


def bump_content(session: Session) -> None:
    """Public content changed: every worker's cached pages and ETags are stale."""
    counters.bump(session)


def _finish(session: Session, user: User | None, action: str, item: Item, before: dict,
            extra: dict | None = None) -> AuditEntry:
    session.flush()
    b, a = _changed(before, snapshot(item))
    if extra:
        a.update(extra)
    entry = record(session, user, action, item.id, b, a)
    search.refresh(session, [item.id])
    bump_content(session)
    return entry


def _was_published(session: Session, item: Item) -> bool:
    return session.scalar(
        select(AuditEntry.id).where(AuditEntry.item_id == item.id, AuditEntry.action == "publish").limit(1)
    ) is not None


def _require(item: Item, action: str) -> None:
    if item.status not in ALLOWED_FROM[action]:
        raise ActionError(
            f"当前状态（{STATUS_LABELS.get(item.status, item.status)}）不能执行“{ACTION_LABELS[action]}”。"
        )


# -- state changes ---------------------------------------------------------------------
def publish(session: Session, item: Item, user: User, *, at: datetime | None = None,
            confirm_sensitive: bool = False, now: datetime | None = None) -> AuditEntry:
    """Publish now, or at ``at`` (status ``scheduled`` until then).  An item the
    sensitive-term screen held needs ``confirm_sensitive``: the editor checked it."""
    now = now or datetime.now(timezone.utc)
    scheduled = at is not None and at > now
    action = "schedule" if scheduled else "publish"
    _require(item, action)
    if item.sensitive_terms and not confirm_sensitive:
        raise ActionError(
            "此条信息含敏感词（" + "、".join(item.sensitive_terms) + "），请核实不涉密后勾选确认再发布。"
        )
    before = snapshot(item)
    item.status = "scheduled" if scheduled else "published"
    item.publish_at = at if scheduled else None
    item.status_reason = None
    if item.origin == "submission" and not _was_published(session, item):
        item.published_at = at if scheduled else now  # 发布时间 of a submission: when the portal adopts it
    extra = {"confirmed_sensitive": list(item.sensitive_terms)} if item.sensitive_terms else None
    return _finish(session, user, action, item, before, extra)


def reject(session: Session, item: Item, user: User, reason: str) -> AuditEntry:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("退回时必须填写原因。")
    _require(item, "reject")
    before = snapshot(item)
    item.status, item.status_reason, item.publish_at = "rejected", fit(reason, lengths.REASON), None
    return _finish(session, user, "reject", item, before, {"reason": reason})


def unpublish(session: Session, item: Item, user: User, reason: str = "") -> AuditEntry:
    _require(item, "unpublish")
    before = snapshot(item)
    item.status, item.publish_at = "withdrawn", None
    reason = (reason or "").strip()
    if reason:
        item.status_reason = fit(reason, lengths.REASON)
    return _finish(session, user, "unpublish", item, before, {"reason": reason} if reason else None)


def promote_due(session: Session, now: datetime | None = None) -> list[int]:
    """Scheduled items whose time has come go public.  Cheap when there are none.

    Exactly once however many web nodes, workers and schedulers call it at the
    same moment: rows another caller holds are skipped (PostgreSQL), and each
    item is claimed by a conditional UPDATE (``status = 'scheduled'``), so one
    already promoted by someone else is left alone, with no second audit entry."""
    now = now or datetime.now(timezone.utc)
    due = session.scalars(
        select(Item).where(Item.status == "scheduled", Item.publish_at <= now).with_for_update(skip_locked=True)
    ).all()
    promoted = []
    for item in due:
        before = snapshot(item)
        claim = update(Item).where(Item.id == item.id, Item.status == "scheduled").values(status="published")
        if session.execute(claim.execution_options(synchronize_session=False)).rowcount != 1:
            continue  # promoted by another node since we read it
        item.status = "published"
        if item.origin == "submission" and not _was_published(session, item):
            item.published_at = item.publish_at
        _finish(session, None, "publish", item, before, {"scheduled_for": item.publish_at.isoformat()})
        promoted.append(item.id)
    return promoted


# -- edits -------------------------------------------------------------------------------
def edit(session: Session, item: Item, user: User, *, title: str | None = None,
         summary: str | None = None) -> AuditEntry | None:
    before = snapshot(item)
    edited = set(item.edited_fields or [])
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise ActionError("标题不能为空。")
        if len(title) > TITLE_MAX:
            raise ActionError(f"标题不能超过 {TITLE_MAX} 个字符。")
        if title != item.title:
            item.title = title
            edited.add("title")
    if summary is not None:
        summary = summary.strip()
        if len(summary) > SUMMARY_MAX:
            raise ActionError(f"摘要不能超过 {SUMMARY_MAX} 个字符。")
        if summary != item.summary:
            item.summary = summary
            edited.add("summary")
    if snapshot(item) == before:
        return None
    item.edited_fields = sorted(edited)  # the harvester no longer overwrites these
    return _finish(session, user, "edit", item, before)


def set_columns(session: Session, item: Item, user: User, column_ids: Iterable[str]) -> AuditEntry | None:
    wanted = list(dict.fromkeys(c for c in column_ids if c))
    known = set(session.scalars(select(PortalColumn.id).where(PortalColumn.id.in_(wanted))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise ActionError("未知栏目：" + "、".join(unknown))
    before = snapshot(item)
    if sorted(wanted) == before["columns"]:
        return None
    replace_columns(item, wanted)
    item.columns_locked = True
    return _finish(session, user, "columns", item, before)


def set_flag(session: Session, item: Item, user: User, name: str, value: bool) -> AuditEntry | None:
    """``pinned`` (置顶 in its columns) or ``featured`` (首页推荐)."""
    if name not in ("pinned", "featured"):
        raise ValueError(name)
    if bool(getattr(item, name)) == value:
        return None
    before = snapshot(item)
    setattr(item, name, value)
    action = {"pinned": ("pin", "unpin"), "featured": ("feature", "unfeature")}[name][0 if value else 1]
    return _finish(session, user, action, item, before)


# -- duplicates (storage.items: which source leads) ---------------------------------------
def choose_primary(session: Session, item: Item, user: User, link_id: int) -> AuditEntry:
    link = next((s for s in item.sources if s.id == link_id), None)
    if link is None:
        raise ActionError("该来源不属于此条信息。")
    before = {"primary": next((s.url for s in item.sources if s.is_primary), None)}
    make_primary(item, link)
    session.flush()
    entry = record(session, user, "primary", item.id, before, {"primary": link.url})
    search.refresh(session, [item.id])
    bump_content(session)
    return entry


def merge(session: Session, target: Item, other: Item, user: User) -> AuditEntry:
    """Merge ``other`` into ``target`` by hand: its sources and columns move over,
    the earliest publisher becomes primary, ``other`` is deleted (the audit keeps it)."""
    if target.id == other.id:
        raise ActionError("不能与自身合并。")
    before = {"target": snapshot(target), "merged_item": {"id": other.id, **snapshot(other),
                                                           "sources": [s.url for s in other.sources]}}
    moved = list(other.sources)
    for link in moved:
        link.item = target  # moves it out of other.sources as well
        link.is_primary = False
    add_columns(target, [c.column_id for c in other.columns])
    other_id = other.id
    session.flush()
    session.delete(other)
    session.flush()
    session.expire(target, ["sources"])
    earliest = earliest_publisher(target.sources)
    if earliest is not None and earliest.published_at is not None:
        make_primary(target, earliest)
    session.flush()
    entry = record(session, user, "merge", target.id, before,
                   {"target": snapshot(target), "sources": [s.url for s in target.sources]})
    search.refresh(session, [target.id, other_id])
    bump_content(session)
    return entry


def split(session: Session, item: Item, user: User, link_id: int) -> tuple[AuditEntry, Item]:
    """Undo a wrong merge: the source ``link_id`` becomes an item of its own, pending
    review, built from that source's latest stored page."""
    link = next((s for s in item.sources if s.id == link_id), None)
    if link is None:
        raise ActionError("该来源不属于此条信息。")
    if len(item.sources) < 2:
        raise ActionError("只有一个来源的信息不能拆分。")
    fields = _fields_from_revision(link, session_timezone(session))
    new = Item(
        url=link.url, unit_id=link.unit_id, published_at=link.published_at, source_text=link.source_text,
        status="pending", sensitive_terms=list(item.sensitive_terms or []), flags=[{"kind": "split_from", "item": item.id}],
        **fields,
    )
    new.columns = [ItemColumn(column_id=c.column_id) for c in item.columns]
    session.add(new)
    session.flush()
    was_primary = link.is_primary
    link.item, link.is_primary = new, True
    session.flush()
    session.expire(item, ["sources"])
    earliest = earliest_publisher(item.sources) if was_primary else None
    if earliest is not None:
        make_primary(item, earliest)
    session.flush()
    entry = record(session, user, "split", item.id, {"source": link.url}, {"new_item": new.id})
    search.refresh(session, [item.id, new.id])
    bump_content(session)
    return entry, new


def _fields_from_revision(link: ItemSource, tz: str) -> dict[str, Any]:
    """Title and body of one source, re-extracted from its latest raw page."""
    import zlib

    from harvester.records import UNTITLED, item_fields, summarise
    from harvester.worker import process_page

    revision = link.revisions[-1] if link.revisions else None
    if revision is None:
        return {"title": link.title or UNTITLED, "content_hash": link.content_hash or "-"}
    page = {"body": zlib.decompress(revision.raw_gz), "content_type": revision.content_type,
            "encoding": revision.encoding or None, "url": link.url}
    result = process_page(page, tz)
    ex = result.extracted
    fields = item_fields(ex, result, ex.title or link.title or UNTITLED)
    if not fields["body_text"] and revision.body_text:  # the text stored then, if the page reads empty now
        fields.update(body_text=revision.body_text, summary=summarise(revision.body_text))
    return fields
