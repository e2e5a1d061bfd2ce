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

from tests.browser.livehub import LiveHub, dispose, make_app, make_template, seed, serve
from tests.browser.pages import new_page
from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the browser tests (contexts and pages are per test).  Package
    scope: Playwright's sync API keeps an event loop running in this thread while it
    is open, which would break ``asyncio.run`` in the tests that come after."""
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    except Exception as exc:  # noqa: BLE001 - a browser that does not start is a missing browser
        playwright.stop()
        skip_or_fail(f"Chromium did not start: {exc}")
    yield chromium
    chromium.close()
    playwright.stop()


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
