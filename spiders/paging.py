"""Further pages of a column list: a "next" link, or TRS WCM's createPageHTML()."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

NEXT_TEXTS = {"下一页", "下页", "后一页", "下一頁", "next", "next page", ">", "›", "»", ">>", "››"}
CREATE_PAGE_HTML = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([^'\"]+)['\"]\s*,\s*['\"]([^'\"]+)['\"]"
)


def next_page(doc, base_url: str) -> str | None:
    """The URL behind a 下一页 / rel=next link on the same host, if any."""
    host = urlsplit(base_url).hostname
    for a in doc.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.lower().startswith(("javascript:", "#", "mailto:")):
            continue
        label = " ".join("".join(a.itertext()).split()).lower() or (a.get("title") or "").strip().lower()
        if a.get("rel", "").lower() == "next" or label in NEXT_TEXTS:
            url = urljoin(base_url, href)
            if urlsplit(url).hostname == host and url.split("#")[0] != base_url.split("#")[0]:
                return url
    return None


def trs_pages(text: str, base_url: str) -> list[str] | None:
    """All page URLs declared by ``createPageHTML(count, current, "index", "htm")``.

    Page 0 is ``index.htm``; page n is ``index_n.htm``, beside the list page.
    Returns None when the page does not use TRS paging.
    """
    match = CREATE_PAGE_HTML.search(text or "")
    if not match:
        return None
    count, prefix, ext = int(match.group(1)), match.group(3), match.group(4)
    pages = [urljoin(base_url, f"{prefix}.{ext}")]
    pages += [urljoin(base_url, f"{prefix}_{n}.{ext}") for n in range(1, max(count, 1))]
    return pages
