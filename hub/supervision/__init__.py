"""监管 (supervision): every unit's verdict, score, vetoes and findings, column freshness,
the charts; a unit's page with its history and evidence.  Editors and admins see every
unit; a reporter sees their own unit."""
from __future__ import annotations

from flask import Blueprint

from supervision.kinds import (CATEGORY_LABELS, COLUMN_STATE_LABELS, KIND_LABELS, PERIOD_LABELS, STATUS_LABELS,
                               VETO_LABELS)

bp = Blueprint("supervision", __name__, url_prefix="/hub/supervision")
OFFICE_ROLES = ("admin", "editor")


@bp.app_context_processor
def labels():
    return {"KIND_LABELS": KIND_LABELS, "VETO_LABELS": VETO_LABELS, "FINDING_STATUS_LABELS": STATUS_LABELS,
            "CATEGORY_LABELS": CATEGORY_LABELS, "COLUMN_STATE_LABELS": COLUMN_STATE_LABELS,
            "PERIOD_LABELS": PERIOD_LABELS}


from hub.supervision import report_views, rectify_views, views  # noqa: E402,F401  (routes register on bp)
