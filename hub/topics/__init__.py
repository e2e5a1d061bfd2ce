"""专题 in the hub (``/hub/topics/``: editors create topics and review their queues;
contributing units' reporters submit into sub-sections) and on the portal
(``/topics/``, ``/topics/<id>``; the feed is ``/feeds/topics/<id>.atom|rss``).
The logic is :mod:`topics.service`."""
from __future__ import annotations

from flask import Blueprint

from hub.portal.blueprint import make_public

bp = Blueprint("topics", __name__, url_prefix="/hub/topics")
public_bp = make_public(Blueprint("topics_public", __name__, url_prefix="/topics"))

from hub.topics import public_views, views  # noqa: E402,F401  (registers the routes)
