"""The rules page (rules, the add form, the sensitive terms), shown again with a form's error."""
from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from hub.db import db_session
from hub.rules.form import next_position
from storage.models import ColumnRule, PortalColumn, SensitiveTerm, Source


def choices() -> dict:
    session = db_session()
    return {
        "columns": session.scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all(),
        "sources": session.scalars(select(Source).order_by(Source.unit_id, Source.id)).all(),
    }


def render_index(values: dict | None = None, error: str | None = None, term_error: str | None = None,
                 term: str = "", status: int = 200):
    session = db_session()
    rules = session.scalars(select(ColumnRule).order_by(ColumnRule.position, ColumnRule.id)).all()
    found = choices()
    return render_template(
        "rules/index.html", rules=rules, error=error, term_error=term_error, term=term,
        values=values or {"match": "title_keyword", "pattern": "", "column": "", "action": "add", "source": "",
                          "position": str(next_position(session))},
        column_names={c.id: c.name for c in found["columns"]},
        terms=session.scalars(select(SensitiveTerm).order_by(SensitiveTerm.term)).all(), **found,
    ), status
