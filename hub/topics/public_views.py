"""The portal's 专题 pages: the list of topics and one topic with its sub-sections."""
from __future__ import annotations

from flask import abort

from hub.db import db_session
from hub.portal.http_cache import public_page
from hub.portal.pages import render_page, site_lookups
from hub.portal.views import MAX_ID
from hub.topics import public_bp
from topics.service import public_topic, public_topics, section_total, topic_items

PER_SECTION = 20


@public_bp.get("/")
@public_page
def index():
    return render_page("topics/public_index.html", topics=public_topics(db_session()))


@public_bp.get("/<int:topic_id>")
@public_page
def topic(topic_id: int):
    session = db_session()
    found = public_topic(session, topic_id) if topic_id <= MAX_ID else None
    if found is None:
        abort(404)
    sections = [(s, topic_items(session, topic_id, PER_SECTION, section_id=s.id), section_total(session, topic_id, s.id))
                for s in found.sections]
    return render_page("topics/public_topic.html", topic=found, sections=sections,
                       unit_names=site_lookups().unit_names)
