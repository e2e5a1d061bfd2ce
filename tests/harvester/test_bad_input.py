"""Bad input loses nothing: each failure is recorded on its source's run with its
reason while the other sources go on; hostile pages are contained."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from storage.db import make_engine, session_factory
from storage.models import HarvestRun, Item
from tests.sitekit import HTML, Site, article, list_page, slow

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script><img src=x onerror='alert(2)'><a href='javascript:alert(3)'>点我</a><iframe src='http://evil/'></iframe>"


@pytest.fixture(scope="module")
def site():
    routes = {
        "/list.html": (200, HTML, list_page([
            ("/ok1.html", "正常的第一篇文章", "2026-11-01"),
            ("/ok2.html", "带有恶意脚本的文章", "2026-11-02"),
            ("/gone.html", "已经删除的文章", "2026-11-03"),
            ("/broken.html", "服务器出错的文章", "2026-11-04"),
            ("/file.pdf", "一个PDF文件链接", "2026-11-05"),
            ("/big.html", "超大页面的文章", "2026-11-06"),
            ("/slow.html", "响应很慢的文章", "2026-11-07"),
        ])),
        "/ok1.html": (200, HTML, article("正常的第一篇文章", "2026-11-01 09:30")),
        "/ok2.html": (200, HTML, article("带有恶意脚本的文章", "2026-11-02", extra=HOSTILE)),
        "/gone.html": (404, HTML, b"not here"),
        "/broken.html": (500, HTML, b"oops"),
        "/file.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 " + b"0" * 100),
        "/big.html": (200, HTML, b"<html><body>" + b"x" * (11 * 1024 * 1024) + b"</body></html>"),
        "/slow.html": (200, HTML, slow(4, article("响应很慢的文章", "2026-11-07"))),
        "/bad.xml": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>broken</ti"),
        "/xxe.xml": (200, {"Content-Type": "application/rss+xml"},
                     b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><item><title>&x;</title><link>/ok1.html</link></item></channel></rss>'),
        "/empty.html": (200, HTML, b"<html><body><p>\xe6\x9a\x82\xe6\x97\xa0\xe4\xbf\xa1\xe6\x81\xaf</p></body></html>"),
        "/unreadable.html": (200, HTML, b"<html><body><div id='app'></div><script src='/list.js'></script></body></html>"),
        "/down.html": (500, HTML, b"down"),
    }
    site = Site(routes)
    yield site
    site.stop()


def registry_for(site: Site) -> str:
    def source(sid, path, type_="list", private="true", extra=""):
        url = path if path.startswith("http") else site.url + path
        return (f"      - {{id: {sid}, url: '{url}', type: {type_}, columns: [tzgg], allow_private: {private}, "
                f"timeout: 2, review: auto{extra}}}\n")
    return (
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\n"
        "columns:\n  - {id: tzgg, name: 通知公告}\n"
        "units:\n  - id: t\n    name: 测试单位\n    kind: department\n    homepage: " + site.url + "/\n    sources:\n"
        + source("mixed", "/list.html")
        + source("badxml", "/bad.xml", "feed")
        + source("xxe", "/xxe.xml", "feed")
        + source("empty", "/empty.html")
        + source("unreadable", "/unreadable.html")
        + source("down", "/down.html")
        + source("dns", "http://no-such-host.invalid/list.html")
        + source("private", "/list.html", private="false")
    )


@pytest.fixture(scope="module")
def outcome(site, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bad")
    registry = tmp / "registry.yaml"
    registry.write_text(registry_for(site), encoding="utf-8")
    db_url = f"sqlite:///{tmp / 'h.db'}"
    proc = subprocess.run([sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--db", db_url, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    sessions = session_factory(make_engine(db_url))
    with sessions() as s:
        runs = {r.source_id: r for r in s.scalars(select(HarvestRun))}
        items = {i.title: i for i in s.scalars(select(Item))}
    return proc, json.loads(proc.stdout), runs, items


def messages(run: HarvestRun) -> str:
    return "\n".join(f"{m['url']} [{m['stage']}] {m['message']}" for m in run.error_messages)


def test_exit_code_and_the_good_pages_are_kept(outcome):
    proc, result, runs, items = outcome
    assert proc.returncode == 1
    assert {"正常的第一篇文章", "带有恶意脚本的文章"} <= set(items)
    status = {s["id"]: s["status"] for s in result["sources"]}
    # A list that says 暂无信息 is a quiet, empty column; one the reader cannot read is a failure.
    assert status == {"mixed": "partial", "badxml": "failed", "xxe": "failed", "empty": "ok", "unreadable": "failed",
                      "down": "failed", "dns": "failed", "private": "failed"}


def test_each_failure_is_recorded_with_its_reason(outcome):
    _, _, runs, _ = outcome
    mixed = messages(runs["mixed"])
    assert "/gone.html [detail] HTTP 404" in mixed
    assert "/broken.html [detail] HTTP 500" in mixed
    assert "/file.pdf [detail] not an HTML page (application/pdf)" in mixed
    assert "/big.html [detail]" in mixed and "max size" in mixed.lower()
    assert "/slow.html [detail] timed out" in mixed
    assert runs["mixed"].errors == 5 and runs["mixed"].new == 2
    assert "bad feed XML" in messages(runs["badxml"])
    assert "declares entities" in messages(runs["xxe"])
    assert "the listing yielded no items" in messages(runs["unreadable"])
    assert (runs["empty"].list_entries, runs["empty"].list_empty, runs["empty"].errors) == (0, "暂无信息", 0)
    assert "HTTP 500" in messages(runs["down"])
    assert "DNS lookup failed" in messages(runs["dns"])
    assert "is not a public address (127.0.0.1: loopback)" in messages(runs["private"])
    assert all(r.status != "running" and r.finished_at for r in runs.values())


def test_hostile_html_is_sanitized_before_it_is_stored(outcome):
    _, _, _, items = outcome
    html = items["带有恶意脚本的文章"].body_html
    assert "带有恶意脚本的文章：围绕" in html and "<p>" in html
    for bad in ("<script", "onerror", "javascript:", "<iframe", "alert("):
        assert bad not in html
