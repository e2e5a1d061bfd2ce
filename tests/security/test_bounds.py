"""Every safety limit is enforced and says so: a list page of 100,000 links, a
run's detail requests, a feed's chunks, a sitemap index's files, a run's wall
clock.  SIGTERM stops a harvest busy on the 100,000-link page within seconds and
closes its run."""
from __future__ import annotations

import signal
import time

import pytest

from harvester.registry import RegistryError, parse_registry
from harvester.stopping import GRACE_SECONDS
from tests.security.conftest import (all_runs, group_rss_kb, messages, run_harvest, runs, source_line, start_harvest,
                                     stop_group, wait_for, write_registry)
from tests.security.test_schemes import feed
from tests.sitekit import HTML, Articles, Site, article, list_page, slow

LINKS = 100_000


@pytest.fixture(scope="module")
def huge_list():
    links = [(f"/art/{n}.html", f"海量列表中的第{n}号通知", "2026-11-01") for n in range(LINKS)]
    site = Site(Articles({"/col/index.html": (200, HTML, list_page(links, "/col/index_1.html"))}))
    yield site
    site.stop()


def test_a_100k_link_list_is_bounded(huge_list, tmp_path):
    registry = write_registry(tmp_path / "registry.yaml", huge_list.url + "/", [source_line(
        "huge", huge_list.url + "/col/index.html", extra=", max_pages: 1, limits: {max_detail_requests: 40}")])
    db_url = f"sqlite:///{tmp_path / 'h.db'}"
    proc = start_harvest(registry, db_url)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, group_rss_kb(proc.pid))
        time.sleep(0.05)
    assert proc.returncode in (0, 1), proc.stderr.read()[-2000:]
    run = runs(db_url)["huge"]
    text = messages(run)
    assert len(huge_list.paths("/art/")) == 40 and run.new == 40
    assert run.status == "partial"
    assert "shows more than 300 entries; took the first 300 (max_links_per_page 300)" in text
    assert "requested 40 detail pages, the most one run takes (max_detail_requests 40)" in text
    assert peak < 600 * 1024, f"peak RSS {peak // 1024} MB"


def test_sigterm_stops_a_harvest_busy_on_the_100k_page(huge_list, tmp_path):
    huge_list.reset()
    registry = write_registry(tmp_path / "registry.yaml", huge_list.url + "/", [source_line(
        "huge", huge_list.url + "/col/index.html", extra=", max_pages: 1")])
    db_url = f"sqlite:///{tmp_path / 'h.db'}"
    proc = start_harvest(registry, db_url)
    assert wait_for(lambda: huge_list.paths("/col/"), 60)
    stop_group(proc, signal.SIGTERM)
    sent = time.monotonic()
    proc.wait(timeout=GRACE_SECONDS + 10)
    assert time.monotonic() - sent < GRACE_SECONDS + 2
    [run] = all_runs(db_url)
    assert run.status == "aborted" and "stopped by SIGTERM" in messages(run)
    assert len(huge_list.paths("/art/")) < 300


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    slow_list = [(f"/slow/{n}.html", f"响应很慢的第{n}篇通知", "2026-11-01") for n in range(20)]
    entries = [(f"/feed/{n}.html", f"订阅源分块中的第{n}篇文章", "Mon, 02 Nov 2026 09:00:00 +0800") for n in range(30)]
    site = Site({
        "/slow/index.html": (200, HTML, list_page(slow_list)),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, feed(entries)),
        "/sitemap.xml": (200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            + "".join(f"<sitemap><loc>/sitemap-{n}.xml</loc></sitemap>" for n in range(3)) + "</sitemapindex>").encode()),
        **{f"/sitemap-{n}.xml": (200, {"Content-Type": "application/xml"}, (
            '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<url><loc>/sm/{n}.html</loc><lastmod>2026-11-0{n + 1}</lastmod></url></urlset>").encode()) for n in range(3)},
        **{f"/sm/{n}.html": (200, HTML, article(f"站点索引第{n}份里的文章", f"2026-11-0{n + 1}")) for n in range(3)},
        **{path: (200, HTML, slow(30, article(title, "2026-11-01"))) for path, title, _ in slow_list},
    })
    tmp = tmp_path_factory.mktemp("limits")
    registry = write_registry(tmp / "registry.yaml", site.url + "/", [
        source_line("slow", site.url + "/slow/index.html", extra=", limits: {max_run_seconds: 2}", timeout=60),
        source_line("feed", site.url + "/feed.xml", "feed", extra=", max_pages: 1, limits: {entries_per_chunk: 10}"),
        source_line("sitemap", site.url + "/sitemap.xml", "sitemap", extra=", limits: {max_sitemap_files: 2}"),
    ])
    db_url = f"sqlite:///{tmp / 'h.db'}"
    started = time.monotonic()
    result = run_harvest(registry, db_url, timeout=60)
    yield {"result": result, "runs": runs(db_url), "seconds": time.monotonic() - started}
    site.stop()


def test_the_wall_clock_limit_stops_a_run_where_it_is(limited):
    run = limited["runs"]["slow"]
    assert run.status == "partial" and run.new == 0
    assert "stopped at the wall-clock limit of 2 s (max_run_seconds 2); the next run goes on" in messages(run)
    assert limited["seconds"] < 20  # the pages answer after 30 s: nobody waited for them


def test_a_feed_is_read_in_chunks_up_to_max_pages(limited):
    run = limited["runs"]["feed"]
    assert run.status == "ok" and run.new == 10
    assert run.notes == ["the feed holds 30 entries; read the first 10 (max_pages 1 × entries_per_chunk 10)"]


def test_a_sitemap_index_is_read_up_to_max_sitemap_files(limited):
    run = limited["runs"]["sitemap"]
    assert run.status == "partial" and run.new == 2
    assert "the sitemap index lists 3 sitemaps; read 2 (max_sitemap_files 2)" in messages(run)


REGISTRY = """portal: {name: 门户}
harvest: {limits: {max_links_per_page: 100, max_run_seconds: 600}}
columns:
  - {id: a, name: 栏目}
units:
  - id: u
    name: 单位
    kind: county
    homepage: http://u.gov.cn/
    sources:
      - {id: s, url: 'http://u.gov.cn/col/', columns: [a], limits: {max_detail_requests: 10}}
      - {id: t, url: 'http://u.gov.cn/col2/', columns: [a]}
"""


def test_limits_are_registry_keys_with_defaults():
    registry = parse_registry(REGISTRY)
    (unit, s), (_, t) = registry.sources()
    assert registry.policy(unit, s).limits.model_dump() == {
        "max_links_per_page": 100, "max_detail_requests": 10, "entries_per_chunk": 50, "max_sitemap_files": 50,
        "max_run_seconds": 600, "max_response_mb": 10}
    assert registry.policy(unit, t).limits.max_detail_requests == 2000
    with pytest.raises(RegistryError) as err:
        parse_registry(REGISTRY.replace("max_run_seconds: 600", "max_run_second: 600"))
    assert "r" in str(err.value) and "harvest.limits.max_run_second: unknown key" in str(err.value)
    with pytest.raises(RegistryError) as err:
        parse_registry(REGISTRY.replace("max_detail_requests: 10", "max_detail_requests: 0"))
    assert "units[u].sources[s].limits.max_detail_requests" in str(err.value)
