"""``sitemap`` sources: sitemap.xml or a sitemap index, with lastmod."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from scrapy.http import Response

from spiders import xmlsafe
from spiders.base import SourceSpider, valid_date



def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_sitemap(body: bytes) -> tuple[str, list[tuple[str, str | None]]]:
    """``("index"|"urlset", [(loc, lastmod), …])`` newest first."""
    root = xmlsafe.parse_xml(body)
    kind = "index" if _local(root.tag) == "sitemapindex" else "urlset"
    out = []
    for node in root:
        if _local(node.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = None
        for child in node:
            if _local(child.tag) == "loc":
                loc = (child.text or "").strip()
            elif _local(child.tag) == "lastmod":
                lastmod = (child.text or "").strip()
        if loc:
            out.append((loc, lastmod))
    out.sort(key=lambda pair: pair[1] or "", reverse=True)
    return kind, out


def is_article_url(url: str) -> bool:
    """Directory indexes and the homepage are not articles."""
    path = urlsplit(url).path
    return bool(path) and not path.endswith("/")


class SitemapSpider(SourceSpider):
    name = "sitemap"
    start_callback = "parse_sitemap"

    def parse_sitemap(self, response: Response, depth: int = 0):
        self.listing.window = True  # sitemaps are regenerated, split and rotated: no whole list
        if self.not_modified(response):
            return
        try:
            kind, entries = read_sitemap(response.body)
        except (ValueError, xmlsafe.etree.XMLSyntaxError) as exc:
            self.listing.failed = True
            yield self.error(response.url, "listing", f"bad sitemap XML: {exc}")
            return
        if kind == "index":
            if depth == 0:
                most = self.limits.max_sitemap_files
                if len(entries) > most:
                    self.listing.shortfall(f"the sitemap index lists {len(entries)} sitemaps; read {most} (max_sitemap_files {most})")
                for loc, _ in entries[:most]:
                    yield from self.follow(urljoin(response.url, loc), self.parse_sitemap, stage="listing", cb_kwargs={"depth": 1})
            if not entries:
                yield from self.listing_done(response.url, 0, empty="站点地图索引中没有任何站点地图")
            return
        take = self.max_pages * self.limits.entries_per_chunk
        if len(entries) > take:
            self.listing.bound(f"{response.url} lists {len(entries)} URLs; read the {take} changed last "
                               f"(max_pages {self.max_pages} × entries_per_chunk {self.limits.entries_per_chunk})")
        found = 0
        self.listing.unseen_on_page = 0
        for loc, lastmod in entries[:take]:
            try:
                url = urljoin(response.url, loc)
                if not is_article_url(url):
                    continue
                found += 1
                # lastmod is when the page last changed, not when it was published: a page
                # must state its own date to count as an article.
                if lastmod and not valid_date(lastmod):
                    yield self.error(url, "listing", f"unreadable lastmod {lastmod[:80]!r}; the page's own date decides")
                out = self.entry(url, {"list_date": lastmod or "", "list_url": response.url, "require_date": True})
            except Exception as exc:  # noqa: BLE001 - one bad URL never sinks the sitemap
                out = self.error(loc, "listing", f"bad sitemap entry: {type(exc).__name__}: {exc}")
            if out is not None:
                yield out
        if depth == 0:
            yield from self.listing_done(response.url, found, empty=None if entries else "站点地图中没有任何网址")
