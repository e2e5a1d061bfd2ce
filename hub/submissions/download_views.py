"""Serving submitted attachments from the database, safely.

Who may download: anyone once the item is published (the portal links the
files); before that, editors and admins, and the reporters of the item's unit.
Everyone else gets "not found", so upload ids reveal nothing.

How: the stored type (set from the file's own bytes when it was accepted, never
HTML), ``nosniff``, and ``attachment`` for everything but PDF and images, so no
upload is ever rendered as a page of the hub's origin.
"""
from __future__ import annotations

import io

from flask import abort, g, redirect, send_file, url_for

from hub.actions import REVIEWERS
from hub.db import db_session
from hub.submissions import bp
from hub.submissions.files import INLINE_TYPES, KNOWN_TYPES
from storage.models import Upload


def may_download(user, upload: Upload) -> bool:
    item = upload.item
    if item is not None and item.status == "published":
        return True
    if user is None:
        return False
    if user.role in REVIEWERS:
        return True
    return user.role == "reporter" and item is not None and user.unit_id is not None and user.unit_id == item.unit_id


@bp.get("/hub/files/<int:upload_id>/<path:filename>")
def download(upload_id: int, filename: str):
    upload = db_session().get(Upload, upload_id)
    if upload is None or not may_download(g.get("user"), upload):
        abort(404)
    if filename != upload.filename:
        # One address per file: links with an old or mistyped name lead to the real one.
        return redirect(url_for("submissions.download", upload_id=upload.id, filename=upload.filename), 301)
    base_type = upload.content_type.split(";", 1)[0].strip().lower()
    mimetype = upload.content_type if base_type in KNOWN_TYPES else "application/octet-stream"
    response = send_file(
        io.BytesIO(upload.data), mimetype=mimetype, as_attachment=base_type not in INLINE_TYPES,
        download_name=upload.filename, etag=upload.sha256, last_modified=upload.created_at, conditional=True,
    )
    response.headers["Content-Type"] = mimetype  # as stored (send_file would add a second charset)
    response.headers["X-Content-Type-Options"] = "nosniff"
    public = upload.item is not None and upload.item.status == "published"
    # Public files revalidate (an item can be withdrawn); others stay out of shared caches.
    response.headers["Cache-Control"] = "public, no-cache" if public else "private, no-store"
    return response
