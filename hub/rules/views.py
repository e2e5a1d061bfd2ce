"""The rules page and the column rules' add, edit, enable/disable and delete
(each audited: a deleted rule survives in its audit entry), and 应用到待审核信息."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for

from hub.actions import record
from hub.auth import roles_required
from hub.db import db_session
from hub.rules import RULE_EDITORS, bp
from hub.rules.apply import apply_to_pending
from hub.rules.form import RuleFormError, form_values, parse, rule_values, snapshot
from hub.rules.page import choices, render_index
from storage.models import ColumnRule


def _rule_or_404(rule_id: int) -> ColumnRule:
    rule = db_session().get(ColumnRule, rule_id)
    if rule is None:
        abort(404)
    return rule


def _torender_index():
    return redirect(url_for("rules.index"), 303)


@bp.get("/hub/rules/")
@roles_required(*RULE_EDITORS)
def index():
    return render_index()


@bp.post("/hub/rules/")
@roles_required(*RULE_EDITORS)
def create():
    session = db_session()
    values = form_values(request.form)
    try:
        fields = parse(session, values)
    except RuleFormError as exc:
        return render_index(values, error=str(exc), status=422)
    rule = ColumnRule(**fields, enabled=True)
    session.add(rule)
    session.flush()
    record(session, g.user, "rule_create", None, {}, snapshot(rule))
    session.commit()
    flash(f"已添加栏目规则 #{rule.id}。新采集的信息按新规则归入栏目；已有的待审核信息可点击“应用到待审核信息”。")
    return _torender_index()


@bp.get("/hub/rules/<int:rule_id>")
@roles_required(*RULE_EDITORS)
def edit(rule_id: int):
    rule = _rule_or_404(rule_id)
    return render_template("rules/edit.html", rule=rule, values=rule_values(rule), error=None, **choices())


@bp.post("/hub/rules/<int:rule_id>")
@roles_required(*RULE_EDITORS)
def update(rule_id: int):
    session = db_session()
    rule = _rule_or_404(rule_id)
    values = form_values(request.form)
    try:
        fields = parse(session, values)
    except RuleFormError as exc:
        return render_template("rules/edit.html", rule=rule, values=values, error=str(exc), **choices()), 422
    before = snapshot(rule)
    for key, value in fields.items():
        setattr(rule, key, value)
    after = snapshot(rule)
    if after == before:
        flash("没有改动。")
        return _torender_index()
    changed = [k for k in after if k != "rule" and after[k] != before[k]]
    record(session, g.user, "rule_update", None, {"rule": rule.id, **{k: before[k] for k in changed}},
           {"rule": rule.id, **{k: after[k] for k in changed}})
    session.commit()
    flash(f"已保存栏目规则 #{rule.id}。")
    return _torender_index()


def _set_enabled(rule_id: int, enabled: bool):
    session = db_session()
    rule = _rule_or_404(rule_id)
    if bool(rule.enabled) != enabled:
        rule.enabled = enabled
        record(session, g.user, "rule_enable" if enabled else "rule_disable", None,
               {"rule": rule.id, "enabled": not enabled}, {"rule": rule.id, "enabled": enabled})
        session.commit()
    flash(f"已{'启用' if enabled else '停用'}栏目规则 #{rule.id}。")
    return _torender_index()


@bp.post("/hub/rules/<int:rule_id>/enable")
@roles_required(*RULE_EDITORS)
def enable(rule_id: int):
    return _set_enabled(rule_id, True)


@bp.post("/hub/rules/<int:rule_id>/disable")
@roles_required(*RULE_EDITORS)
def disable(rule_id: int):
    return _set_enabled(rule_id, False)


@bp.post("/hub/rules/<int:rule_id>/delete")
@roles_required(*RULE_EDITORS)
def delete(rule_id: int):
    session = db_session()
    rule = _rule_or_404(rule_id)
    record(session, g.user, "rule_delete", None, snapshot(rule), {})
    session.delete(rule)
    session.commit()
    flash(f"已删除栏目规则 #{rule_id}（审计日志保留了删除前的内容）。")
    return _torender_index()


@bp.post("/hub/rules/apply")
@roles_required(*RULE_EDITORS)
def apply():
    session = db_session()
    result = apply_to_pending(session, g.user)
    session.commit()
    flash(f"已重新检查 {result.checked} 条待审核信息：栏目变化 {result.columns} 条，敏感词变化 {result.terms} 条"
          f"（编辑手动设置过栏目的 {result.locked} 条保持不变）。")
    return _torender_index()
