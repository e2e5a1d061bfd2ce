"""The hub's 专题 pages.  Editors: create and edit topics, pull keyword matches, accept or
reject entries, see each unit's contributions.  Reporters of contributing units: submit
into a sub-section and follow their unit's entries."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from hub.actions import REVIEWERS
from hub.auth import roles_required
from hub.db import commit_or_flash, db_session
from hub.portal.views import MAX_ID
from hub.topics import bp
from storage.models import Unit
from topics import service
from topics.models import Topic, TopicEntry, TopicUnit

ROLES = ("reporter", *REVIEWERS)


def _topic(topic_id: int) -> Topic:
    if topic_id > MAX_ID:
        abort(404)
    topic = db_session().scalar(select(Topic).where(Topic.id == topic_id).options(
        selectinload(Topic.sections), selectinload(Topic.units), selectinload(Topic.rules)))
    if topic is None:
        abort(404)
    if g.user.role not in REVIEWERS and not service.contributing(topic, g.user.unit_id):
        abort(404)  # not a contributing unit: the topic is none of its business
    return topic


@bp.get("/")
@roles_required(*ROLES)
def index():
    session = db_session()
    query = select(Topic).order_by(Topic.id.desc())
    if g.user.role not in REVIEWERS:
        query = query.where(Topic.id.in_(select(TopicUnit.topic_id).where(TopicUnit.unit_id == g.user.unit_id)))
    return render_template("topics/index.html", topics=session.scalars(query).all(),
                           reviewer=g.user.role in REVIEWERS)


def _form_from_request() -> service.TopicForm:
    form = request.form
    rules = []
    for line in (form.get("rules") or "").splitlines():
        keyword, _, section = line.partition("=>")
        if keyword.strip():
            rules.append((keyword.strip(), section.strip()))
    return service.TopicForm(
        title=form.get("title", ""), banner=form.get("banner", ""), description=form.get("description", ""),
        sections=tuple((form.get("sections") or "").splitlines()), units=tuple(form.getlist("units")),
        rules=tuple(rules), active=form.get("active", "1") == "1")


def _edit_page(topic: Topic | None, values: dict, error: str | None = None, status: int = 200):
    units = db_session().scalars(select(Unit).order_by(Unit.kind, Unit.id)).all()
    return render_template("topics/edit.html", topic=topic, values=values, units=units, error=error), status


def _values(topic: Topic | None) -> dict:
    if topic is None:
        return {"title": "", "banner": "", "description": "", "sections": "", "units": [], "rules": "", "active": True}
    names = {s.id: s.name for s in topic.sections}
    return {"title": topic.title, "banner": topic.banner, "description": topic.description,
            "sections": "\n".join(s.name for s in topic.sections), "units": [u.unit_id for u in topic.units],
            "rules": "\n".join(f"{r.keyword} => {names.get(r.section_id, '')}".rstrip(" =>") for r in topic.rules),
            "active": topic.active}


@bp.route("/new", methods=["GET", "POST"])
@bp.route("/<int:topic_id>/edit", methods=["GET", "POST"], endpoint="edit")
@roles_required(*REVIEWERS)
def new(topic_id: int | None = None):
    topic = _topic(topic_id) if topic_id else None
    if request.method == "GET":
        return _edit_page(topic, _values(topic))
    session = db_session()
    try:
        saved = service.save_topic(session, g.user, _form_from_request(), topic)
    except service.TopicError as exc:
        session.rollback()
        values = {**request.form.to_dict(), "units": request.form.getlist("units"),
                  "active": request.form.get("active", "1") == "1"}
        return _edit_page(topic, values, str(exc), 422)
    session.commit()
    flash("专题已保存。")
    return redirect(url_for("topics.show", topic_id=saved.id), 303)


@bp.get("/<int:topic_id>")
@roles_required(*ROLES)
def show(topic_id: int):
    topic = _topic(topic_id)
    session = db_session()
    reviewer = g.user.role in REVIEWERS
    if reviewer and topic.rules:
        if service.pull_matches(session, topic):
            session.commit()
    mine = []
    if not reviewer:
        mine = session.scalars(select(TopicEntry).where(TopicEntry.topic_id == topic.id,
                                                        TopicEntry.unit_id == g.user.unit_id)
                               .options(selectinload(TopicEntry.item)).order_by(TopicEntry.id.desc())).all()
    counts = service.contributions(session, topic.id).get(topic.id, {})
    units = dict(session.execute(select(Unit.id, Unit.name)).all())
    return render_template(
        "topics/show.html", topic=topic, reviewer=reviewer, mine=mine, counts=counts, unit_names=units,
        pending=service.queue(session, topic.id) if reviewer else [],
        accepted=service.queue(session, topic.id, "accepted") if reviewer else [],
        values={"title": "", "body_html": "", "section": ""},
    )


@bp.post("/<int:topic_id>/submit")
@roles_required("reporter")
def submit(topic_id: int):
    topic = _topic(topic_id)
    section = request.form.get("section", "")
    return _decide(None, lambda s: service.submit(
        s, g.user, topic, int(section) if section.isdigit() else -1,
        title=request.form.get("title", ""), body_html=request.form.get("body_html", "")),
        "已报送到专题，等待编辑审核。", topic.id)


def _entry(entry_id: int) -> TopicEntry:
    entry = db_session().get(TopicEntry, entry_id) if entry_id <= MAX_ID else None
    if entry is None:
        abort(404)
    return entry


@bp.post("/entries/<int:entry_id>/accept")
@roles_required(*REVIEWERS)
def accept(entry_id: int):
    entry = _entry(entry_id)
    return _decide(entry, lambda s: service.accept(s, entry, g.user,
                                                   confirm_sensitive=request.form.get("confirm_sensitive") == "1"),
                   "已采用到专题。")


@bp.post("/entries/<int:entry_id>/reject")
@roles_required(*REVIEWERS)
def reject(entry_id: int):
    entry = _entry(entry_id)
    return _decide(entry, lambda s: service.reject(s, entry, g.user, request.form.get("reason", "")), "已不予采用。")


@bp.post("/<int:topic_id>/add")
@roles_required(*REVIEWERS)
def add(topic_id: int):
    topic = _topic(topic_id)
    raw, section = request.form.get("item_id", ""), request.form.get("section", "")
    return _decide(None, lambda s: service.editor_add(s, topic, g.user, int(raw) if raw.isdigit() else -1,
                                                      int(section) if section.isdigit() else -1),
                   "已加入专题。", topic.id)


def _decide(entry: TopicEntry | None, change, done: str, topic_id: int | None = None):
    commit_or_flash(change, service.TopicError, done)
    return redirect(url_for("topics.show", topic_id=topic_id or entry.topic_id), 303)
