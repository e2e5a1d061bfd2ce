"""通报: generate a month's bulletin or a year's assessment, list past ones, download them in
every format (rendered from the data kept with them), preview the HTML.  Editors and admins."""
from __future__ import annotations

from datetime import date, datetime, timezone
from urllib.parse import quote

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from harvestkit.dates import as_local
from hub.actions import record
from hub.auth import roles_required
from hub.db import db_session
from hub.portal.pages import portal_name
from hub.supervision import OFFICE_ROLES, bp
from hub.supervision.context import current_scope
from supervision.models import Report
from supervision.reports import charts as chart_kit
from supervision.reports import collect
from supervision.reports.render import FORMATS, filename, render, title_filename
from supervision.reports.store import generate, recent

PREVIEW_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox"


def _last_month(today: date) -> str:
    first = today.replace(day=1)
    previous = date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)
    return f"{previous.year:04d}-{previous.month:02d}"


@bp.get("/reports")
@roles_required(*OFFICE_ROLES)
def reports():
    scope = current_scope()
    today = as_local(datetime.now(timezone.utc), scope.tz).date()
    suggested = _last_month(today)
    year, month = (int(x) for x in suggested.split("-"))
    return render_template("supervision/reports.html", reports=recent(db_session()), suggested=suggested,
                           suggested_label=f"{year}年{month}月", this_year=today.year, FORMATS=FORMATS)


@bp.post("/reports")
@roles_required(*OFFICE_ROLES)
def generate_report():
    session = db_session()
    kind = request.form.get("kind", "monthly")
    period = (request.form.get("period") or "").strip()[:10]
    raw_at = (request.form.get("at") or "").strip()
    try:
        at = date.fromisoformat(raw_at) if raw_at else None
    except ValueError:
        flash(f"截止日期“{raw_at[:20]}”无效，请用 YYYY-MM-DD。", "error")
        return redirect(url_for("supervision.reports"), 303)
    try:
        report = generate(session, current_scope(), kind, period, at, portal_name(), g.user.username)
    except collect.ReportError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("supervision.reports"), 303)
    record(session, g.user, "report_generate", None, {}, {"report": report.id, "kind": kind, "period": report.period})
    session.commit()
    flash(f"已生成《{report.data['title']}》。")
    return redirect(url_for("supervision.report", report_id=report.id), 303)


def _report(report_id: int) -> Report:
    row = db_session().get(Report, report_id)
    if row is None:
        abort(404)
    return row


@bp.get("/reports/<int:report_id>")
@roles_required(*OFFICE_ROLES)
def report(report_id: int):
    row = _report(report_id)
    charts = [chart_kit.svg(c) for c in chart_kit.of(row.data)]
    return render_template("supervision/report.html", report=row, data=row.data, charts=charts, FORMATS=FORMATS)


@bp.get("/reports/<int:report_id>/download.<fmt>")
@roles_required(*OFFICE_ROLES)
def download(report_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404)
    row = _report(report_id)
    body = render(row.data, fmt)
    response = current_app.response_class(body, mimetype=FORMATS[fmt][0])
    response.headers["Content-Disposition"] = (f"attachment; filename=\"{filename(row.data, fmt)}\"; "
                                               f"filename*=UTF-8''{quote(title_filename(row.data, fmt))}")
    response.headers["Cache-Control"] = "private, no-store"
    if fmt == "html":
        response.headers["Content-Security-Policy"] = PREVIEW_CSP
    return response


@bp.get("/reports/<int:report_id>/preview")
@roles_required(*OFFICE_ROLES)
def preview(report_id: int):
    """The HTML version as a document of its own: its inline stylesheet is allowed here only,
    sandboxed, and nothing else (no script, no fetches beyond its own data: images)."""
    row = _report(report_id)
    response = current_app.response_class(render(row.data, "html"), mimetype="text/html")
    response.headers["Content-Security-Policy"] = PREVIEW_CSP
    response.headers["Cache-Control"] = "private, no-store"
    return response
