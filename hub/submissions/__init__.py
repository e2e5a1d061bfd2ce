"""信息报送: units' reporters submit items for review and follow their status;
editors see every submission; attachments are served from the database.

Routes live in :mod:`hub.submissions.views` (pages) and
:mod:`hub.submissions.download_views` (files); the logic in :mod:`hub.submissions.service`.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("submissions", __name__)

from hub.submissions import change_views, download_views, views  # noqa: E402,F401  (registers the routes on bp)
