"""What the writer process needs to know of each registry source: plain data,
picklable, and cheap to import (the crawling process builds it without importing
the ingestor, which only the writer process loads)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WriterSource:
    """What the writer needs to know of a registry source (plain data, picklable)."""

    unit_id: str
    unit_name: str
    columns: tuple[str, ...]
    review: str


def writer_sources(registry) -> dict[str, WriterSource]:
    return {
        source.id: WriterSource(unit.id, unit.name, tuple(source.column_ids), source.review)
        for unit, source in registry.sources()
    }
