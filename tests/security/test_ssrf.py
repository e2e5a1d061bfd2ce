"""Private addresses in every spelling are refused before any request (robots.txt
included): as a source's URL, as links on a list page, and as redirect and
meta-refresh targets.  ``allow_private: true`` opens the source's own host:port
and nothing else: not another loopback port, not 10.x, not 169.254.169.254.

Each spelling below that leads to loopback is aimed at a live server on
127.0.0.1, so a spelling that got through would show up as a request there.
"""
from __future__ import annotations

import asyncio

import pytest

from harvestkit.addresses import refusal, resolve
from harvestkit.policy import SourcePolicy
from spiders.resolver import GuardedResolver
from tests.security.conftest import messages, run_harvest, runs, source_line, write_registry
from tests.sitekit import HTML, Site, article, list_page

# Hosts that are not the test site's own "127.0.0.1" but lead to loopback (or to
# another private or non-routable place).  Port: the test site's.
LOOPBACK = [
    "127.1", "127.0.1", "2130706433", "0x7f000001", "0x7f.0.0.1", "0177.0.0.1", "0177.1", "017700000001",
    "127.0.0.2", "localhost", "LocalHost.",
    "[::1]", "[0:0:0:0:0:0:0:1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]", "[::127.0.0.1]", "[::7f00:1]",
    "[64:ff9b::7f00:1]", "[64:ff9b::127.0.0.1]", "[64:ff9b:1::7f00:1]", "[2002:7f00:1::]", "[2002:7f00:0001::1]",
]
PRIVATE = [
    "0.0.0.0", "0", "169.254.169.254", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]", "[64:ff9b::a9fe:a9fe]",
    "10.0.0.1", "012.0.0.1", "0xa000001", "167772161", "172.16.0.1", "192.168.1.1", "100.64.0.1", "198.18.0.1",
    "224.0.0.1", "[2002:a00:1::]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]", "[fd00::1]", "[fe80::1]", "[ff02::1]",
    "[2001:db8::1]", "[2001:2::1]", "[::]", "[fec0::1]", "[100::1]",
]
SPELLINGS = LOOPBACK + PRIVATE


@pytest.fixture(scope="module")
def attack(tmp_path_factory):
    """One harvest: a source per spelling (allow_private off), and an allow_private
    list source whose list links and redirects to every spelling, to another
    loopback port and to the metadata service."""
    site, other = Site({}), Site({})
    port, other_port = site.server.server_port, other.server.server_port
    other.routes["/leak/other.html"] = (200, HTML, article("另一个本机端口上的页面", "2026-11-01"))
    links = [(f"http://{host}:{port}/leak/{i}.html", f"第{i}条内网地址的通知", "2026-11-02") for i, host in enumerate(SPELLINGS)]
    links.append((f"http://127.0.0.1:{other_port}/leak/other.html", "另一个本机端口上的页面", "2026-11-02"))
    redirects = [(f"/r/{i}", f"第{i}条跳转到内网的通知", "2026-11-03") for i in range(len(SPELLINGS))]
    site.routes.update({
        "/col/index.html": (200, HTML, list_page([("/art/ok.html", "正常发布的一篇通知", "2026-11-04")] + links)),
        "/redirects/index.html": (200, HTML, list_page([("/art/ok2.html", "另一篇正常发布的通知", "2026-11-04")] + redirects + [
            ("/r/other", "跳转到另一个本机端口的通知", "2026-11-03"), ("/r/meta.html", "跳转到元数据服务的通知", "2026-11-03")])),
        "/art/ok.html": (200, HTML, article("正常发布的一篇通知", "2026-11-04")),
        "/art/ok2.html": (200, HTML, article("另一篇正常发布的通知", "2026-11-04")),
        "/r/other": (302, {"Location": f"http://127.0.0.1:{other_port}/leak/other.html"}, b""),
        "/r/meta.html": (200, HTML, b"<html><head><meta http-equiv='refresh' content='0;url=http://169.254.169.254/latest/meta-data/'></head></html>"),
    })
    for i, host in enumerate(SPELLINGS):
        site.routes[f"/r/{i}"] = (302, {"Location": f"http://{host}:{port}/leak/r{i}.html"}, b"")
        site.routes[f"/leak/{i}.html"] = site.routes[f"/leak/r{i}.html"] = (200, HTML, article(f"不应抓到的内网页面{i}", "2026-11-01"))
    sources = [source_line(f"s{i}", f"http://{host}:{port}/col/index.html", private=False) for i, host in enumerate(SPELLINGS)]
    sources.append(source_line("s-own", f"http://127.0.0.1:{port}/col/index.html", private=False))
    sources.append(source_line("links", f"{site.url}/col/index.html"))
    sources.append(source_line("redirects", f"{site.url}/redirects/index.html"))
    tmp = tmp_path_factory.mktemp("ssrf")
    registry = write_registry(tmp / "registry.yaml", site.url + "/", sources)
    db_url = f"sqlite:///{tmp / 'h.db'}"
    result = run_harvest(registry, db_url, timeout=120)
    yield {"result": result, "runs": runs(db_url), "site": site, "other": other}
    site.stop()
    other.stop()


@pytest.mark.parametrize("i", range(len(SPELLINGS)), ids=SPELLINGS)
def test_source_urls_are_refused(attack, i):
    run = attack["runs"][f"s{i}"]
    assert run.status == "failed" and run.fetched == 0
    assert "is not a public address" in messages(run), messages(run)


def test_a_private_source_without_allow_private_is_refused_and_nothing_is_requested(attack):
    assert "is not a public address (127.0.0.1: loopback)" in messages(attack["runs"]["s-own"])
    served = {h.path for h in attack["site"].hits}
    # only the two allow_private sources reached the site: their lists, their
    # robots.txt, the good pages and the redirecting pages; nothing under /leak/
    redirecting = {f"/r/{i}" for i in range(len(SPELLINGS))} | {"/r/other", "/r/meta.html"}
    assert served - redirecting == {"/robots.txt", "/col/index.html", "/redirects/index.html", "/art/ok.html", "/art/ok2.html"}


@pytest.mark.parametrize("i", range(len(SPELLINGS)), ids=SPELLINGS)
def test_links_are_refused(attack, i):
    text = messages(attack["runs"]["links"])
    line = next((ln for ln in text.splitlines() if f"/leak/{i}.html [detail]" in ln), "")
    assert "is not a public address" in line, text


@pytest.mark.parametrize("i", range(len(SPELLINGS)), ids=SPELLINGS)
def test_redirect_hops_are_refused(attack, i):
    text = messages(attack["runs"]["redirects"])
    line = next((ln for ln in text.splitlines() if f"/leak/r{i}.html [detail]" in ln), "")
    assert "is not a public address" in line, text


def test_allow_private_opens_the_own_host_port_only(attack):
    assert attack["other"].hits == []  # another loopback port: neither by link nor by redirect
    links, redirects = messages(attack["runs"]["links"]), messages(attack["runs"]["redirects"])
    assert f"127.0.0.1:{attack['other'].server.server_port} is not a public address (127.0.0.1: loopback)" in links
    assert "/leak/other.html [detail] refused" in redirects
    assert "169.254.169.254:80 is not a public address (169.254.169.254: link-local (cloud metadata))" in redirects
    for sid in ("links", "redirects"):
        assert attack["result"][sid]["new"] == 1 and attack["result"][sid]["status"] == "partial"


@pytest.mark.parametrize("address", [
    "127.0.0.1", "::1", "::ffff:127.0.0.1", "::127.0.0.1", "64:ff9b::7f00:1", "64:ff9b:1::1", "2002:7f00:1::",
    "2002:a9fe:a9fe::1", "2001:0:4136:e378:8000:63bf:3fff:fdd2", "fd12:3456::1", "fe80::1%eth0", "ff0e::1",
    "2001:db8::1", "3fff::1", "2001:2::1", "::", "100::1", "5f00::1", "169.254.169.254", "100.64.0.1", "198.51.100.1",
    "203.0.113.9", "192.0.2.1", "198.19.0.1", "240.0.0.1", "255.255.255.255", "::ffff:0:7f00:1",
])
def test_the_policy_refuses(address):
    assert refusal(address)


@pytest.mark.parametrize("address", ["202.96.128.86", "8.8.8.8", "2400:da00::6666", "64:ff9b::202.96.128.86", "2002:ca60:8056::1"])
def test_the_policy_lets_public_addresses_through(address):
    assert refusal(address) is None


@pytest.mark.parametrize("host", ["127.1", "2130706433", "0x7f000001", "0177.0.0.1", "0x7f.1", "localhost"])
def test_odd_ipv4_spellings_resolve_as_the_connection_would(host):
    assert "127.0.0.1" in asyncio.run(resolve(host))


def test_connect_time_resolution_refuses_private_answers():
    """DNS rebinding: a name checked public by the guard that answers 127.0.0.1 when
    the connection resolves it is refused there, unless a source names it as its own."""
    from twisted.internet.error import DNSLookupError

    resolver = GuardedResolver.__new__(GuardedResolver)
    resolver.private_hosts = frozenset({"intranet.test"})
    with pytest.raises(DNSLookupError):
        resolver._judge("127.0.0.1", "rebind.example.com")
    assert resolver._judge("127.0.0.1", "intranet.test") == "127.0.0.1"
    assert resolver._judge("202.96.128.86", "www.qz.gov.cn") == "202.96.128.86"


def test_own_host_is_host_and_port():
    policy = SourcePolicy.build(SourcePolicy().limits, "unpublish", True, ["http://127.0.0.1:8701/col/", "http://[::1]:8080/"])
    assert policy.may_skip_address_check("http://127.0.0.1:8701/art/1.html")
    assert policy.may_skip_address_check("http://[0:0::1]:8080/x")
    assert not policy.may_skip_address_check("http://127.0.0.1:8702/")
    assert not policy.may_skip_address_check("https://127.0.0.1/")  # another scheme: another (default) port
    assert not policy.may_skip_address_check("http://127.1:8701/")
    assert not SourcePolicy.build(SourcePolicy().limits, "unpublish", False, ["http://127.0.0.1:8701/"]).may_skip_address_check(
        "http://127.0.0.1:8701/")
