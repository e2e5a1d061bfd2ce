"""Files the registry names (``portal.logo``): they must exist, be images and stay small.

The portal serves the logo from its own origin (the CSP allows images from
``'self'`` only), so what it serves is checked here once: a readable file,
at most ``LOGO_MAX_BYTES``, whose first bytes say it is a PNG, JPEG, GIF, WebP
or ICO image.  SVG is refused: it can carry script.
"""
from __future__ import annotations

from pathlib import Path

LOGO_MAX_BYTES = 512 * 1024
LOGO_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".ico"})
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\x00\x00\x01\x00", "image/x-icon"),
)


def image_type(data: bytes) -> str | None:
    """The image type the bytes themselves declare, else None."""
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return next((mimetype for magic, mimetype in _SIGNATURES if data.startswith(magic)), None)


def read_logo(path: Path) -> tuple[bytes, str]:
    """The logo's bytes and type; ValueError with a message for the registry's author."""
    try:
        size = path.stat().st_size
    except OSError:
        raise ValueError(f"logo file not found: {path}") from None
    if not path.is_file():
        raise ValueError(f"the logo is not a file: {path}")
    if size > LOGO_MAX_BYTES:
        raise ValueError(f"the logo is {size // 1024} KiB, more than {LOGO_MAX_BYTES // 1024} KiB: {path}")
    data = path.read_bytes()
    mimetype = image_type(data)
    if mimetype is None:
        raise ValueError(f"the logo is not a PNG, JPEG, GIF, WebP or ICO image: {path}")
    return data, mimetype


def check_logo(path: Path) -> str | None:
    """What is wrong with the logo file, or None."""
    try:
        read_logo(path)
    except (ValueError, OSError) as exc:
        return str(exc)
    return None
