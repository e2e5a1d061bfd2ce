"""Detail-page extraction: decode, then meta tags → on-page patterns → trafilatura."""
from harvester.extract.decode import decode_body
from harvester.extract.model import Extracted, Link
from harvester.extract.page import extract_page

__all__ = ["Extracted", "Link", "decode_body", "extract_page"]
