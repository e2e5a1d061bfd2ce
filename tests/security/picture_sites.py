"""Loopback servers for the hub's picture fetch (hub/source_images): a real PNG, and two
raw-socket servers that misbehave the way hostile sub-sites do: one accepts and never
answers, one answers a picture that never ends (no Content-Length)."""
from __future__ import annotations

import socket
import struct
import threading
import zlib


def png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG, red."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class RawServer:
    """``stall``: accept, read the request, say nothing.  ``endless``: a 200 image/png with
    no length, then bytes until the client hangs up."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.connections = 0
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.stopping = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            if self.mode == "stall":
                self.stopping.wait()
                return
            try:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\nConnection: close\r\n\r\n" + png())
                block = b"\0" * 65536
                while not self.stopping.is_set():
                    conn.sendall(block)
                    self.sent += len(block)
            except OSError:
                return

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()
