"""Browser fixtures: one headless Chromium per session, the real hub served over HTTP.

The browser is Debian's Chromium (/usr/bin/chromium) driven by Playwright.  When
the browser or the playwright package is missing these tests are skipped, except
under CI=true, where a missing browser fails the suite (the CI rule: the browser
tests must run there; .ci/run installs Chromium).

``live_hub`` is the real application on a real SQLite file, served by a real WSGI
server on 127.0.0.1 (see tests/browser/livehub.py); ``page`` is a fresh browser
context and page, closed after the test (see tests/browser/pages.py).
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from tests.browser.chromium import chromium
from tests.browser.livehub import LiveHub, dispose, make_app, make_template, seed, serve
from tests.browser.pages import new_page


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests (contexts and pages are per test).  Package
    scope: see tests/browser/chromium.py on Playwright's event loop."""
    with chromium() as browser:
        yield browser


@pytest.fixture(scope="session")
def hub_template(tmp_path_factory) -> Path:
    return make_template(tmp_path_factory.mktemp("browser-template"))


@pytest.fixture
def live_hub(tmp_path, hub_template) -> Iterator[LiveHub]:
    app = make_app(tmp_path, hub_template)
    try:
        ids = seed(app)
        with serve(app) as url:
            yield LiveHub(url=url, app=app, ids=ids)
    finally:
        dispose(app)


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()
