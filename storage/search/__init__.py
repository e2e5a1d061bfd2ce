"""Full-text search over published items (being built: see storage/search/)."""
from __future__ import annotations


def refresh(session, item_ids) -> None:
    """Bring the index entries of ``item_ids`` in step with the items (index published, drop the rest)."""
