"""工作台 (/hub/): where each role starts — what waits, what failed, what came in."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, render_template

from hub.dashboard import charts, figures
from hub.db import db_session


def home():
    """The signed-in user's overview; reporters see their own and their unit's only."""
    session = db_session()
    tz = current_app.config["TIMEZONE"]
    today = figures.day_start(tz)
    user = g.user
    if user.role == "reporter":
        counts, mine = figures.own_submissions(session, user.id)
        per_day = figures.items_per_day(session, tz, unit_id=user.unit_id)
        findings_count, findings = figures.open_findings(session, unit_id=user.unit_id)
        return render_template(
            "dashboard/reporter.html", counts=counts, mine=mine,
            unit_items=figures.unit_items(session, user.unit_id) if user.unit_id else [],
            pending_columns=figures.pending_by_column(session, unit_id=user.unit_id) if user.unit_id else [],
            per_day=per_day, per_day_chart=charts.columns(f"本单位近 {figures.DAYS} 天每天新增信息", per_day),
            findings_count=findings_count, findings=findings,
        )
    per_day = figures.items_per_day(session, tz)
    per_unit = figures.items_per_unit(session, today - timedelta(days=figures.UNIT_DAYS - 1))
    findings_count, findings = figures.open_findings(session)
    return render_template(
        "dashboard/editor.html",
        pending_units=figures.pending_by_unit(session), pending_columns=figures.pending_by_column(session),
        today=figures.today_harvests(session, today), troubled=figures.troubled_sources(session),
        findings_count=findings_count, findings=findings,
        per_day=per_day, per_day_chart=charts.columns(f"近 {figures.DAYS} 天每天新增信息", per_day),
        per_unit=per_unit, per_unit_chart=charts.bars(f"近 {figures.UNIT_DAYS} 天各单位新增信息", per_unit),
        unit_days=figures.UNIT_DAYS, days=figures.DAYS,
    )
