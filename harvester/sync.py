"""Mirror the registry's units, columns and sources into the database.

Dialect-neutral upserts (read, then insert or update) inside one short
transaction; the harvester is the only writer of these rows.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from harvester.registry import Registry
from storage.models import PortalColumn, Source, Unit


def sync_registry(session: Session, registry: Registry) -> None:
    for position, column in enumerate(registry.columns):
        row = session.get(PortalColumn, column.id) or PortalColumn(id=column.id)
        row.name, row.position = column.name, position
        session.add(row)
    for unit in registry.units:
        row = session.get(Unit, unit.id) or Unit(id=unit.id)
        row.name, row.kind, row.homepage = unit.name, unit.kind, unit.homepage
        session.add(row)
    session.flush()
    for column in registry.columns:  # owners after units: the foreign key needs the unit's row
        session.get(PortalColumn, column.id).owner_unit_id = column.owner
    for unit, source in registry.sources():
        row = session.get(Source, source.id) or Source(id=source.id, status="ok", consecutive_failures=0)
        row.unit_id, row.url, row.type = unit.id, source.url, source.type
        row.columns, row.review = list(source.column_ids), source.review
        row.page, row.column_pages = source.page, source.column_pages
        row.category, row.watched = source.category, not source.harvest
        session.add(row)
