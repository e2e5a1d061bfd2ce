"""XML parsing with entities and network access off (no XXE, no billion laughs).

Feeds and sitemaps never need entity declarations, so a document that declares
any is refused before a parser sees it.  The check reads the document as text in
every way a parser might: the bytes themselves; the bytes without their zero
bytes (UTF-16 and UTF-32, either byte order, with or without a BOM, reduce to
their ASCII there); and the text decoded by its BOM, by the byte pattern of its
first characters (XML 1.0 appendix F, EBCDIC included) or by the encoding its XML
declaration names (so UTF-7 and other exotic declarations are read as declared).
"""
from __future__ import annotations

import codecs
import re

from lxml import etree

ENTITY_DECL = re.compile(r"<!ENTITY", re.IGNORECASE)
DECLARED = re.compile(r"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._:-]{0,39})["']""")
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
FIRST_BYTES = (  # "<?xm" or "<" in encodings without a BOM
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x4c\x6f\xa7\x94", "cp500"),
)


class UnsafeXML(ValueError):
    pass


def parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True, dtd_validation=False, load_dtd=False)


def readings(body: bytes) -> list[str]:
    """The document as text, each way a parser could read it."""
    texts = [body.decode("latin-1"), body.replace(b"\x00", b"").decode("latin-1")]
    family = next((enc for bom, enc in BOMS if body.startswith(bom)), None)
    start = next((len(bom) for bom, enc in BOMS if body.startswith(bom)), 0)
    family = family or next((enc for head, enc in FIRST_BYTES if body.startswith(head)), None) or "latin-1"
    text = body[start:].decode(family, "replace")
    texts.append(text)
    declared = DECLARED.match(text)
    if declared:
        try:
            texts.append(body[start:].decode(codecs.lookup(declared.group(1)).name, "replace"))
        except (LookupError, ValueError, UnicodeError):
            pass
    return texts


def refuse_entities(body: bytes) -> None:
    """Documents that declare entities are refused outright: feeds and sitemaps never need them."""
    if any(ENTITY_DECL.search(text) for text in readings(body)):
        raise UnsafeXML("XML declares entities; refused")


def parse_xml(body: bytes) -> etree._Element:
    refuse_entities(body)
    root = etree.fromstring(body.lstrip(), parser())
    if root is None:
        raise ValueError("not XML")
    return root
