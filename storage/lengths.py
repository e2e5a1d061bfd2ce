"""Column lengths of the stored records, in characters: the models declare their
columns with them, and whatever builds a record (the extraction workers, the
writer, the hub) cuts its values to them.  No imports: the extraction workers
load this without SQLAlchemy."""
from __future__ import annotations

TITLE = 500          # items.title, item_sources.title, item_revisions.title
URL = 2000           # every stored address
SOURCE_TEXT = 200    # 来源 (items.source_text, item_sources.source_text)
COLUMN_NAME = 200    # the page's own ColumnName
CONTENT_TYPE = 200   # item_revisions.content_type, evidence.content_type
ENCODING = 40        # item_revisions.encoding
LIST_DATE = 40       # item_sources.list_date: the date as the listing wrote it
REASON = 2000        # why an item was rejected or withdrawn, as an editor wrote it
RUN_MESSAGE = 500    # one run error's message (harvest_errors.message)
RUN_ERROR_URL = 2000  # one run error's address
LINK_TEXT = 200      # link_states.text: a checked link's text (or the item's title)
ATTACHMENT_NAME = 200  # finding_events.attachment_name: a 整改 attachment's file name


def fit(value: str | None, length: int) -> str:
    """``value`` cut to ``length`` characters ('' for None)."""
    return (value or "")[:length]
