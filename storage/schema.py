"""The whole schema: the core models and each capability's own (政民互动, 专题, 监管).

Alembic and the schema tests compare migrations with this metadata; importing
it loads every model module, wherever it lives.
"""
from __future__ import annotations

import interaction.models  # noqa: F401 - letters, their events, the form's rate limit
import harvester.templates_store  # noqa: F401 - the page template learned per source
import nodes.models  # noqa: F401 - harvest nodes, host leases and pacing across nodes
import supervision.models  # noqa: F401 - probes, column states, findings, watched links
import topics.models  # noqa: F401 - topics, sections, contributing units, rules, entries
from storage.models import Base

metadata = Base.metadata
