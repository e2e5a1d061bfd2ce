"""Where in a harvest something went wrong: the stage a run error carries
(``harvest_errors.stage``), from the spiders' requests to the writer."""
from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    LISTING = "listing"  # a list page, feed, sitemap or JSON list, or one entry of it
    DETAIL = "detail"    # an article page
    FETCH = "fetch"      # a request whose stage was not set (redirects, meta refreshes)
    PARSE = "parse"      # a spider callback raised
    EXTRACT = "extract"  # the extraction worker refused or failed on a page
    STORE = "store"      # the writer could not store a page
    SKIPPED = "skipped"  # not an error: a page that is no article
    RUN = "run"          # the run itself (stopped, aborted)
