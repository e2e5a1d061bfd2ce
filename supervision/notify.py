"""E-mail to units about their findings (optional): each new finding once, and a reminder
``remind_days`` working days before its deadline.

Configured by ``supervision.notify: {smtp: smtp://host:port, from: ADDRESS}`` and each unit's
``contacts: [{name, email}]``.  Without ``notify``, or for a unit without contacts, nothing is
sent and nothing is recorded.  What was sent is a finding event (``notify`` / ``remind``), so
a finding is mailed about once however many rounds see it; a mail server that does not answer
is logged and the next round tries again — the checks never fail because of mail.
"""
from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from datetime import date, datetime, timezone
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from urllib.parse import unquote, urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from harvestkit.dates import as_local
from harvester.registry import Notify, Registry
from interaction.calendar import workdays_between
from supervision.kinds import KIND_LABELS, owner
from supervision.models import Finding, FindingEvent
from supervision.rectification import RECTIFIABLE

log = logging.getLogger(__name__)
TIMEOUT = 20


def deliver(registry: Registry, sessions: sessionmaker[Session], unit_ids: list[str] | None = None,
            now: datetime | None = None) -> dict[str, int]:
    """Send what is due to the units' contacts: {"new": mails, "remind": mails, "failed": mails}."""
    sent = {"new": 0, "remind": 0, "failed": 0}
    policy = registry.supervision.notify
    if policy is None:
        return sent
    now = now or datetime.now(timezone.utc)
    today = as_local(now, registry.portal.timezone).date()
    units = [u for u in registry.units if u.contacts and (unit_ids is None or u.id in unit_ids)]
    for unit in units:
        with sessions() as session:
            new, due = _due(session, unit.id, today, policy.remind_days)
            session.expunge_all()
        for kind, findings in (("new", new), ("remind", due)):
            if not findings:
                continue
            message = _message(policy, registry.portal.name, unit, kind, findings, today)
            try:
                _send(policy, message)
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("supervision mail to %s not sent: %s", unit.id, exc)
                sent["failed"] += 1
                continue
            with sessions.begin() as session:
                for f in findings:
                    session.add(FindingEvent(finding_id=f.id, at=now, action="notify" if kind == "new" else "remind",
                                             status_from=f.status, status_to=f.status, username="system",
                                             note=f"已发邮件至 {', '.join(c.email for c in unit.contacts)}",
                                             data={"to": [c.email for c in unit.contacts],
                                                   "deadline": f.deadline.isoformat() if f.deadline else None}))
            sent[kind] += 1
    return sent


def _due(session: Session, unit_id: str, today: date, remind_days: int) -> tuple[list[Finding], list[Finding]]:
    rows = [f for f in session.scalars(select(Finding).where(Finding.unit_id == unit_id, Finding.status.in_(RECTIFIABLE))
                                       .order_by(Finding.since, Finding.id)) if owner(f.kind) == "unit"]
    if not rows:
        return [], []
    events: dict[int, list[FindingEvent]] = defaultdict(list)
    for event in session.scalars(select(FindingEvent).where(FindingEvent.finding_id.in_([f.id for f in rows]),
                                                            FindingEvent.action.in_(("notify", "remind")))):
        events[event.finding_id].append(event)
    new = [f for f in rows if not any(e.action == "notify" for e in events[f.id])]
    due = [f for f in rows if f not in new and f.deadline is not None and f.deadline >= today
           and workdays_between(today, f.deadline) <= remind_days
           and not any(e.action == "remind" and (e.data or {}).get("deadline") == f.deadline.isoformat() for e in events[f.id])]
    return new, due


def _message(policy: Notify, portal: str, unit, kind: str, findings: list[Finding], today: date) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((f"{portal}监管", policy.sender))
    message["To"] = ", ".join(formataddr((c.name, c.email)) for c in unit.contacts)
    message["Message-ID"] = make_msgid(domain=policy.sender.split("@", 1)[1])
    if kind == "new":
        message["Subject"] = f"【{portal}】{unit.name}网站检查发现 {len(findings)} 个问题，请按期整改"
        lead = f"{unit.name}：\n\n{today.isoformat()} 的检查发现以下问题，请在整改期限前处理，并在站群系统“监管 → 问题整改”中报告整改情况。"
    else:
        message["Subject"] = f"【{portal}】{unit.name}有 {len(findings)} 个问题即将到期，请尽快整改"
        lead = f"{unit.name}：\n\n以下问题的整改期限将至，请尽快处理并报告整改情况；逾期未整改将在月度通报中通报。"
    lines = [lead, ""]
    for n, f in enumerate(findings, 1):
        lines.append(f"{n}. [{KIND_LABELS.get(f.kind, f.kind)}] {f.detail}")
        if f.url:
            lines.append(f"   网址：{f.url}")
        lines.append(f"   问题编号：#{f.id}　整改期限：{f.deadline.isoformat() if f.deadline else '—'}")
    lines += ["", f"（本邮件由{portal}站群系统自动发送，请勿直接回复。）"]
    message.set_content("\n".join(lines))
    return message


def _send(policy: Notify, message: EmailMessage) -> None:
    parts = urlsplit(policy.smtp)
    port = parts.port or (465 if parts.scheme == "smtps" else 25)
    client = smtplib.SMTP_SSL if parts.scheme == "smtps" else smtplib.SMTP
    with client(parts.hostname, port, timeout=TIMEOUT) as smtp:
        if parts.username:
            if parts.scheme == "smtp" and smtp.has_extn("starttls"):
                smtp.starttls()
            smtp.login(unquote(parts.username), unquote(parts.password or ""))
        smtp.send_message(message)
