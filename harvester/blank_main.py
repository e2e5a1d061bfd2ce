"""Start a child process without it re-running the parent's ``__main__``.

multiprocessing's spawn and forkserver start methods import the parent's
``__main__`` in the child; here that is the ``zhanqun`` CLI (which would pull
Scrapy and Twisted into every writer) or a test runner.  While a child starts,
``__main__`` is a blank module, under one lock for the whole process.
"""
from __future__ import annotations

import sys
import threading
import types
from contextlib import contextmanager
from typing import Iterator

_LOCK = threading.Lock()


@contextmanager
def blank_main() -> Iterator[None]:
    with _LOCK:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main
