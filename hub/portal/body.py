"""The item body as the portal shows it: the stored, nh3-sanitized HTML, adapted.

* Images become links to the picture on the source site ("查看图片（来源网站）").
  The portal does not hot-link them: an ``<img>`` pointing at a sub-site would
  leak every visitor's IP address and Referer to that site, make the page
  depend on it being up, and break the strict ``img-src 'self'`` policy.
* Every link gets ``rel="noopener noreferrer"`` (they all lead off the portal).
* Links left without text (an image link whose image is gone, empty anchors)
  are unwrapped: an empty link is useless to screen-reader and keyboard users.
* When the body has its own ``<h1>``, all headings move one level down: the
  page keeps a single ``<h1>``, the item's title.

The result is run through nh3 again with the extraction allowlist minus
``img``, so whatever this module does, nothing unsafe can come out of it.
"""
from __future__ import annotations

import nh3
from lxml import etree
from lxml import html as lxml_html
from markupsafe import Markup

from harvester.extract.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS

IMAGE_LINK_TEXT = "查看图片（来源网站）"
LINK_REL = "noopener noreferrer"
_TAGS = ALLOWED_TAGS - {"img"}
_ATTRIBUTES = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag != "img"}
_URL_SCHEMES = {"http", "https", "mailto", "ftp"}
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _replace(old, new) -> None:
    new.tail = old.tail
    old.getparent().replace(old, new)


def _image_label(img) -> str:
    alt = " ".join((img.get("alt") or "").split())
    return f"{IMAGE_LINK_TEXT}：{alt}" if alt else IMAGE_LINK_TEXT


def _images_to_links(root) -> None:
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        inside_link = any(parent.tag == "a" for parent in img.iterancestors())
        if inside_link or not src.lower().startswith(("http://", "https://")):
            # A link cannot hold another link: the outer one keeps a text label instead.
            label = etree.Element("span")
            alt = " ".join((img.get("alt") or "").split())
            label.text = f"［图片：{alt}］" if alt else "［图片］"
            _replace(img, label)
            continue
        link = etree.Element("a", href=src)
        link.text = _image_label(img)
        _replace(img, link)


def _unwrap_empty_links(root) -> None:
    for link in list(root.iter("a")):
        if not "".join(link.itertext()).strip():
            link.drop_tag()


def _demote_headings(root) -> None:
    if next(root.iter("h1"), None) is None:
        return
    for el in root.iter(*_HEADINGS):
        level = int(el.tag[1])
        el.tag = f"h{min(level + 1, 6)}"


def render_body(body_html: str) -> Markup:
    """``Item.body_html`` (sanitized at extraction) adapted and sanitized again, as Markup."""
    if not body_html or not body_html.strip():
        return Markup("")
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return Markup("")
    _images_to_links(root)
    _unwrap_empty_links(root)
    _demote_headings(root)
    wrapped = etree.tostring(root, encoding="unicode", method="html")
    inner = wrapped[len("<div>"):-len("</div>")]  # the wrapper made by fragment_fromstring
    cleaned = nh3.clean(
        inner, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
        link_rel=LINK_REL, strip_comments=True,
    )
    return Markup(cleaned)  # nh3 output: safe by construction
