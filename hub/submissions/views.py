"""The 信息报送 pages: the list of submissions, the form, one submission's status.

Reporters submit for their own unit only and see only their unit's
submissions (another unit's submission is "not found", so ids reveal nothing).
Editors and admins see every submission and review it on the 审核 page; they do
not use the reporters' form (they publish content directly), so it is reporters-only.
"""
from __future__ import annotations

from math import ceil

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import false, func, select
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import RequestEntityTooLarge

from hub.actions import REVIEWERS
from hub.auth import load_user, roles_required
from hub.db import db_session
from hub.review.query import page_arg
from hub.submissions import bp
from hub.submissions.files import (
    ACCEPT_ATTR,
    ALLOWED_LABEL,
    MAX_FILE_BYTES,
    MAX_FILES,
    MAX_REQUEST_BYTES,
    MAX_TOTAL_BYTES,
    human_size,
)
from hub.submissions.service import SUBMITTERS, SubmissionError, UploadFile, create_submission, owned_columns
from storage.models import ITEM_STATUSES, AuditEntry, Item, PortalColumn, Unit

# As the reporters know them: a published submission has been 采用.
STATUS_LABELS = {
    "pending": "待审核", "scheduled": "定时发布", "published": "已采用", "rejected": "已退回", "withdrawn": "已撤下（撤回）",
}
# The steps of a submission a reporter sees in its history (not editors' other edits).
HISTORY_LABELS = {
    "submit": "报送", "publish": "采用（发布）", "schedule": "采用（定时发布）", "reject": "退回", "unpublish": "撤下",
    "submission_edit": "修改", "submission_withdraw": "撤回",
}
BODY_FIELD_MAX = 4 * 1024 * 1024  # the 正文 field: long documents pasted from Word stay well within
LIMITS = {
    "files": MAX_FILES, "file": human_size(MAX_FILE_BYTES), "total": human_size(MAX_TOTAL_BYTES),
    "types": ALLOWED_LABEL, "accept": ACCEPT_ATTR,
}


@bp.url_value_preprocessor
def _request_limits(endpoint: str | None, _values) -> None:
    """Runs before the app's CSRF check reads the form: the form's size limits apply from the first byte."""
    if endpoint in ("submissions.new", "submissions.edit"):
        configured = current_app.config.get("MAX_CONTENT_LENGTH")
        if configured is None or configured > MAX_REQUEST_BYTES:
            request.max_content_length = MAX_REQUEST_BYTES
        request.max_form_memory_size = BODY_FIELD_MAX


def _columns():
    return db_session().scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all()


@bp.get("/hub/submissions/")
@roles_required("reporter", *REVIEWERS)
def index():
    session = db_session()
    reviewer = g.user.role in REVIEWERS
    status = request.args.get("status", "")
    status = status if status in ITEM_STATUSES else ""
    unit = request.args.get("unit", "") if reviewer else ""
    query = select(Item).where(Item.origin == "submission")
    if not reviewer:
        query = query.where(Item.unit_id == g.user.unit_id) if g.user.unit_id else query.where(false())
    elif unit:
        query = query.where(Item.unit_id == unit)
    if status:
        query = query.where(Item.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    size = current_app.config["PAGE_SIZE"]
    pages = max(1, ceil(total / size))
    page = min(page_arg(), pages)
    items = session.scalars(
        query.options(selectinload(Item.unit), selectinload(Item.submitted_by))
        .order_by(Item.created_at.desc(), Item.id.desc())
        .limit(size).offset((page - 1) * size)
    ).all()
    filters = {"status": status, "unit": unit} if reviewer else {"status": status}
    return render_template(
        "submissions/index.html",
        items=items, total=total, page=page, pages=pages, filters=filters, reviewer=reviewer,
        statuses=ITEM_STATUSES, status_labels=STATUS_LABELS,
        units=session.scalars(select(Unit).order_by(Unit.id)).all() if reviewer else [],
        can_submit=g.user.role in SUBMITTERS,
    )


def _form(values: dict | None = None, error: str | None = None, status: int = 200):
    values = values or {"title": "", "body_html": "", "columns": [], "publish": False}
    user = g.get("user")
    return render_template(
        "submissions/new.html", values=values, error=error, columns=_columns(), limits=LIMITS,
        unit=user.unit if user is not None else None,
        owned=owned_columns(db_session(), user.unit_id) if user is not None else [],
    ), status


@bp.route("/hub/submissions/new", methods=["GET", "POST"])
@roles_required(*SUBMITTERS)
def new():
    if request.method == "GET":
        return _form()
    if request.content_length is not None and request.content_length > MAX_REQUEST_BYTES:
        return _too_large()
    values = {
        "title": request.form.get("title", ""),
        "body_html": request.form.get("body_html", ""),
        "columns": request.form.getlist("columns"),
        "publish": request.form.get("publish") == "1",
    }
    uploads = [
        UploadFile(filename=f.filename or "", content_type=f.mimetype or "", data=f.read())
        for f in request.files.getlist("attachments") if f.filename
    ]
    session = db_session()
    try:
        item = create_submission(
            session, g.user, title=values["title"], body_html=values["body_html"],
            column_ids=values["columns"], uploads=uploads, publish=values["publish"],
        )
    except SubmissionError as exc:
        session.rollback()
        message = str(exc) + ("（出于安全原因，请重新选择附件。）" if uploads else "")
        return _form(values, message, 422)
    session.commit()
    if item.status == "published":
        flash("已直接发布到本单位负责维护的栏目。")
    elif values["publish"]:
        flash("标题或正文含敏感词，未直接发布：等待编辑核实后发布。")
    else:
        flash("报送成功，等待审核。" + ("标题或正文含敏感词，编辑将重点核实。" if item.sensitive_terms else ""))
    return redirect(url_for("submissions.show", item_id=item.id), 303)


def _too_large():
    message = (f"提交的内容过大：附件合计不能超过 {LIMITS['total']}，单个附件不能超过 {LIMITS['file']}，"
               f"正文不能超过 {human_size(BODY_FIELD_MAX)}。请压缩或拆分后重新填写提交。")
    if g.get("user") is not None and g.user.role in SUBMITTERS:
        return _form(error=message, status=413)
    return render_template("error.html", code=413, title="提交内容过大", message=message), 413


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_exc):
    """Raised while the form is read (by the CSRF check, before any view ran)."""
    if "user" not in g:
        load_user()
    return _too_large()


@bp.get("/hub/submissions/<int:item_id>")
@roles_required("reporter", *REVIEWERS)
def show(item_id: int):
    session = db_session()
    item = session.scalar(
        select(Item).where(Item.id == item_id, Item.origin == "submission").options(
            selectinload(Item.unit), selectinload(Item.submitted_by), selectinload(Item.uploads),
            selectinload(Item.columns),
        )
    )
    if item is None:
        abort(404)
    reviewer = g.user.role in REVIEWERS
    if not reviewer and (g.user.unit_id is None or item.unit_id != g.user.unit_id):
        abort(404)  # another unit's submission: not found, whatever the id
    column_names = dict(session.execute(select(PortalColumn.id, PortalColumn.name)).all())
    history = session.scalars(
        select(AuditEntry).where(AuditEntry.item_id == item.id, AuditEntry.action.in_(HISTORY_LABELS))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ).all()
    return render_template(
        "submissions/show.html", item=item, reviewer=reviewer, history=history,
        history_labels=HISTORY_LABELS, status_labels=STATUS_LABELS, human_size=human_size,
        item_columns=[column_names.get(c.column_id, c.column_id) for c in item.columns],
    )


@bp.get("/hub/columns/")
@roles_required("reporter", *REVIEWERS)
def columns():
    """责任栏目: the columns units maintain themselves, with what is live and how fresh it is.
    A reporter sees their own unit's; editors see every owned column."""
    from hub.submissions.owned import owned_overview

    session = db_session()
    reviewer = g.user.role in REVIEWERS
    return render_template("submissions/columns.html", reviewer=reviewer,
                           overview=owned_overview(session, None if reviewer else (g.user.unit_id or "-")))
