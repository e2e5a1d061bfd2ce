"""Harvested pictures in the hub: placeholders in bodies, loaded on request through a
guarded fetch (size-capped, address-checked, images only), so the hub's pages keep
``img-src 'self'`` and editors' browsers never contact sub-sites."""
from __future__ import annotations

from flask import Blueprint

from hub.source_images.body import hub_body

bp = Blueprint("source_images", __name__)
bp.add_app_template_filter(hub_body, "hub_body")

from hub.source_images import views  # noqa: E402,F401  (registers the route on bp)
