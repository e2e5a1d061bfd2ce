"""Nothing stalls a harvest for ever.  An FTP server that accepts and never greets
is never contacted at all (ftp:// is not fetched); an HTTP server that accepts
and never answers, and a host whose robots.txt asks for an hour between
requests, hold a harvest only until SIGTERM, which ends it within seconds with
every run closed and what was fetched stored."""
from __future__ import annotations

import signal
import threading
import time

import pytest

from harvester.stopping import GRACE_SECONDS
from tests.security.conftest import (all_runs, items, messages, run_harvest, runs, source_line, start_harvest, stop_group,
                                     wait_for, write_registry)
from tests.security.test_schemes import feed
from tests.sitekit import HTML, Site, article, list_page


def test_a_stalled_ftp_server_never_holds_anything(silent_server, tmp_path):
    ftp = f"ftp://127.0.0.1:{silent_server.port}"
    site = Site({
        "/col/index.html": (200, HTML, list_page([(f"{ftp}/pub/notice.html", "文件服务器上的通知", "2026-11-03"),
                                                   ("/r/ftp", "跳转到文件服务器的通知", "2026-11-02"),
                                                   ("/art/ok.html", "旁边的正常通知", "2026-11-01")])),
        "/r/ftp": (301, {"Location": f"{ftp}/pub/moved.html"}, b""),
        "/art/ok.html": (200, HTML, article("旁边的正常通知", "2026-11-01")),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed([(f"{ftp}/feed.html", "文件服务器的条目", "")])),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{ftp}/sitemap-1.xml</loc></sitemap></sitemapindex>").encode()),
    })
    try:
        registry = write_registry(tmp_path / "registry.yaml", site.url + "/", [
            source_line("list", site.url + "/col/index.html", timeout=300),
            source_line("feed", site.url + "/feed.xml", "feed", timeout=300),
            source_line("sitemap", site.url + "/sitemap.xml", "sitemap", timeout=300),
        ])
        db_url = f"sqlite:///{tmp_path / 'h.db'}"
        started = time.monotonic()
        result = run_harvest(registry, db_url, timeout=60)
        assert time.monotonic() - started < 30  # a fetch would have waited 300 s
        assert silent_server.accepted == []
        assert result["list"]["new"] == 1 and result["list"]["status"] == "partial"
        done = runs(db_url)
        assert "(ftp:): only http and https are fetched" in messages(done["list"])
        assert f"/r/ftp [detail] redirect from {site.url}/r/ftp: refused link '{ftp}/pub/moved.html' (ftp:)" in messages(done["list"])
        assert "(ftp:): only http and https are fetched" in messages(done["feed"])
        assert "(ftp:): only http and https are fetched" in messages(done["sitemap"])
        assert all(r.status != "running" for r in all_runs(db_url))
    finally:
        site.stop()


@pytest.fixture
def stalling():
    """A site whose /stall/ pages accept the request and never answer (until the test
    ends), and a site whose robots.txt asks for an hour between requests."""
    release = threading.Event()

    def never() -> bytes:
        release.wait(120)
        return b""

    fast = [(f"/art/{n}.html", f"停顿之前的第{n}篇通知", "2026-11-0{0}".format(n + 1)) for n in range(3)]
    stalled = [(f"/stall/{n}.html", f"永远等不到的第{n}篇通知", "2026-10-01") for n in range(6)]
    site = Site({"/col/index.html": (200, HTML, list_page(fast + stalled)),
                 **{path: (200, HTML, article(title, day)) for path, title, day in fast},
                 **{path: (200, HTML, never) for path, _, _ in stalled}})
    polite = Site({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 3600\n"),
                   "/col/index.html": (200, HTML, list_page([("/art/1.html", "要等一个小时的通知", "2026-11-01"),
                                                                 ("/art/2.html", "要再等一个小时的通知", "2026-10-31")]))})
    yield site, polite
    release.set()
    site.stop()
    polite.stop()


def test_sigterm_ends_a_harvest_stuck_on_a_silent_server_and_a_crawl_delay(stalling, tmp_path):
    site, polite = stalling
    registry = write_registry(tmp_path / "registry.yaml", site.url + "/", [
        source_line("stalled", site.url + "/col/index.html", timeout=300),
        source_line("polite", polite.url + "/col/index.html", timeout=300),
    ], harvest="{per_host: {concurrency: 12, delay: 0}}").read_text(encoding="utf-8")
    # the polite site is its own unit, so allow_private opens its host:port
    registry = registry.replace(f"      - {{id: polite", f"  - id: p\n    name: 礼貌单位\n    kind: department\n"
                                f"    homepage: {polite.url}/\n    sources:\n      - {{id: polite")
    (tmp_path / "registry.yaml").write_text(registry, encoding="utf-8")
    db_url = f"sqlite:///{tmp_path / 'h.db'}"
    proc = start_harvest(tmp_path / "registry.yaml", db_url)
    assert wait_for(lambda: site.in_flight >= 2 and polite.paths("/col/"), 60)  # two downloads hang; one host waits an hour
    assert wait_for(lambda: len(items(db_url)) == 3, 30)  # the fast pages are stored meanwhile
    stop_group(proc, signal.SIGTERM)
    sent = time.monotonic()
    proc.wait(timeout=GRACE_SECONDS + 10)
    assert time.monotonic() - sent < GRACE_SECONDS + 2
    assert proc.returncode != 3, time.monotonic() - sent  # no forced exit was needed
    done = runs(db_url)
    for sid in ("stalled", "polite"):
        assert done[sid].status == "aborted" and "stopped by SIGTERM" in messages(done[sid])
    assert done["stalled"].new == 3
    assert polite.paths("/art/") == []
    assert sorted(i["title"] for i in items(db_url)) == [f"停顿之前的第{n}篇通知" for n in range(3)]
