"""Debian's Chromium (/usr/bin/chromium), headless, through Playwright's sync API.

Missing browser or playwright package: the test is skipped, except under CI=true,
where it fails (the CI rule: the browser tests must run there).  Playwright's sync
API keeps an event loop running in this thread while the browser is open, so open
it for a package or a module at most: ``asyncio.run`` in later tests needs the
thread's loop gone.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def chromium():
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright package is not installed")
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
    except Exception as exc:  # noqa: BLE001 - a browser that does not start is a missing browser
        playwright.stop()
        skip_or_fail(f"Chromium did not start: {exc}")
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()
