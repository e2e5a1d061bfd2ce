"""信息报送: a unit's reporter submits an item for review, with attachments.

Shared by the hub's form, its API and the topics (专题).  The item is stored
``pending``: public only once an editor publishes it through :mod:`hub.actions`.
One exception, 责任部门全责维护: with ``publish=True`` a reporter whose unit owns
every target column (registry ``columns[].owner``) publishes at once — through
the same :func:`hub.actions.publish`, so the audit, search index and content
counter follow — unless the sensitive-term screen holds the item, which then
waits for an editor as any other.  The caller commits.
"""
from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import quote

from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.extract.dom import block_text, parse_html
from harvester.extract.sanitize import sanitize_html
from harvester.fingerprint import content_hash, simhash
from harvester.records import summarise
from hub.actions import publish as publish_item
from hub.submissions.files import (
    ALLOWED_LABEL,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_TOTAL_BYTES,
    TYPES,
    clean_filename,
    extension,
    human_size,
    sniff,
)
from hub.submissions.office_paste import strip_office
from storage import lengths
from storage.audit import record, snapshot
from storage.items import create_item, source_text_of
from storage.models import Item, PortalColumn, Unit, Upload, User
from storage.screen import Screen, load_terms

__all__ = ["SubmissionError", "UploadFile", "create_submission", "download_path", "SUBMITTERS"]

TITLE_MAX = lengths.TITLE  # items.title
SUBMITTERS = ("reporter",)  # editors publish directly; the 报送 form is the units' channel
# Submissions have no page of their own elsewhere: Item.url (required) holds this
# internal marker, never a link.  Pages show 原文链接 only for harvested items
# (origin == "harvest"); a submission's own address is its portal page.
URL_PREFIX = "submission:"
# The download route of hub.submissions (kept here so the service needs no request context).
FILES_PATH = "/hub/files/{upload_id}/{filename}"


class SubmissionError(ValueError):
    """The submission cannot be accepted as sent: a message for the user (Chinese)."""


@dataclass(frozen=True)
class UploadFile:
    """One attached file as received (name and type as the client sent them)."""

    filename: str
    content_type: str
    data: bytes


def download_path(upload_id: int, filename: str) -> str:
    return FILES_PATH.format(upload_id=upload_id, filename=quote(filename, safe=""))


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise SubmissionError("请填写标题。")
    if len(title) > TITLE_MAX:
        raise SubmissionError(f"标题不能超过 {TITLE_MAX} 个字符（现为 {len(title)} 个）。")
    return title


_MARKUP = re.compile(r"<[a-zA-Z!/]")


def _plain_text_as_html(text: str) -> str:
    """Text typed without markup: blank lines part paragraphs, single newlines are line breaks."""
    paragraphs = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n").strip())
    return "".join(
        "<p>" + "<br>".join(str(escape(line.strip())) for line in p.split("\n")) + "</p>"
        for p in paragraphs if p.strip()
    )


def clean_body(body_html: str) -> tuple[str, str, list[dict[str, str]]]:
    """Sanitized HTML (nh3; plain text becomes paragraphs), its text (one line per block)
    and its images.  Shared by every form that takes a body: 报送, 答复 of letters."""
    body_html = strip_office(body_html or "")  # Word/WPS clipboard scaffolding (hub/submissions/office_paste.py)
    if not _MARKUP.search(body_html):
        body_html = _plain_text_as_html(body_html)
    html = sanitize_html(body_html)
    root = parse_html(html) if html else None
    text = block_text(root).strip() if root is not None else ""
    if not text:
        raise SubmissionError("请填写正文（正文不能只有空白或图片）。")
    images = []
    for img in root.iter("img") if root is not None else ():
        src = (img.get("src") or "").strip()
        if src.startswith(("http://", "https://")):
            images.append({"name": (img.get("alt") or "").strip(), "url": src})
    return html, text, images


def text_fields(title: str, html: str, text: str, images: list[dict[str, str]]) -> dict:
    """A submission's columns that follow its title and body (报送 and 修改 alike)."""
    return {"title": title, "body_html": html, "body_text": text, "summary": summarise(text), "images": images,
            "content_hash": content_hash(title + "\n" + text), "fingerprint": simhash(text)}


def owned_columns(session: Session, unit_id: str | None) -> list[PortalColumn]:
    """The columns ``unit_id`` maintains itself (registry ``columns[].owner``)."""
    if not unit_id:
        return []
    return list(session.scalars(select(PortalColumn).where(PortalColumn.owner_unit_id == unit_id)
                                .order_by(PortalColumn.position, PortalColumn.id)))


def _check_owned(session: Session, unit: Unit, columns: list[str]) -> None:
    owned = {c.id for c in owned_columns(session, unit.id)}
    others = [c for c in columns if c not in owned]
    if not owned:
        raise SubmissionError(f"{unit.name}没有负责维护的栏目，信息须报送审核。")
    if others:
        names = dict(session.execute(select(PortalColumn.id, PortalColumn.name).where(PortalColumn.id.in_(others))).all())
        raise SubmissionError("只能直接发布到本单位负责维护的栏目；" + "、".join(names.get(c, c) for c in others)
                              + " 不由本单位维护，请取消“直接发布”后报送审核。")


def _columns(session: Session, column_ids: list[str], required: bool = True) -> list[str]:
    wanted = list(dict.fromkeys(c.strip() for c in column_ids or [] if c and c.strip()))
    if not wanted:
        if not required:
            return []
        raise SubmissionError("请至少选择一个目标栏目。")
    known = set(session.scalars(select(PortalColumn.id).where(PortalColumn.id.in_(wanted))))
    unknown = [c for c in wanted if c not in known]
    if unknown:
        raise SubmissionError("未知栏目：" + "、".join(unknown))
    return wanted


def _uploads(uploads: list[UploadFile]) -> list[tuple[str, str, bytes]]:
    """(clean name, stored type, bytes) per file, or a SubmissionError naming the file."""
    files = [u for u in uploads or [] if u.filename or u.data]
    if len(files) > MAX_FILES:
        raise SubmissionError(f"附件最多 {MAX_FILES} 个（现为 {len(files)} 个）。")
    total = sum(len(u.data) for u in files)
    if total > MAX_TOTAL_BYTES:
        raise SubmissionError(
            f"附件总大小不能超过 {human_size(MAX_TOTAL_BYTES)}（现为 {human_size(total)}）。"
        )
    accepted = []
    for upload in files:
        name = clean_filename(upload.filename)
        shown = name or "（无文件名）"
        if not name or not extension(name):
            raise SubmissionError(f"附件“{shown}”没有文件扩展名，无法识别类型。允许的类型：{ALLOWED_LABEL}。")
        if not upload.data:
            raise SubmissionError(f"附件“{shown}”是空文件。")
        if len(upload.data) > MAX_FILE_BYTES:
            raise SubmissionError(
                f"附件“{shown}”为 {human_size(len(upload.data))}，单个附件不能超过 {human_size(MAX_FILE_BYTES)}。"
            )
        ext = extension(name)
        if ext not in TYPES:
            raise SubmissionError(f"附件“{shown}”的类型（.{ext}）不允许。允许的类型：{ALLOWED_LABEL}。")
        ctype = sniff(name, upload.data)
        if ctype is None:
            raise SubmissionError(
                f"附件“{shown}”的内容与扩展名（.{ext}）不符，请确认文件完好、扩展名正确后重新上传。"
            )
        accepted.append((name, ctype, upload.data))
    return accepted


def _reporter_unit(session: Session, user: User) -> Unit:
    if user is None or not user.active or user.role not in SUBMITTERS:
        raise SubmissionError("只有单位报送员账号可以报送信息。")
    unit = session.get(Unit, user.unit_id) if user.unit_id else None
    if unit is None:
        raise SubmissionError("您的账号未关联单位，请联系管理员。")
    return unit


def create_submission(session: Session, user: User, *, title: str, body_html: str,
                      column_ids: list[str], uploads: list[UploadFile],
                      now: datetime | None = None, publish: bool = False, require_columns: bool = True) -> Item:
    """Validate, sanitize, screen and store one submission of ``user``'s unit (pending review;
    published at once with ``publish`` into columns the unit owns, unless the screen holds it)."""
    unit = _reporter_unit(session, user)
    title = _clean_title(title)
    html, text, images = clean_body(body_html)
    columns = _columns(session, column_ids, required=require_columns or publish)
    if publish:
        _check_owned(session, unit, columns)
    files = _uploads(uploads)
    now = now or datetime.now(timezone.utc)

    screen = Screen(load_terms(session))
    terms = screen.find(title, text, *(name for name, _t, _d in files))
    item = create_item(
        session, columns,
        url=f"{URL_PREFIX}{uuid.uuid4().hex}", unit_id=unit.id, published_at=now,
        source_text=source_text_of("", unit.name), attachments=[], meta={}, flags=[], status="pending",
        origin="submission", submitted_by_id=user.id, sensitive_terms=terms, **text_fields(title, html, text, images),
    )
    stored = []
    for name, ctype, data in files:
        upload = Upload(
            item_id=item.id, filename=name, content_type=ctype, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by_id=user.id,
        )
        session.add(upload)
        stored.append(upload)
    session.flush()
    item.attachments = [{"name": u.filename, "url": download_path(u.id, u.filename)} for u in stored]
    session.flush()
    after = snapshot(item)
    after.update(unit=unit.id, sensitive_terms=terms,
                 files=[{"name": u.filename, "size": u.size, "sha256": u.sha256} for u in stored])
    record(session, user, "submit", item.id, {}, after)
    if publish and not terms:
        publish_item(session, item, user, now=now)
    return item
