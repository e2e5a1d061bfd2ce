"""``GET /hub/source-image?u=URL&s=SIGNATURE``: one harvested picture, fetched for a
signed-in user under the address policy (hub/source_images/fetch.py)."""
from __future__ import annotations

from flask import Response, current_app, request

from hub.auth import roles_required
from hub.harvest.registry_file import read_registry
from hub.source_images import bp
from hub.source_images.body import valid_signature
from hub.source_images.fetch import ImageLimits, ImageRefused, fetch_image, origin
from storage.models import USER_ROLES

# The picture is served from our origin: it must never become a document that runs anything.
IMAGE_POLICY = "default-src 'none'; sandbox"


def private_origins() -> frozenset[tuple[str, int]]:
    """The host:port of every registry source with ``allow_private: true`` and of its unit's
    homepage: the private addresses the harvester may contact, and so the hub too."""
    registry = read_registry().registry
    if registry is None:
        return frozenset()
    urls = [u for unit, source in registry.sources() if source.allow_private for u in (source.url, unit.homepage)]
    return frozenset(filter(None, map(origin, urls)))


def limits() -> ImageLimits:
    config = current_app.config
    return ImageLimits(max_bytes=config["SOURCE_IMAGE_MAX_BYTES"], timeout=config["SOURCE_IMAGE_TIMEOUT_SECONDS"],
                       deadline=config["SOURCE_IMAGE_DEADLINE_SECONDS"],
                       max_redirects=config["SOURCE_IMAGE_MAX_REDIRECTS"])


def _refused(exc: ImageRefused) -> Response:
    response = Response(exc.message + "\n", status=exc.status, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/hub/source-image")
@roles_required(*USER_ROLES)
def image():
    url = request.args.get("u", "")
    if not valid_signature(url, request.args.get("s", "")):
        return _refused(ImageRefused(403, "图片地址无效：只能加载本系统页面中列出的图片。"))
    try:
        picture = fetch_image(url, private_origins(), limits())
    except ImageRefused as exc:
        return _refused(exc)
    response = Response(picture.data, mimetype=picture.content_type)
    response.headers["Content-Security-Policy"] = IMAGE_POLICY
    response.headers["Content-Disposition"] = "inline"
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response
