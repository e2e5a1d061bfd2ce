"""Bodies as the hub shows them: the portal's rendering (hub/portal/body.py), except
that each picture is a placeholder an editor can load on request.

``［图片：alt］ 加载来源图片 · 在来源网站打开``: the first link asks the hub for the
picture (hub/source_images/views.py fetches it under the address policy, so the
editor's browser never contacts the sub-site and the page keeps ``img-src 'self'``);
hub/static/source-images.js turns it into the picture in place.  The second opens
the picture at its source, as the portal's link does.

Image URLs are signed with the app's secret: the hub fetches only addresses it
rendered itself, never one typed by whoever is signed in.
"""
from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

from flask import current_app, url_for
from lxml import etree
from markupsafe import Markup

from hub.portal.body import image_alt, image_placeholder, render_body

LOAD_TEXT = "加载来源图片"
OPEN_TEXT = "在来源网站打开"
SALT = b"zhanqun-source-image:"


def signature(url: str) -> str:
    key = current_app.config["SECRET_KEY"].encode("utf-8")
    return hmac.new(key, SALT + url.encode("utf-8"), hashlib.sha256).hexdigest()[:32]


def valid_signature(url: str, sent: str) -> bool:
    return bool(url) and hmac.compare_digest(signature(url), sent or "")


def proxied_url(src: str) -> str:
    return url_for("source_images.image") + "?" + urlencode({"u": src, "s": signature(src)})


def image_loader(img, src: str):
    holder = image_placeholder(img)
    holder.text += " "
    load = etree.SubElement(holder, "a", href=proxied_url(src))
    load.text = LOAD_TEXT
    if image_alt(img):
        load.set("title", image_alt(img))
    load.tail = " · "
    source = etree.SubElement(holder, "a", href=src)
    source.text = OPEN_TEXT
    return holder


def hub_body(body_html: str | None) -> Markup:
    """Template filter ``hub_body``: an item's stored body as the hub shows it."""
    return render_body(body_html or "", image=image_loader)
