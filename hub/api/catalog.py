"""What clients look ids up in: the token's own account, columns (栏目), units
(单位) and, for editors and admins, the harvested sources (来源) with their health."""
from __future__ import annotations

from flask import g, jsonify
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from hub.actions import REVIEWERS
from hub.api import bp
from hub.api.auth import token_required
from hub.api.serialize import source, unit_ref
from hub.db import db_session
from storage.models import HarvestRun, PortalColumn, Source, Unit


@bp.get("/v1/me")
@token_required()
def me():
    user = g.api_user
    return jsonify({
        "id": user.id, "username": user.username, "role": user.role,
        "unit": unit_ref(user.unit, user.unit_id) if user.unit_id else None,
    })


@bp.get("/v1/columns")
@token_required()
def columns():
    rows = db_session().scalars(select(PortalColumn).order_by(PortalColumn.position, PortalColumn.id)).all()
    items = [{"id": c.id, "name": c.name, "position": c.position, "owner": c.owner_unit_id} for c in rows]
    return jsonify(items=items, total=len(items))


@bp.get("/v1/units")
@token_required()
def units():
    rows = db_session().scalars(select(Unit).order_by(Unit.id)).all()
    items = [{"id": u.id, "name": u.name, "kind": u.kind, "homepage": u.homepage} for u in rows]
    return jsonify(items=items, total=len(items))


@bp.get("/v1/sources")
@token_required(*REVIEWERS)
def sources():
    session = db_session()
    rows = session.scalars(select(Source).options(selectinload(Source.unit)).order_by(Source.id)).all()
    latest = select(func.max(HarvestRun.id)).group_by(HarvestRun.source_id)
    runs = {r.source_id: r for r in session.scalars(select(HarvestRun).where(HarvestRun.id.in_(latest)))}
    items = [source(s, runs.get(s.id)) for s in rows]
    return jsonify(items=items, total=len(items))
