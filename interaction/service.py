"""Every change to a letter: the citizen's letter, 转办, 答复 (with one 延期), 退回,
publication, 不予受理.  Shared by the public form, the hub's pages and the API.

Each action checks the letter's status and the user's part in it, changes the letter,
appends a :class:`LetterEvent` with the before and after, and bumps the portal's
``content`` counter when what the public sees changes.  The caller commits.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from harvester.registry import InteractionPolicy
from storage.screen import Screen, load_terms
from hub.actions import bump_content
from hub.submissions.service import SubmissionError, clean_body
from interaction import access, calendar, codes
from interaction.models import LETTER_KINDS, OPEN_STATUSES, WITH_UNIT_STATUSES, Letter, LetterEvent
from storage.models import Unit, User

TITLE_MAX, BODY_MAX, NAME_MAX, COMMENT_MAX = 100, 5000, 40, 2000
REPLY_MAX = 20000  # characters of answer text
PUBLIC_USERNAME = "公众"
ACTION_LABELS = {
    "receive": "来信", "dispatch": "转办", "extend": "延期", "reply": "答复", "return": "退回重办",
    "publish": "公开", "close": "办结（不公开）", "dismiss": "不予受理", "unpublish": "撤销公开",
}
STATUS_LABELS = {
    "received": "待转办", "dispatched": "办理中", "replied": "已答复待审核", "returned": "退回重办",
    "published": "已公开", "closed": "已办结", "dismissed": "不予受理",
}
# What the citizen reads on the 查询 page.
PUBLIC_STATUS_LABELS = {
    "received": "已受理，等待转办", "dispatched": "办理中", "replied": "已答复，审核中", "returned": "办理中",
    "published": "已办结（已公开）", "closed": "已办结", "dismissed": "不予受理",
}
_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,22}[0-9]$")
_MARKUP = re.compile(r"<\s*[a-zA-Z!/?]|javascript:", re.I)


class LetterError(ValueError):
    """The action or the letter is not acceptable as sent: a message for the user (Chinese)."""


class LetterConflict(LetterError):
    """The letter's status does not allow the action (API: 409)."""


class LetterForbidden(LetterError):
    """The user has no part in this action (API: 403)."""


@dataclass(frozen=True)
class LetterForm:
    """What the citizen typed (the public form and tests)."""

    title: str
    body: str
    phone: str
    name: str = ""
    unit: str = ""  # the unit's id, or empty: 不确定，由门户转办
    kind: str = "consult"
    public: bool = False


def local_date(value: datetime, tz: str) -> date:
    return value.astimezone(ZoneInfo(tz)).date()


def _snapshot(letter: Letter) -> dict:
    return {
        "status": letter.status, "unit": letter.unit_id, "due_on": letter.due_on.isoformat() if letter.due_on else None,
        "extended_days": letter.extended_days, "public": letter.status == "published",
    }


def _event(session: Session, letter: Letter, user: User | None, action: str, before: dict,
           extra: dict | None = None) -> LetterEvent:
    after = _snapshot(letter)
    changed = {k: v for k, v in after.items() if before.get(k) != v}
    event = LetterEvent(
        letter=letter, action=action, user_id=user.id if user else None,
        username=user.username if user else PUBLIC_USERNAME,
        before={k: before.get(k) for k in changed}, after={**changed, **(extra or {})},
    )
    session.add(event)
    return event


def _one_line(value: str | None, limit: int, label: str, required: bool) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise LetterError(f"请填写{label}。")
    if len(value) > limit:
        raise LetterError(f"{label}不能超过 {limit} 个字（现为 {len(value)} 个）。")
    return value


def _text(value: str | None) -> str:
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise LetterError("请填写来信内容。")
    if len(text) > BODY_MAX:
        raise LetterError(f"来信内容不能超过 {BODY_MAX} 个字（现为 {len(text)} 个），请精简后提交。")
    if _MARKUP.search(text):
        raise LetterError("来信内容请使用纯文字，不能包含网页代码（如 <script>）。")
    return text


def _phone(value: str | None) -> str:
    phone = (value or "").strip()
    if not phone:
        raise LetterError("请填写联系电话（仅供办理单位联系您，不会公开）。")
    if not _PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7:
        raise LetterError("联系电话格式不正确，请填写手机号码或带区号的固定电话。")
    return phone


def receive(session: Session, form: LetterForm, now: datetime | None = None) -> tuple[Letter, str]:
    """Validate, screen and store a citizen's letter; returns it and its 查询码 (shown once)."""
    title = _one_line(form.title, TITLE_MAX, "标题", True)
    body = _text(form.body)
    name = _one_line(form.name, NAME_MAX, "姓名", False)
    phone = _phone(form.phone)
    if form.kind not in LETTER_KINDS:
        raise LetterError("请选择来信类型（咨询、建议或投诉）。")
    unit_id = (form.unit or "").strip() or None
    if unit_id is not None and session.get(Unit, unit_id) is None:
        raise LetterError("所选单位不存在，请重新选择，或选择“不确定，由门户转办”。")
    terms = Screen(load_terms(session)).find(title, body)
    code = codes.new_code()
    letter = Letter(
        code_hash=codes.code_hash(code), kind=form.kind, title=title, body=body, requested_unit_id=unit_id,
        name=name, phone=phone, public_consent=bool(form.public), status="received", sensitive_terms=terms,
        received_at=now or datetime.now(timezone.utc),
    )
    session.add(letter)
    before: dict = {}
    session.flush()
    _event(session, letter, None, "receive", before,
           {"title": title, "kind": form.kind, "requested_unit": unit_id, "public_consent": bool(form.public),
            "sensitive_terms": terms})
    return letter, code


def find_by_code(session: Session, code: str) -> Letter | None:
    from sqlalchemy import select

    digest = codes.code_hash(code)
    return session.scalar(select(Letter).where(Letter.code_hash == digest)) if digest else None


# -- the office and the units ---------------------------------------------------------------
def _require(letter: Letter, allowed: tuple[str, ...], action: str) -> None:
    if letter.status not in allowed:
        raise LetterConflict(
            f"当前状态（{STATUS_LABELS.get(letter.status, letter.status)}）不能执行“{ACTION_LABELS[action]}”。")


def _office(user: User) -> None:
    if not access.is_office(user):
        raise LetterForbidden("只有门户办（编辑）可以执行此操作。")


def dispatch(session: Session, letter: Letter, user: User, unit_id: str, policy: InteractionPolicy,
             tz: str, now: datetime | None = None) -> LetterEvent:
    """转办: the unit has ``reply_within`` working days from today (the day itself not counted)."""
    _office(user)
    _require(letter, OPEN_STATUSES, "dispatch")
    unit = session.get(Unit, (unit_id or "").strip()) if unit_id else None
    if unit is None:
        raise LetterError("请选择承办单位。")
    if unit.id == letter.unit_id and letter.status != "received":
        raise LetterError(f"此件已在{unit.name}办理。")
    now = now or datetime.now(timezone.utc)
    before = _snapshot(letter)
    letter.unit_id, letter.status, letter.dispatched_at = unit.id, "dispatched", now
    letter.due_on = calendar.add_workdays(local_date(now, tz), policy.reply_within)
    letter.extended_days, letter.extension_reason, letter.interim_html = 0, None, None
    return _event(session, letter, user, "dispatch", before, {"unit_name": unit.name})


def _answer_html(body: str | None) -> str:
    try:
        html, text, _images = clean_body(body or "")
    except SubmissionError:
        raise LetterError("请填写答复内容。") from None
    if len(text) > REPLY_MAX:
        raise LetterError(f"答复内容不能超过 {REPLY_MAX} 个字。")
    return html


def _may_answer(user: User, letter: Letter) -> None:
    if access.is_office(user):
        return
    if not access.is_unit_of(user, letter):
        raise LetterForbidden("只有承办单位或门户办可以答复此件。")
    if letter.status not in WITH_UNIT_STATUSES:
        raise LetterConflict(f"当前状态（{STATUS_LABELS.get(letter.status, letter.status)}）不能答复。")


def reply(session: Session, letter: Letter, user: User, body: str, policy: InteractionPolicy, tz: str, *,
          extend_days: int | None = None, reason: str | None = None, now: datetime | None = None) -> LetterEvent:
    """答复 (the letter then waits for the office's review); with ``extend_days`` an interim
    answer (阶段性答复) that asks for more time: once, with a reason, ``max_days`` working
    days from dispatch in all."""
    _may_answer(user, letter)
    _require(letter, OPEN_STATUSES, "reply")
    html = _answer_html(body)
    now = now or datetime.now(timezone.utc)
    before = _snapshot(letter)
    if extend_days is not None:
        return _extend(session, letter, user, html, extend_days, reason, policy, tz, before)
    letter.reply_html, letter.replied_at, letter.replied_by_id = html, now, user.id
    letter.reply_unit_id = user.unit_id if not access.is_office(user) else None
    letter.status = "replied"
    return _event(session, letter, user, "reply", before,
                  {"by_unit": letter.reply_unit_id, "on_time": on_time(letter, tz)})


def _extend(session, letter, user, html, extend_days, reason, policy, tz, before) -> LetterEvent:
    if letter.unit_id is None or letter.dispatched_at is None or letter.due_on is None:
        raise LetterConflict("未转办的来信不能延期。")
    if letter.extended_days:
        raise LetterConflict("此件已延期过一次，不能再次延期。")
    reason = (reason or "").strip()
    if not reason:
        raise LetterError("申请延期须说明理由。")
    if not isinstance(extend_days, int) or extend_days < 1:
        raise LetterError("延期天数须为正整数（工作日）。")
    used = calendar.workdays_between(local_date(letter.dispatched_at, tz), letter.due_on)
    if used + extend_days > policy.max_days:
        raise LetterError(f"办理时限合计不能超过 {policy.max_days} 个工作日（已用 {used} 个），"
                          f"最多可延期 {max(0, policy.max_days - used)} 个工作日。")
    letter.due_on = calendar.add_workdays(letter.due_on, extend_days)
    letter.extended_days, letter.extension_reason = extend_days, reason[:COMMENT_MAX]
    letter.interim_html = html
    return _event(session, letter, user, "extend", before, {"reason": reason[:COMMENT_MAX]})


def return_reply(session: Session, letter: Letter, user: User, comment: str) -> LetterEvent:
    """退回重办: the unit answers again; the deadline stays."""
    _office(user)
    _require(letter, ("replied",), "return")
    comment = (comment or "").strip()
    if not comment:
        raise LetterError("退回时须填写意见。")
    if letter.unit_id is None or letter.reply_unit_id is None:
        raise LetterConflict("门户办直接答复的来信不能退回单位。")
    before = _snapshot(letter)
    letter.status, letter.office_comment = "returned", comment[:COMMENT_MAX]
    return _event(session, letter, user, "return", before, {"comment": comment[:COMMENT_MAX]})


def publish(session: Session, letter: Letter, user: User, *, public: bool | None = None,
            confirm_sensitive: bool = False, now: datetime | None = None) -> LetterEvent:
    """审核通过: the Q&A goes public if the citizen agreed (``public`` defaults to that), or
    the letter is closed privately.  A letter the screen held needs ``confirm_sensitive``."""
    _office(user)
    _require(letter, ("replied",), "publish")
    public = letter.public_consent if public is None else public
    if public and not letter.public_consent:
        raise LetterError("来信人未同意公开，此件只能办结不公开。")
    if public and letter.sensitive_terms and not confirm_sensitive:
        raise LetterError("此件含敏感词（" + "、".join(letter.sensitive_terms) + "），请核实不涉密后勾选确认再公开。")
    now = now or datetime.now(timezone.utc)
    before = _snapshot(letter)
    letter.closed_at = now
    if public:
        letter.status, letter.published_at = "published", now
        bump_content(session)
        return _event(session, letter, user, "publish", before,
                      {"confirmed_sensitive": list(letter.sensitive_terms)} if letter.sensitive_terms else None)
    letter.status = "closed"
    return _event(session, letter, user, "close", before)


def unpublish(session: Session, letter: Letter, user: User, reason: str = "") -> LetterEvent:
    _office(user)
    _require(letter, ("published",), "unpublish")
    before = _snapshot(letter)
    letter.status = "closed"
    bump_content(session)
    return _event(session, letter, user, "unpublish", before, {"reason": (reason or "").strip()[:COMMENT_MAX]})


def dismiss(session: Session, letter: Letter, user: User, reason: str) -> LetterEvent:
    """不予受理 (e.g. abuse, no request at all), with the reason the citizen reads."""
    _office(user)
    _require(letter, OPEN_STATUSES, "dismiss")
    reason = (reason or "").strip()
    if not reason:
        raise LetterError("不予受理须说明理由。")
    before = _snapshot(letter)
    letter.status, letter.office_comment, letter.closed_at = "dismissed", reason[:COMMENT_MAX], datetime.now(timezone.utc)
    return _event(session, letter, user, "dismiss", before, {"reason": reason[:COMMENT_MAX]})


# -- deadlines ---------------------------------------------------------------------------------
def on_time(letter: Letter, tz: str) -> bool | None:
    """Whether the (latest) answer came by the due date; None without both."""
    if letter.replied_at is None or letter.due_on is None:
        return None
    return local_date(letter.replied_at, tz) <= letter.due_on


def deadline_state(letter: Letter, today: date, near_due: int) -> str | None:
    """``overdue``, ``near_due`` or None, for letters waiting for their unit's answer."""
    if letter.status not in WITH_UNIT_STATUSES or letter.due_on is None:
        return None
    if today > letter.due_on:
        return "overdue"
    if calendar.workdays_between(today, letter.due_on) <= near_due:
        return "near_due"
    return None
