"""Read the standard Chinese government-page <meta> tags (and common alternates).

Most provincial CMS templates (TRS WCM, Hanweb, Ucap) emit the national
"政府网站发展指引" meta set: ArticleTitle, PubDate, ContentSource, ColumnName,
SiteName, Url.  Names are matched case-insensitively.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from harvester.extract.dom import norm_space

__all__ = ["PageMeta", "read_meta"]

_TITLE_KEYS = ("articletitle", "og:title", "twitter:title", "dc.title")
_DATE_KEYS = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
              "publish_time", "publishtime", "pubtime", "og:release_date", "dc.date.issued",
              "dc.date", "dcterms.created", "date", "og:published_time", "weibo: article:create_at",
              "created", "datepublished", "article:published", "releasedate", "release_date", "pub_date",
              "publish-date")
_SOURCE_KEYS = ("contentsource", "source", "og:source", "mediaid")
_COLUMN_KEYS = ("columnname", "column")
_SITE_KEYS = ("sitename", "og:site_name", "site_name")
_URL_KEYS = ("url", "og:url")
# A CMS that fills ArticleTitle from a rich-text title leaves its markup in the value
# (bynr.gov.cn: content="…力量<div>——热烈祝贺…开幕</div>", ../shared/corpus CWCE 500b350d,
# whose <title> reads "…力量——热烈祝贺…开幕_巴彦淖尔市人民政府网").
_MARKUP_RE = re.compile(r"<[^<>]{0,200}>")


def _no_markup(value: str, shown: str) -> str:
    """``value`` without what reads as leaked markup; kept as it is where the page's
    own <title> text (``shown``) shows those characters too: then they are the
    title's text (a title about "<标准>", or a hostile one that must be stored as
    written and rendered inert)."""
    if "<" not in value:
        return value
    tags = _MARKUP_RE.findall(value)
    if not tags:
        return value
    if all(tag in shown for tag in tags):
        return value
    return norm_space(_MARKUP_RE.sub("", value))


@dataclass
class PageMeta:
    title: str = ""
    date: str = ""  # raw text, parsed later by harvestkit.dates.parse_date
    source: str = ""
    column_name: str = ""
    site_name: str = ""
    url: str = ""
    html_title: str = ""  # the <title> element's text
    all: dict | None = None


def read_meta(root) -> PageMeta:
    """Collect meta name/property → content (first non-empty wins) plus <title>."""
    found: dict[str, str] = {}
    if root is None:
        return PageMeta(all={})
    html_title = ""
    for el in root.iter("meta", "title"):
        if el.tag == "title":
            if not html_title:
                html_title = norm_space(el.text_content() if hasattr(el, "text_content") else el.text)
            continue
        key = el.get("name") or el.get("property") or el.get("itemprop") or el.get("http-equiv")
        if not key:
            continue
        key = norm_space(key).lower()
        value = norm_space(el.get("content"))
        if value and key not in found:
            found[key] = value

    def first(keys):
        for k in keys:
            if found.get(k):
                return found[k]
        return ""

    return PageMeta(
        title=_no_markup(first(_TITLE_KEYS), html_title),
        date=first(_DATE_KEYS),
        source=first(_SOURCE_KEYS),
        column_name=first(_COLUMN_KEYS),
        site_name=first(_SITE_KEYS),
        url=first(_URL_KEYS),
        html_title=html_title,
        all=found,
    )

