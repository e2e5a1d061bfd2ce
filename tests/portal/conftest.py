"""Portal fixtures: the hub's real app (tests/hub/conftest.py) with the portal's extra items."""
from __future__ import annotations

import pytest

from hub import create_app
from hub.db import EXTENSION
from tests.hub.conftest import app, client, editor, hub_template, logged_in  # noqa: F401 - fixtures reused as they are
from tests.portal.seeding import seed_extra, seed_portal


@pytest.fixture
def ids(app) -> dict:  # noqa: F811 - ``app`` is the hub's fixture (already seeded with the hub's seed())
    return {**app.seeded, **seed_extra(app)}


@pytest.fixture
def any_db_app(db_url):
    """The app on SQLite and on PostgreSQL (for the pages that must work on both)."""
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": db_url})
    app.seeded = seed_portal(app)
    yield app
    app.extensions[EXTENSION]["engine"].dispose()
