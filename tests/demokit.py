"""The demo federation (demo/) served for a test, with the registry that names it."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from demo.federation import Federation
from demo.registry import registry_yaml
from demo.server import DemoServer, serve


@contextmanager
def served_demo(folder: Path) -> Iterator[tuple[Federation, DemoServer, Path]]:
    """The demo federation on free loopback ports until the block ends, and its
    ``registry.yaml`` written in ``folder``."""
    fed = Federation()
    with serve(fed, base_port=0) as server:
        registry = folder / "registry.yaml"
        registry.write_text(registry_yaml(server.urls), encoding="utf-8")
        yield fed, server, registry
