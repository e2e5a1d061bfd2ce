"""The checks' HTTP client on loopback: the address policy, redirects, caps, deadlines
against a site that trickles bytes, HEAD refused, gzip; politeness per host and a hanging
host that holds up nobody else."""
from __future__ import annotations

import gzip
import socket
import threading
import time

import pytest

from supervision.fetch import Limits, fetch
from supervision.hosts import HostGate, host_key, run_per_host
from tests.sitekit import HTML, Site, slow

FAST = Limits(timeout=5, delay=0)


@pytest.fixture
def site():
    big = b"<html><body>" + b"x" * (3 * 1024 * 1024) + b"</body></html>"
    site = Site({
        "/": (200, HTML, b"<html><body>home</body></html>"),
        "/a": (301, {"Location": "/b"}, b""),
        "/b": (302, {"Location": "/c"}, b""),
        "/c": (200, HTML, b"<html><body>arrived</body></html>"),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/big": (200, HTML, big),
        "/gz": (200, {**HTML, "Content-Encoding": "gzip"}, gzip.compress("<p>压缩的页面</p>".encode("utf-8"))),
        "/slow": (200, HTML, slow(2, b"<html>late</html>")),
    })
    yield site
    site.stop()


def test_private_addresses_are_refused_unless_allowed(site):
    refused = fetch(site.url + "/", limits=FAST)
    assert refused.status is None and refused.error.startswith("拒绝访问内网或本机地址") and not refused.ok
    assert site.hits == []  # not a single byte sent
    allowed = fetch(site.url + "/", allow_private=True, limits=FAST)
    assert allowed.ok and allowed.status == 200 and b"home" in allowed.body


def test_redirects_are_followed_hop_by_hop_and_bounded(site):
    got = fetch(site.url + "/a", allow_private=True, limits=FAST)
    assert got.status == 200 and got.final_url == site.url + "/c" and got.redirects == [site.url + "/a", site.url + "/b"]
    looped = fetch(site.url + "/loop", allow_private=True, limits=FAST)
    assert looped.error == "重定向超过 5 次" and not looped.ok
    assert len(site.paths("/loop")) == 6


def test_size_cap_gzip_and_head_refused(site):
    capped = fetch(site.url + "/big", allow_private=True, limits=Limits(timeout=5, max_bytes=1024 * 1024, delay=0))
    assert len(capped.body) == 1024 * 1024  # the page is larger: cut at the cap
    unzipped = fetch(site.url + "/gz", allow_private=True, limits=FAST)
    assert unzipped.body.decode("utf-8") == "<p>压缩的页面</p>"
    head = fetch(site.url + "/", method="HEAD", allow_private=True, limits=FAST)  # sitekit answers HEAD with 501
    assert head.status == 501 and not head.ok and head.body == b""


def trickling_server() -> tuple[socket.socket, int]:
    """Answers 200 with a body it sends one byte every 0.3 s: only a deadline stops a reader."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()

    def serve():
        try:
            conn, _ = server.accept()
        except OSError:
            return
        with conn:
            conn.recv(4096)
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 1000\r\n\r\n")
            try:
                for _ in range(1000):
                    conn.sendall(b"x")
                    time.sleep(0.3)
            except OSError:
                pass

    threading.Thread(target=serve, daemon=True).start()
    return server, server.getsockname()[1]


def test_a_trickling_site_is_cut_off_at_the_deadline():
    server, port = trickling_server()
    try:
        started = time.monotonic()
        got = fetch(f"http://127.0.0.1:{port}/", allow_private=True, limits=Limits(timeout=1.5, delay=0))
        elapsed = time.monotonic() - started
    finally:
        server.close()
    assert got.error.startswith("超时") and got.status == 200 and not got.ok
    assert 1.4 <= elapsed < 3


def test_one_request_at_a_time_per_host_with_its_delay(site):
    gate = HostGate()
    limits = Limits(timeout=5, delay=0.3)
    jobs = [(host_key(site.url), lambda: fetch(site.url + "/", allow_private=True, limits=limits, gate=gate)) for _ in range(4)]
    results = run_per_host(jobs)
    assert all(r.ok for r in results)
    starts = [h.started for h in site.hits]
    assert max(h.in_flight for h in site.hits) == 1
    # seen by the server, so a little scheduling jitter either side of the 0.3 s delay
    gaps = [round(b - a, 3) for a, b in zip(starts, starts[1:])]
    assert len(gaps) == 3 and all(gap >= 0.22 for gap in gaps), gaps


def test_a_hanging_host_holds_up_nobody_else(site):
    other = Site({"/": (200, HTML, b"<html>quick</html>")})
    try:
        finished: dict[str, float] = {}
        started = time.monotonic()

        def job(url: str, name: str):
            def run():
                result = fetch(url, allow_private=True, limits=Limits(timeout=10, delay=0))
                finished[name] = time.monotonic() - started
                return result
            return run

        results = run_per_host([(host_key(site.url), job(site.url + "/slow", "slow")),
                                (host_key(other.url), job(other.url + "/", "quick"))])
        assert [r.ok for r in results] == [True, True]
        assert finished["quick"] < 1 < 1.8 < finished["slow"]
    finally:
        other.stop()
