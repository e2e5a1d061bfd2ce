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
The hub renders bodies with the same steps, but lets an editor load each picture
through its guarded image fetch (hub/source_images/).
"""
from __future__ import annotations

from typing import Callable

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


def image_alt(img) -> str:
    return " ".join((img.get("alt") or "").split())


def image_placeholder(img):
    """``［图片：alt］``: what an image becomes where no link can stand (inside a link)."""
    label = etree.Element("span")
    label.text = f"［图片：{image_alt(img)}］" if image_alt(img) else "［图片］"
    return label


def link_to_source(img, src: str):
    """The portal's way: a link to the picture on the source site."""
    link = etree.Element("a", href=src)
    link.text = f"{IMAGE_LINK_TEXT}：{image_alt(img)}" if image_alt(img) else IMAGE_LINK_TEXT
    return link


def _replace_images(root, image: Callable) -> None:
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        inside_link = any(parent.tag == "a" for parent in img.iterancestors())
        if inside_link or not src.lower().startswith(("http://", "https://")):
            # A link cannot hold another link: the outer one keeps a text label instead.
            _replace(img, image_placeholder(img))
        else:
            _replace(img, image(img, src))


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


def render_body(body_html: str, image: Callable = link_to_source) -> Markup:
    """``Item.body_html`` (sanitized at extraction) adapted and sanitized again, as Markup.

    ``image(img, src)`` makes what stands for each picture with an http(s) address:
    by default a link to the source (the portal); the hub passes its own
    (hub/source_images/body.py)."""
    if not body_html or not body_html.strip():
        return Markup("")
    try:
        root = lxml_html.fragment_fromstring(body_html, create_parent="div")
    except (etree.ParserError, ValueError):
        return Markup("")
    _replace_images(root, image)
    _unwrap_empty_links(root)
    _demote_headings(root)
    wrapped = etree.tostring(root, encoding="unicode", method="html")
    inner = wrapped[len("<div>"):-len("</div>")]  # the wrapper made by fragment_fromstring
    cleaned = nh3.clean(
        inner, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes=_URL_SCHEMES,
        link_rel=LINK_REL, strip_comments=True,
    )
    return Markup(cleaned)  # nh3 output: safe by construction
