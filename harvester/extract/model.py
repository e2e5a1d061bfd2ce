"""The result of extracting one detail page: the contract between extraction and storage."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass
class Link:
    """An attachment or image found in the body: absolute URL plus its visible name."""

    url: str
    name: str = ""


@dataclass
class Extracted:
    """Everything taken from one detail page.

    ``published_at`` is timezone-aware in the portal's timezone; a page that only
    gives a day is that day at 00:00 local time.  ``body_html`` is already
    sanitized with nh3 and is the only HTML that may ever be rendered.
    ``meta`` holds the government fields found on the page, keyed by
    ``index_number`` (索引号), ``document_number`` (文号), ``issuing_authority``
    (发文机关), ``written_date`` (成文日期, ISO day), ``subject_category`` (主题分类).
    """

    url: str
    title: str = ""
    published_at: datetime | None = None
    source: str = ""  # 来源 text as the page states it
    column_name: str = ""  # the page's own ColumnName meta, if any
    site_name: str = ""  # the page's own SiteName meta, if any
    body_html: str = ""
    body_text: str = ""
    attachments: list[Link] = field(default_factory=list)
    images: list[Link] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    refused_links: list[str] = field(default_factory=list)  # attachment links by file:, ftp: …: dropped

    def to_json(self) -> dict:
        data = asdict(self)
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        return data
