"""栏目规则 (editors and admins): column mapping rules, the sensitive-term list,
and applying both to the items still pending review."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("rules", __name__)

MATCH_LABELS = {"title_keyword": "标题关键词", "title_regex": "标题正则", "column_name": "原站栏目名"}
RULE_ACTION_LABELS = {"add": "追加", "override": "替换"}
RULE_EDITORS = ("admin", "editor")


@bp.app_context_processor
def labels():
    return {"MATCH_LABELS": MATCH_LABELS, "RULE_ACTION_LABELS": RULE_ACTION_LABELS}


from hub.rules import term_views, views  # noqa: E402,F401  (routes register on bp)
