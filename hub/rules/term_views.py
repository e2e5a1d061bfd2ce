"""The sensitive-term list (敏感词): add and remove terms, each audited.

Changes apply to what is harvested or submitted from now on; 应用到待审核信息
re-screens the items already waiting for review."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from hub.actions import record
from hub.auth import roles_required
from hub.db import db_session
from hub.rules import RULE_EDITORS, bp
from hub.rules.page import render_index
from storage.models import SensitiveTerm

TERM_MAX = 100


@bp.post("/hub/rules/terms")
@roles_required(*RULE_EDITORS)
def add_term():
    session = db_session()
    term = " ".join((request.form.get("term") or "").split())
    if not term:
        return render_index(term_error="请填写敏感词。", status=422)
    if len(term) > TERM_MAX:
        return render_index(term_error=f"敏感词不能超过 {TERM_MAX} 个字符。", term=term, status=422)
    if session.get(SensitiveTerm, term) is not None:
        return render_index(term_error=f"敏感词“{term}”已在列表中。", term=term, status=422)
    session.add(SensitiveTerm(term=term))
    record(session, g.user, "term_add", None, {}, {"term": term})
    session.commit()
    flash(f"已添加敏感词“{term}”。")
    return redirect(url_for("rules.index", _anchor="terms"), 303)


@bp.post("/hub/rules/terms/delete")
@roles_required(*RULE_EDITORS)
def remove_term():
    session = db_session()
    term = request.form.get("term") or ""
    row = session.get(SensitiveTerm, term)
    if row is None:
        flash(f"敏感词“{term}”不在列表中。", "error")
    else:
        session.delete(row)
        record(session, g.user, "term_remove", None, {"term": term}, {})
        session.commit()
        flash(f"已删除敏感词“{term}”。")
    return redirect(url_for("rules.index", _anchor="terms"), 303)
