"""Draw the demo's emblem: a hub and six sites (站群), as PNG and ICO, in plain Python.

``python -m demo.emblem`` writes

* ``demo/logo.png``: the demo registry's ``portal.logo`` (an obviously made-up
  mark on a transparent ground, for the portal's red header band);
* ``hub/static/portal/favicon.ico``: the portal's default ``/favicon.ico`` (the
  same mark on the header's red).

No imaging library is needed: shapes are sampled 4×4 per pixel and written as
8-bit RGBA PNG (zlib), the ICO holds that PNG as its one image.
"""
from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RED = (0xA8, 0x15, 0x1B)
GOLD = (0xF2, 0xC1, 0x4E)
WHITE = (0xFF, 0xFF, 0xFF)
SAMPLES = 4


def _segment_distance(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _colour_at(x: float, y: float, size: int, ground: tuple[int, int, int] | None) -> tuple[int, int, int] | None:
    """The colour of the mark at (x, y) in a square of ``size``, or None (transparent)."""
    c, r = size / 2, size / 2
    d = math.hypot(x - c, y - c)
    sites = [(c + 0.55 * r * math.cos(k * math.pi / 3 - math.pi / 2), c + 0.55 * r * math.sin(k * math.pi / 3 - math.pi / 2))
             for k in range(6)]
    if d <= 0.2 * r or any(math.hypot(x - sx, y - sy) <= 0.14 * r for sx, sy in sites):
        return WHITE
    if any(_segment_distance(x, y, c, c, sx, sy) <= 0.055 * r for sx, sy in sites):
        return WHITE
    if ground is None:
        return GOLD if 0.86 * r <= d <= r else None
    if 0.84 * r <= d <= 0.96 * r:
        return GOLD
    return ground


def draw(size: int, ground: tuple[int, int, int] | None = None) -> bytes:
    """RGBA rows of the mark, ``size`` × ``size``."""
    rows = bytearray()
    step = 1 / SAMPLES
    for y in range(size):
        rows.append(0)  # PNG filter: none
        for x in range(size):
            totals, hits = [0, 0, 0], 0
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    colour = _colour_at(x + (sx + 0.5) * step, y + (sy + 0.5) * step, size, ground)
                    if colour is not None:
                        hits += 1
                        for i in range(3):
                            totals[i] += colour[i]
            if hits:
                rows += bytes(round(t / hits) for t in totals) + bytes([round(255 * hits / SAMPLES ** 2)])
            else:
                rows += b"\0\0\0\0"
    return bytes(rows)


def png(size: int, ground: tuple[int, int, int] | None = None) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(draw(size, ground), 9))
            + chunk(b"IEND", b""))


def ico(size: int, ground: tuple[int, int, int]) -> bytes:
    """An ICO with one PNG image (every current browser reads PNG inside ICO)."""
    image = png(size, ground)
    header = struct.pack("<HHH", 0, 1, 1)
    entry = struct.pack("<BBBBHHII", size % 256, size % 256, 0, 0, 1, 32, len(image), 6 + 16)
    return header + entry + image


def main() -> None:
    (ROOT / "demo" / "logo.png").write_bytes(png(96))
    (ROOT / "hub" / "static" / "portal" / "favicon.ico").write_bytes(ico(32, RED))


if __name__ == "__main__":
    main()
