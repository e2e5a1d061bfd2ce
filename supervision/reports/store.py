"""Generated reports, kept with the parameters and the data they were made from: a download
renders the kept data, so it says what it said the day it was generated."""
from __future__ import annotations

from datetime import date, datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from supervision.models import Report
from supervision.reports import collect
from supervision.status import Scope


def generate(session: Session, scope: Scope, kind: str, period: str, at: date | None, portal_name: str,
             username: str = "system", now: datetime | None = None) -> Report:
    """Collect and keep a report (the caller commits); ReportError for a period it cannot be made for."""
    now = now or datetime.now(timezone.utc)
    if kind == "monthly":
        year, month = collect.parse_month(period)
        data = collect.monthly(session, scope, year, month, at, portal_name, now)
    elif kind == "yearly":
        try:
            year = int(period)
        except ValueError:
            raise collect.ReportError(f"年份“{period}”无效，请用 YYYY 格式。") from None
        data = collect.yearly(session, scope, year, at, portal_name, now)
    else:
        raise collect.ReportError(f"未知的报告类型“{kind}”。")
    params = {"kind": kind, "period": data["period"], "at": at.isoformat() if at else None, "report_at": data["at"],
              "portal": portal_name, "timezone": scope.tz, "policy": scope.policy.model_dump(mode="json", by_alias=True),
              "generated_at": now.isoformat(timespec="seconds")}
    report = Report(kind=kind, period=data["period"], params=params, data=data, created_at=now, created_by=username)
    session.add(report)
    session.flush()
    return report


def recent(session: Session, limit: int = 50) -> list[Report]:
    return list(session.scalars(select(Report).order_by(Report.created_at.desc(), Report.id.desc()).limit(limit)))
