"""The harvester's safety limits, named, in one place.

Each is a key of the registry's ``harvest.limits`` (for every source) and of a
source's own ``limits`` (for that source only); what is not given keeps the
default below.  A listing that holds more than a limit lets through, or a run
cut short by one, is never silent: the run ends ``partial`` with the limit's name
in its reason.  ``max_pages`` (per source) is the configured walk bound: reaching
it is reported in the run's notes, not as an error.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# A source's own bounds (registry ``sources[].max_pages`` and ``timeout``) when it sets none.
DEFAULT_MAX_PAGES = 5  # list pages walked per run
DEFAULT_TIMEOUT_SECONDS = 30.0  # per request: a sub-site that takes longer is failing


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # Entries taken from one list page (or one Hanweb page of records).  A column
    # list shows 15-50; a page with thousands of links is no column list.
    max_links_per_page: int = Field(default=300, ge=1, le=100_000)
    # Detail pages one run of a source requests; a backlog is taken over the next runs.
    max_detail_requests: int = Field(default=2000, ge=1, le=1_000_000)
    # Entries per "page" of a feed or sitemap: max_pages × this many are read.
    entries_per_chunk: int = Field(default=50, ge=1, le=10_000)
    # Sitemaps followed from one sitemap index.
    max_sitemap_files: int = Field(default=50, ge=1, le=10_000)
    # Seconds one run of a source may take before it stops where it is.
    max_run_seconds: float = Field(default=1800, gt=0, le=86_400)
    # Largest response body accepted, decompressed (gzip bombs included), in MiB;
    # robots.txt requests always use the registry-wide value.
    max_response_mb: int = Field(default=10, ge=1, le=1024)

    def merged(self, override: "Limits | None") -> "Limits":
        """These limits with the keys ``override`` sets explicitly."""
        if override is None:
            return self
        return self.model_copy(update=override.model_dump(exclude_unset=True))
