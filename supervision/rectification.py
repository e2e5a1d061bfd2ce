"""整改·复核: what a finding's unit and the portal office do with it, and what the checks decide.

The life cycle: a check opens a finding (``open``, with a deadline ``rectify_days``
working days later, by the Chinese calendar); the unit reports it fixed
(``rectified``, with a note and an optional attachment); the next check of that
unit decides: the problem is gone (``verified``) or still there (``reopened``,
with the new evidence; the unit can rectify again).  A problem that goes away
without a report is ``closed``.  An open or reopened finding past its deadline is
*overdue* (derived, never stored: the deadline can move).

Every step is a :class:`FindingEvent` (the finding's history) and an audit entry
(who did it; ``system`` for a check), written in the caller's transaction.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import and_, or_
from sqlalchemy.orm import Session

from interaction.calendar import add_workdays
from storage import lengths
from storage.lengths import fit
from storage.models import AuditEntry, User
from supervision.models import Finding, FindingEvent

STATUS_LABELS = {"open": "待整改", "rectified": "已整改待复核", "reopened": "复核未通过", "verified": "复核通过",
                 "closed": "已消除", "overdue": "已逾期"}
EVENT_LABELS = {"open": "发现问题", "rectify": "报告整改", "verify": "复核通过", "reopen": "复核未通过",
                "close": "问题消除", "deadline": "调整期限", "comment": "备注",
                "notify": "邮件通知", "remind": "到期提醒"}
RECTIFIABLE = ("open", "reopened")
NOTE_MAX = 2000
AUDIT_NOTE_SHOWN = 200  # characters of a note the audit entry keeps (the event keeps it whole)
ATTACHMENT_MAX = 5 * 1024 * 1024
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/msword", "text/plain"}


class RectifyError(ValueError):
    """The step does not apply (wrong status, empty note, attachment too big…): a message for the user."""


def deadline_for(opened: date, workdays: int) -> date:
    return add_workdays(opened, workdays)


def is_overdue(finding: Finding, today: date) -> bool:
    return finding.status in RECTIFIABLE and finding.deadline is not None and finding.deadline < today


def shown_status(finding: Finding, today: date) -> str:
    """The status a person sees: ``overdue`` stands in for open/reopened past the deadline."""
    return "overdue" if is_overdue(finding, today) else finding.status


def status_filter(status: str, today: date):
    """A WHERE clause for a status a person asked for (``overdue`` included)."""
    if status == "overdue":
        return and_(Finding.status.in_(RECTIFIABLE), Finding.deadline.is_not(None), Finding.deadline < today)
    if status in RECTIFIABLE:
        return and_(Finding.status == status, or_(Finding.deadline.is_(None), Finding.deadline >= today))
    return Finding.status == status


def log(session: Session, finding: Finding, action: str, status_from: str | None, status_to: str | None,
        user: User | None = None, note: str = "", data: dict | None = None, at: datetime | None = None,
        attachment: tuple[str, str, bytes] | None = None) -> FindingEvent:
    """One history row and one audit entry for a step of ``finding``."""
    at = at or datetime.now(timezone.utc)
    username = user.username if user else "system"
    event = FindingEvent(finding_id=finding.id, at=at, action=action, status_from=status_from, status_to=status_to,
                         username=username, note=note, data=data or {})
    if attachment:
        event.attachment_name, event.attachment_type, event.attachment = attachment
    session.add(event)
    session.add(AuditEntry(user_id=user.id if user else None, username=username, action=f"finding_{action}",
                           item_id=None, created_at=at,
                           before={"finding": finding.id, "unit": finding.unit_id, "status": status_from},
                           after={"finding": finding.id, "unit": finding.unit_id, "status": status_to, "note": note[:AUDIT_NOTE_SHOWN],
                                  **(data or {})}))
    return event


# -- what the checks decide (called by supervision.findings inside its transactions) ----------------
def on_opened(session: Session, finding: Finding, now: datetime, deadline: date | None) -> None:
    finding.deadline = deadline
    log(session, finding, "open", None, "open", note=finding.detail,
        data={"deadline": deadline.isoformat() if deadline else None}, at=now)


def on_seen(session: Session, finding: Finding, now: datetime, evidence: dict | None) -> None:
    """A check still sees the problem: a rectified finding is reopened (by a check after the report)."""
    if finding.status == "rectified" and (finding.rectified_at is None or finding.rectified_at < now):
        finding.status = "reopened"
        log(session, finding, "reopen", "rectified", "reopened", note=f"复查仍发现：{finding.detail}",
            data={"evidence": evidence} if evidence else {}, at=now)


def on_gone(session: Session, finding: Finding, now: datetime, note: str) -> None:
    """A check no longer sees the problem: verified if the unit had reported it fixed, else closed."""
    before = finding.status
    finding.status = "verified" if before == "rectified" else "closed"
    finding.closed_at, finding.close_note, finding.open_key = now, note, None
    log(session, finding, "verify" if before == "rectified" else "close", before, finding.status, note=note, at=now)


# -- what people do ---------------------------------------------------------------------------------
def rectify(session: Session, finding: Finding, user: User, note: str,
            attachment: tuple[str, str, bytes] | None = None, now: datetime | None = None) -> FindingEvent:
    note = (note or "").strip()
    if finding.status not in RECTIFIABLE:
        raise RectifyError(f"该问题当前为“{STATUS_LABELS.get(finding.status, finding.status)}”，不能报告整改。")
    if not note:
        raise RectifyError("请填写整改说明（做了什么、在哪里可以看到）。")
    if len(note) > NOTE_MAX:
        raise RectifyError(f"整改说明最多 {NOTE_MAX} 字。")
    if attachment:
        name, kind, body = attachment
        if len(body) > ATTACHMENT_MAX:
            raise RectifyError(f"附件最大 {ATTACHMENT_MAX // 1024 // 1024} MB。")
        if kind not in ATTACHMENT_TYPES:
            raise RectifyError("附件须为 PDF、Word、PNG、JPEG 或文本文件。")
        attachment = (fit(name, lengths.ATTACHMENT_NAME) or "附件", kind, body)
    now = now or datetime.now(timezone.utc)
    before = finding.status
    finding.status, finding.rectified_at = "rectified", now
    return log(session, finding, "rectify", before, "rectified", user, note, at=now, attachment=attachment)


def set_deadline(session: Session, finding: Finding, user: User, deadline: date, note: str = "") -> FindingEvent:
    if finding.status not in ("open", "rectified", "reopened"):
        raise RectifyError("问题已解决，不能再调整期限。")
    before = finding.deadline
    finding.deadline = deadline
    return log(session, finding, "deadline", finding.status, finding.status, user, (note or "").strip()[:NOTE_MAX],
               data={"deadline_from": before.isoformat() if before else None, "deadline": deadline.isoformat()})


def comment(session: Session, finding: Finding, user: User, note: str) -> FindingEvent:
    note = (note or "").strip()
    if not note:
        raise RectifyError("备注不能为空。")
    if len(note) > NOTE_MAX:
        raise RectifyError(f"备注最多 {NOTE_MAX} 字。")
    return log(session, finding, "comment", finding.status, finding.status, user, note)


def history_json(session: Session, finding: Finding, tz: str) -> list[dict]:
    from harvestkit.dates import as_local
    from sqlalchemy import select

    rows = session.scalars(select(FindingEvent).where(FindingEvent.finding_id == finding.id).order_by(FindingEvent.id))
    return [{"id": e.id, "at": as_local(e.at, tz).isoformat(timespec="seconds"), "action": e.action,
             "label": EVENT_LABELS.get(e.action, e.action), "from": e.status_from, "to": e.status_to, "by": e.username,
             "note": e.note, "data": e.data or {}, "attachment": e.attachment_name} for e in rows]
