"""Editorial actions on items, shared by the hub's pages and its API.

Every action checks that it applies (status, input), then changes the item
through the item service (``storage.items``: primary source, columns, merge,
split) and ends with ``storage.items.record_change``: an audit entry with the
before and after, the search index in step and the ``content`` counter bumped (so
cached public pages go stale), in the caller's transaction.  The caller commits.
Permission checks stay with the callers (both use the same role sets below).
定时发布 coming due is ``storage.publishing.promote_due``.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import counters, lengths, search
from storage.audit import record, snapshot
from storage.db import session_timezone
from storage.items import make_primary, merge_items, primary_of, record_change, replace_columns, split_source
from storage.lengths import fit
from storage.models import AuditEntry, Item, ItemSource, PortalColumn, User
from storage.publishing import adopt_publication_time

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


def bump_content(session: Session) -> None:
    """Public content changed: every worker's cached pages and ETags are stale."""
    counters.bump(session)


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
    adopt_publication_time(session, item, at if scheduled else now)
    extra = {"confirmed_sensitive": list(item.sensitive_terms)} if item.sensitive_terms else None
    return record_change(session, user, action, item, before, extra)


def reject(session: Session, item: Item, user: User, reason: str) -> AuditEntry:
    reason = (reason or "").strip()
    if not reason:
        raise ActionError("退回时必须填写原因。")
    _require(item, "reject")
    before = snapshot(item)
    item.status, item.status_reason, item.publish_at = "rejected", fit(reason, lengths.REASON), None
    return record_change(session, user, "reject", item, before, {"reason": reason})


def unpublish(session: Session, item: Item, user: User, reason: str = "") -> AuditEntry:
    _require(item, "unpublish")
    before = snapshot(item)
    item.status, item.publish_at = "withdrawn", None
    reason = (reason or "").strip()
    if reason:
        item.status_reason = fit(reason, lengths.REASON)
    return record_change(session, user, "unpublish", item, before, {"reason": reason} if reason else None)


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
    return record_change(session, user, "edit", item, before)


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
    return record_change(session, user, "columns", item, before)


def set_flag(session: Session, item: Item, user: User, name: str, value: bool) -> AuditEntry | None:
    """``pinned`` (置顶 in its columns) or ``featured`` (首页推荐)."""
    if name not in ("pinned", "featured"):
        raise ValueError(name)
    if bool(getattr(item, name)) == value:
        return None
    before = snapshot(item)
    setattr(item, name, value)
    action = {"pinned": ("pin", "unpin"), "featured": ("feature", "unfeature")}[name][0 if value else 1]
    return record_change(session, user, action, item, before)


# -- duplicates (storage.items: which source leads, merge, split) ----------------------------
def choose_primary(session: Session, item: Item, user: User, link_id: int) -> AuditEntry:
    link = next((s for s in item.sources if s.id == link_id), None)
    if link is None:
        raise ActionError("该来源不属于此条信息。")
    primary = primary_of(item)
    before = {"primary": primary.url if primary is not None else None}
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
    other_id = merge_items(session, target, other)
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
    new = split_source(session, item, link, _fields_from_revision(link, session_timezone(session)))
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
