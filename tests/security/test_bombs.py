"""Bombs are refused: XXE and billion laughs in every encoding a parser would
read (UTF-8, UTF-16 and UTF-32 with and without BOM, an XML declaration naming
the encoding), a gzip bomb that expands to 1 GiB, a deflate bomb, a response
larger than the limit and one that never ends.  The harvest stays small and
finishes."""
from __future__ import annotations

import codecs
import gzip
import socket
import threading
import time
import zlib

import pytest

from spiders import xmlsafe
from tests.security.conftest import group_rss_kb, items, messages, runs, source_line, start_harvest, write_registry
from tests.sitekit import HTML, Site, article, list_page

LAUGHS = ('<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(2, 10)) + "]>")
XXE = '<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
RSS_BODY = "<rss version='2.0'><channel><title>&lol9;&xxe;</title><item><title>炸弹条目&lol9;</title><link>/art/1.html</link></item></channel></rss>"
SITEMAP_BODY = ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>/art/1.html&lol9;</loc>"
                "<lastmod>2026-11-02</lastmod></url></urlset>")


def xml(encoding: str, bom: bool, doctype: str, body: str, declare: bool = True) -> bytes:
    decl = f'<?xml version="1.0" encoding="{encoding}"?>' if declare else ""
    raw = (decl + doctype + body).encode(encoding)
    if bom:
        raw = {"utf-8": codecs.BOM_UTF8, "utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
               "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[encoding] + raw
    return raw


ENCODINGS = [("utf-8", False, True), ("utf-8", True, True), ("utf-16-le", True, False), ("utf-16-be", True, True),
             ("utf-16-le", False, True), ("utf-16-be", False, True), ("utf-32-le", True, False), ("utf-32-be", False, True),
             ("utf-7", False, True), ("cp500", False, True), ("gb18030", False, True)]


@pytest.mark.parametrize("encoding,bom,declare", ENCODINGS)
@pytest.mark.parametrize("doctype", [LAUGHS, XXE], ids=["billion-laughs", "xxe"])
def test_entity_declarations_are_seen_in_every_encoding(encoding, bom, declare, doctype):
    with pytest.raises(xmlsafe.UnsafeXML):
        xmlsafe.parse_xml(xml(encoding, bom, doctype, SITEMAP_BODY, declare))


def test_a_plain_feed_in_utf16_still_parses():
    root = xmlsafe.parse_xml(xml("utf-16-le", True, "", "<rss><channel><title>衢州</title></channel></rss>", declare=False))
    assert root.find("channel/title").text == "衢州"


def gzip_bomb(gib: float = 1.0) -> bytes:
    """``gib`` GiB of zeros as concatenated gzip members (about 1 KB each per MiB)."""
    member = gzip.compress(b"\0" * (1 << 20), 9)
    return member * int(gib * 1024)


def deflate_bomb(mib: int = 256) -> bytes:
    comp = zlib.compressobj(9)
    chunk = b"\0" * (1 << 20)
    return b"".join(comp.compress(chunk) for _ in range(mib)) + comp.flush()


class EndlessServer:
    """Answers every request with a chunked body that never ends."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.sent = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.flood, args=(conn,), daemon=True).start()

    def flood(self, conn: socket.socket) -> None:
        chunk = b"<p>" + "无穷无尽的列表".encode() * 3000 + b"</p>"
        try:
            request = conn.recv(65536)
            if b"/robots.txt" in request.split(b"\r\n", 1)[0]:
                conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
                return
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n")
            while True:
                conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.sent += len(chunk)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def bombed(tmp_path_factory):
    feeds = {
        "/xxe.xml": xml("utf-8", False, XXE, RSS_BODY.replace("&lol9;", "")),
        "/laughs-utf16.xml": xml("utf-16-le", True, LAUGHS, RSS_BODY.replace("&xxe;", ""), declare=False),
        "/laughs-utf16-nobom.xml": xml("utf-16-be", False, LAUGHS, RSS_BODY.replace("&xxe;", "")),
        "/laughs-utf32.xml": xml("utf-32-le", True, LAUGHS, RSS_BODY.replace("&xxe;", ""), declare=False),
    }
    site = Site({path: (200, {"Content-Type": "application/rss+xml"}, body) for path, body in feeds.items()})
    site.routes["/sitemap-utf16.xml"] = (200, {"Content-Type": "application/xml"}, xml("utf-16-le", True, LAUGHS, SITEMAP_BODY))
    site.routes["/col/index.html"] = (200, HTML, list_page([
        ("/art/ok.html", "炸弹旁边的正常通知", "2026-11-04"), ("/art/gzip.html", "压缩炸弹通知", "2026-11-03"),
        ("/art/deflate.html", "另一种压缩炸弹通知", "2026-11-03"), ("/art/big.html", "超大页面通知", "2026-11-02")]))
    site.routes["/art/ok.html"] = (200, HTML, article("炸弹旁边的正常通知", "2026-11-04"))
    site.routes["/art/gzip.html"] = (200, {**HTML, "Content-Encoding": "gzip"}, gzip_bomb(1.0))
    site.routes["/art/deflate.html"] = (200, {**HTML, "Content-Encoding": "deflate"}, deflate_bomb(256))
    site.routes["/art/big.html"] = (200, HTML, b"<html><body>" + b"x" * (11 << 20) + b"</body></html>")
    endless = EndlessServer()
    tmp = tmp_path_factory.mktemp("bombs")
    sources = [source_line(path.strip("/").replace(".xml", "").replace("-", "_"), site.url + path, "feed") for path in feeds]
    sources += [source_line("sitemap_utf16", site.url + "/sitemap-utf16.xml", "sitemap"),
                source_line("list", site.url + "/col/index.html"),
                source_line("endless", endless.url + "/list.html")]
    # the unit's homepage is the endless server: allow_private opens that host:port too
    registry = write_registry(tmp / "registry.yaml", endless.url + "/", sources)
    db_url = f"sqlite:///{tmp / 'h.db'}"
    started = time.monotonic()
    proc = start_harvest(registry, db_url)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, group_rss_kb(proc.pid))
        time.sleep(0.05)
    out, err = proc.communicate()
    assert proc.returncode in (0, 1), err[-3000:]
    yield {"runs": runs(db_url), "items": items(db_url), "seconds": time.monotonic() - started, "peak_mb": peak / 1024,
           "endless": endless}
    site.stop()
    endless.stop()


@pytest.mark.parametrize("sid", ["xxe", "laughs_utf16", "laughs_utf16_nobom", "laughs_utf32", "sitemap_utf16"])
def test_xml_bombs_are_refused(bombed, sid):
    run = bombed["runs"][sid]
    assert run.status == "failed" and "XML declares entities; refused" in messages(run)


def test_nothing_of_the_bombs_is_stored(bombed):
    assert [i["title"] for i in bombed["items"]] == ["炸弹旁边的正常通知"]
    assert all("root:x:0:0" not in i["text"] + i["raw"] and "lol" not in i["text"] for i in bombed["items"])


def test_compression_bombs_and_oversized_bodies_are_refused(bombed):
    text = messages(bombed["runs"]["list"])
    for path in ("/art/gzip.html", "/art/deflate.html", "/art/big.html"):
        line = next(ln for ln in text.splitlines() if path in ln)
        assert "refused: response larger than the 10 MiB limit" in line, line
    assert "once decompressed (a compression bomb?)" in text
    assert bombed["runs"]["list"].status == "partial" and bombed["runs"]["list"].new == 1


def test_a_body_that_never_ends_is_cut_at_the_limit(bombed):
    run = bombed["runs"]["endless"]
    assert run.status == "failed" and "larger than the 10 MiB limit" in messages(run)
    assert bombed["endless"].sent < 64 << 20  # stopped reading soon after 10 MiB


def test_the_harvest_stays_small_and_quick(bombed):
    assert bombed["seconds"] < 60
    assert bombed["peak_mb"] < 900, bombed["peak_mb"]

