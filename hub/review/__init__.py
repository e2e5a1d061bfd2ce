"""The review queue (审核): the queue with filters and bulk actions, the item page
with every editorial action, and the audit log."""
from __future__ import annotations

from flask import Blueprint

from hub.actions import ACTION_LABELS, STATUS_LABELS
from hub.review.flags import label as flag_label

bp = Blueprint("review", __name__)


@bp.app_context_processor
def labels():
    return {"STATUS_LABELS": STATUS_LABELS, "ACTION_LABELS": ACTION_LABELS, "flag_label": flag_label}


from hub.review import audit_views, item_views, queue_views  # noqa: E402,F401  (routes register on bp)
