"""The public side of 政民互动: write a letter, follow it with the 查询码, read the
published Q&As.

Two blueprints: ``interact`` (the form and the 查询 page: they need the session for
the CSRF token, are never cached and carry ``noindex``) and ``interact_pages`` (the
published Q&As: cached like every portal page, no session cookie).  What these pages
read of a letter is listed in :data:`PUBLIC_FIELDS`: never the name or the phone.
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from sqlalchemy import func, or_, select

from hub.db import db_session
from hub.portal.blueprint import make_public
from hub.portal.http_cache import public_page
from hub.portal.pages import PER_PAGE, page_number, render_page, site_lookups
from hub.portal.queries import Pager
from hub.portal.views import MAX_ID
from interaction import abuse
from interaction.models import LETTER_KINDS, Letter
from interaction.service import PUBLIC_STATUS_LABELS, LetterError, LetterForm, find_by_code, receive

TEMPLATES = "templates"
bp = make_public(Blueprint("interact", __name__, url_prefix="/interact", template_folder=TEMPLATES),
                 sessionless=False)
pages = make_public(Blueprint("interact_pages", __name__, url_prefix="/interact", template_folder=TEMPLATES))

# The only columns of a letter that public pages, feeds and the sitemap read.
PUBLIC_FIELDS = (Letter.id, Letter.kind, Letter.title, Letter.body, Letter.unit_id, Letter.reply_unit_id,
                 Letter.received_at, Letter.replied_at, Letter.reply_html, Letter.published_at)
PUBLISHED = Letter.status == "published"
FORM_BYTES = 64 * 1024  # the form's request: a 5000-character letter is ~15 KB
QUERY_MAX = 50
CODE_SESSION_KEY = "interaction_new_code"
NO_STORE = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex"}


def _limit(name: str, count: int, seconds: int) -> abuse.Limit:
    config = current_app.config
    return abuse.Limit(int(config.get(f"INTERACTION_{name}_LIMIT", count)),
                       timedelta(seconds=int(config.get(f"INTERACTION_{name}_WINDOW", seconds))))


def _address() -> str:
    return request.remote_addr or "-"


@bp.url_value_preprocessor
def _form_size(endpoint, _values) -> None:
    if endpoint == "interact.write":
        request.max_content_length = FORM_BYTES


def _form_values() -> dict:
    form = request.form
    return {"title": form.get("title", ""), "body": form.get("body", ""), "unit": form.get("unit", ""),
            "name": form.get("name", ""), "phone": form.get("phone", ""), "kind": form.get("kind", "consult"),
            "public": form.get("public") == "1"}


def _form(values: dict | None = None, error: str | None = None, status: int = 200):
    values = values or asdict(LetterForm(title="", body="", phone=""))
    html = render_template(
        "interaction/write.html", values=values, error=error, kinds=LETTER_KINDS, units=site_lookups().units,
        stamp=abuse.make_stamp(current_app.config["SECRET_KEY"]), honeypot=abuse.HONEYPOT_FIELD,
        stamp_field=abuse.STAMP_FIELD,
    )
    return html, status, NO_STORE


@bp.route("/write", methods=["GET", "POST"])
def write():
    if request.method == "GET":
        return _form()
    values = _form_values()
    config = current_app.config
    secret = config["SECRET_KEY"]
    if request.form.get(abuse.HONEYPOT_FIELD):
        return _form(values, "提交未成功：请不要填写页面上隐藏的“网址”一栏。", 400)
    problem = abuse.stamp_problem(secret, request.form.get(abuse.STAMP_FIELD),
                                  float(config.get("INTERACTION_MIN_FILL_SECONDS", 3)),
                                  float(config.get("INTERACTION_FORM_MAX_AGE", 86400)))
    if problem:
        return _form(values, problem, 400)
    db = db_session()
    try:
        letter, code = receive(db, LetterForm(**values))
    except LetterError as exc:
        db.rollback()
        return _form(values, str(exc), 422)
    if not abuse.allow(db, secret, "letter", _address(), _limit("LETTER", 5, 3600)):
        db.rollback()
        return _form(values, "同一网络地址提交来信过于频繁，请一小时后再试（您填写的内容已保留）。", 429)
    db.commit()
    session[CODE_SESSION_KEY] = {"code": code, "id": letter.id}
    return redirect(url_for("interact.written"), 303)


@bp.errorhandler(400)
def _expired_form(exc):
    """The app's CSRF check refused the post (session expired, cookies off): keep what was typed."""
    if request.endpoint == "interact.write" and request.method == "POST":
        return _form(_form_values(), "页面已过期或浏览器未保存 Cookie，请确认内容后重新提交。", 400)
    from hub.portal.blueprint import render_error

    return render_error(400, exc)


@bp.errorhandler(413)
def _too_large(_exc):
    return _form(None, f"提交的内容过大（不能超过 {FORM_BYTES // 1024} KB），请精简来信内容后重新填写。", 413)


@bp.get("/written")
def written():
    """After the post (redirect-after-post): the 查询码, shown once."""
    new = session.pop(CODE_SESSION_KEY, None)
    if not new:
        return redirect(url_for("interact.track"))
    return render_template("interaction/written.html", code=new["code"]), 200, NO_STORE


@bp.get("/track")
def track():
    code = (request.args.get("code") or "").strip()
    if not code:
        return render_template("interaction/track.html", code="", letter=None, error=None), 200, NO_STORE
    db = db_session()
    if not abuse.allow(db, current_app.config["SECRET_KEY"], "track", _address(), _limit("TRACK", 30, 600)):
        db.rollback()
        return render_template("interaction/track.html", code=code, letter=None,
                               error="查询过于频繁，请十分钟后再试。"), 429, NO_STORE
    letter = find_by_code(db, code)
    db.commit()
    if letter is None:
        return render_template("interaction/track.html", code=code, letter=None,
                               error="没有找到这个查询码对应的来信，请核对后重新输入。"), 404, NO_STORE
    return render_template(
        "interaction/track.html", code=code, letter=letter, error=None, status_label=PUBLIC_STATUS_LABELS,
        unit_names=site_lookups().unit_names, show_reply=letter.status in ("published", "closed"),
    ), 200, NO_STORE


# -- the published Q&As --------------------------------------------------------------------------
def _search_filter(query, q: str):
    pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return query.where(or_(Letter.title.like(pattern, escape="\\"), Letter.body.like(pattern, escape="\\"),
                           Letter.reply_html.like(pattern, escape="\\")))


def published_letters(db, limit: int, offset: int = 0, q: str = ""):
    """Published Q&As, newest first: the rows the public may read (see PUBLIC_FIELDS)."""
    query = select(*PUBLIC_FIELDS).where(PUBLISHED)
    if q:
        query = _search_filter(query, q)
    return db.execute(query.order_by(Letter.published_at.desc(), Letter.id.desc()).limit(limit).offset(offset)).all()


def published_total(db, q: str = "") -> int:
    query = select(func.count()).select_from(Letter).where(PUBLISHED)
    return db.scalar(_search_filter(query, q) if q else query)


@pages.get("/")
@public_page
def index():
    q = " ".join((request.args.get("q") or "").split())[:QUERY_MAX]
    db = db_session()
    pager = Pager(page_number(), PER_PAGE, published_total(db, q))
    if not pager.exists:
        abort(404)
    return render_page("interaction/index.html", letters=published_letters(db, PER_PAGE, pager.offset, q),
                       pager=pager, q=q, kinds=LETTER_KINDS, unit_names=site_lookups().unit_names)


@pages.get("/letters/<int:letter_id>")
@public_page
def letter(letter_id: int):
    if letter_id > MAX_ID:
        abort(404)
    row = db_session().execute(select(*PUBLIC_FIELDS).where(Letter.id == letter_id, PUBLISHED)).first()
    if row is None:
        abort(404)
    return render_page("interaction/letter.html", letter=row, kinds=LETTER_KINDS,
                       unit_names=site_lookups().unit_names)


def sitemap_entries(db) -> list[tuple[int, object]]:
    """(letter id, published at) of every published Q&A, for the sitemap."""
    return db.execute(select(Letter.id, Letter.published_at).where(PUBLISHED).order_by(Letter.id)).all()


__all__ = ["bp", "pages", "published_letters", "published_total", "sitemap_entries"]
