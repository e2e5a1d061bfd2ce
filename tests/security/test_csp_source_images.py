"""Harvested pictures in the hub (hub/source_images): the review page shows a placeholder,
never an ``<img>`` pointing at a sub-site (the hub's CSP has ``img-src 'self'``); the
editor loads the picture through the hub, which fetches only addresses it signed, refuses
private, loopback and link-local hosts (redirect hops included; a registry source with
``allow_private`` opens its own host:port only), serves raster images only, and stops at
the size and time caps.  Real servers on 127.0.0.1."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import pytest

from hub import create_app
from hub.db import EXTENSION as DB
from hub.db import new_session
from hub.source_images.body import proxied_url
from storage.models import Item
from tests.hub.conftest import logged_in, seed
from tests.security.picture_sites import RawServer, png
from tests.sitekit import HTML, Site

PNG = png()
IMAGE_POLICY = "default-src 'none'; sandbox"
OUR_AGENT = "Zhanqun/0.1 (portal hub image preview)"


def picture_routes(other: str) -> dict:
    redirect = lambda to: (302, {"Location": to}, b"")  # noqa: E731
    return {
        "/pic.png": (200, {"Content-Type": "image/png"}, PNG),
        "/pic.jpg": (200, {"Content-Type": "image/jpeg; charset=binary"}, b"\xff\xd8\xff\xe0" + b"\0" * 64),
        "/pic.svg": (200, {"Content-Type": "image/svg+xml"},
                     b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'><script>alert(2)</script></svg>"),
        "/page.html": (200, HTML, b"<html><script>alert(1)</script></html>"),
        "/fake.png": (200, {"Content-Type": "image/png"}, b"<html><script>alert(1)</script></html>"),
        "/gzip.png": (200, {"Content-Type": "image/png", "Content-Encoding": "gzip"}, zlib_gzip(PNG)),
        "/big.png": (200, {"Content-Type": "image/png"}, PNG + b"\0" * (300 * 1024)),
        "/missing.png": (404, HTML, b"<h1>404</h1>"),
        "/to-self": redirect("/pic.png"),
        "/to-other-loopback": redirect(f"{other}/pic.png"),
        "/to-metadata": redirect("http://169.254.169.254/latest/meta-data/"),
        "/to-private": redirect("http://10.0.0.1/pic.png"),
        "/to-ipv6-loopback": redirect("http://[::1]/pic.png"),
        "/to-ftp": redirect("ftp://127.0.0.1/pic.png"),
        "/to-file": redirect("file:///etc/passwd"),
        "/loop": redirect("/loop"),
    }


def zlib_gzip(data: bytes) -> bytes:
    import gzip

    return gzip.compress(data)


@pytest.fixture(scope="module")
def sites():
    other = Site({"/pic.png": (200, {"Content-Type": "image/png"}, PNG)})  # loopback, not in the registry
    allowed = Site(picture_routes(other.url))
    stall, endless = RawServer("stall"), RawServer("endless")
    yield {"allowed": allowed, "other": other, "stall": stall, "endless": endless}
    for site in (allowed, other, stall, endless):
        site.stop()


@pytest.fixture
def app(tmp_path, sqlite_url, sites):
    """The hub, its registry allowing the test sites' own host:port (``allow_private``)."""
    registry = tmp_path / "registry.yaml"
    sources = "".join(
        f"      - {{id: pics-{name}, url: '{sites[name].url}/col/', type: list, columns: [tzgg], allow_private: true}}\n"
        for name in ("allowed", "stall", "endless"))
    registry.write_text(
        "portal: {name: 测试门户, timezone: Asia/Shanghai}\ncolumns:\n  - {id: tzgg, name: 通知公告}\n"
        f"units:\n  - id: pics\n    name: 图片单位\n    kind: department\n    homepage: {sites['allowed'].url}/\n"
        f"    sources:\n{sources}", encoding="utf-8")
    app = create_app({"ENV_NAME": "testing", "DATABASE_URL": sqlite_url, "REGISTRY_PATH": str(registry),
                      "SOURCE_IMAGE_MAX_BYTES": 256 * 1024, "SOURCE_IMAGE_TIMEOUT_SECONDS": 0.5,
                      "SOURCE_IMAGE_DEADLINE_SECONDS": 1.5})
    seed(app)
    for site in sites.values():
        if isinstance(site, Site):
            site.reset()
    yield app
    app.extensions[DB]["engine"].dispose()


def signed(app, url: str) -> str:
    with app.test_request_context():
        return proxied_url(url)


def test_the_review_page_shows_a_placeholder_and_the_editor_loads_the_picture_through_the_hub(app, sites):
    src = f"{sites['allowed'].url}/pic.png"
    with new_session(app) as s:
        item = Item(title="带图片的通知", url="http://kc.example/tzgg/9.html", unit_id="kecheng", content_hash="c" * 64,
                    published_at=datetime(2026, 11, 20, tzinfo=timezone.utc),
                    body_html=f'<p>会议现场：<img src="{src}" alt="会议现场照片"></p>')
        s.add(item)
        s.commit()
        item_id = item.id
    editor = logged_in(app, "editor")
    page = editor.get(f"/review/items/{item_id}").get_data(as_text=True)
    body = page[page.index('class="body-html"'):]
    assert "<img" not in body and "［图片：会议现场照片］" in body and src in body
    assert sites["allowed"].hits == []  # rendering fetched nothing
    href = body.split('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert href.startswith("/hub/source-image?")

    answer = editor.get(href)
    assert answer.status_code == 200 and answer.data == PNG
    assert answer.mimetype == "image/png"
    assert answer.headers["Content-Security-Policy"] == IMAGE_POLICY
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert [h.headers.get("User-Agent") for h in sites["allowed"].hits] == [OUR_AGENT]
    assert "Cookie" not in sites["allowed"].hits[0].headers and "Referer" not in sites["allowed"].hits[0].headers

    # Signed in only; and only addresses the hub signed.
    assert app.test_client().get(href).status_code == 302
    assert editor.get("/hub/source-image?u=" + src + "&s=0000").status_code == 403
    assert editor.get(signed(app, src).replace("pic.png", "big.png")).status_code == 403
    assert len(sites["allowed"].hits) == 1


@pytest.mark.parametrize("path, status, says", [
    ("/to-self", 200, ""),
    ("/pic.jpg", 200, ""),
    ("/to-other-loopback", 403, "内网、本机或保留地址"),
    ("/to-metadata", 403, "169.254.169.254"),
    ("/to-private", 403, "10.0.0.1"),
    ("/to-ipv6-loopback", 403, "::1"),
    ("/to-ftp", 403, "http 或 https"),
    ("/to-file", 403, "http 或 https"),
    ("/loop", 502, "跳转超过"),
    ("/pic.svg", 415, "image/svg+xml"),
    ("/page.html", 415, "text/html"),
    ("/fake.png", 415, "不是 PNG"),
    ("/gzip.png", 415, "不是可显示的图片"),
    ("/big.png", 413, "超过"),
    ("/missing.png", 502, "404"),
])
def test_what_the_hub_fetches_and_what_it_refuses(app, sites, path, status, says):
    editor = logged_in(app, "editor")
    answer = editor.get(signed(app, sites["allowed"].url + path))
    text = answer.data.decode("utf-8", errors="replace")
    assert answer.status_code == status, text
    assert says in text
    if status == 200:
        assert answer.mimetype in ("image/png", "image/jpeg")
    else:
        assert answer.mimetype == "text/plain" and answer.headers["Cache-Control"] == "no-store"
    assert sites["other"].hits == []  # another loopback port: never contacted, not even by a redirect


@pytest.mark.parametrize("url", [
    "{other}/pic.png",  # loopback, but not a registry source's host:port
    "http://localhost:{port}/pic.png",  # the allowed port under another name
    "http://[::ffff:127.0.0.1]:{port}/pic.png",  # IPv4-mapped loopback
    "http://169.254.169.254/latest/meta-data/",
    "http://user:secret@{host}:{port}/pic.png",
    "file:///etc/passwd",
    "ftp://{host}:{port}/pic.png",
])
def test_private_hosts_are_refused_before_any_connection(app, sites, url):
    allowed = sites["allowed"].url.removeprefix("http://")
    host, port = allowed.split(":")
    url = url.format(other=sites["other"].url, host=host, port=port)
    answer = logged_in(app, "editor").get(signed(app, url))
    assert answer.status_code == 403, answer.get_data(as_text=True)
    assert sites["other"].hits == [] and sites["allowed"].hits == []


def test_a_picture_that_never_ends_and_a_server_that_never_answers_are_cut_off(app, sites):
    editor = logged_in(app, "editor")
    started = time.monotonic()
    answer = editor.get(signed(app, sites["endless"].url + "/pic.png"))
    assert answer.status_code == 413 and "超过" in answer.get_data(as_text=True)
    assert sites["endless"].connections == 1

    answer = editor.get(signed(app, sites["stall"].url + "/pic.png"))
    assert answer.status_code == 504 and "超时" in answer.get_data(as_text=True)
    assert time.monotonic() - started < 5  # timeout 0.5 s per operation, deadline 1.5 s
