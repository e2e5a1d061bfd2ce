"""A running harvest's counts reach its run row while it runs (the hub's live 立即采集
progress reads them), at most once a second, through the writer process; never after
the run closed."""
from __future__ import annotations

import threading
import time

from harvester import runs as runs_module
from harvester.runs import RunBook
from harvester.writer import LeanProcess, StoreWriter
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import HarvestRun, Source, Unit


def _sessions(tmp_path):
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as s:
        s.add(Unit(id="kc", name="柯城区人民政府", kind="county", homepage="http://kc.example/"))
        s.flush()
        s.add(Source(id="kc-news", unit_id="kc", url="http://kc.example/news/", type="list", columns=["news"]))
    return engine, sessions, url


def _book(url: str, busy: bool = False) -> tuple[RunBook, StoreWriter]:
    """``busy``: another thread runs while the writer starts, so it is spawned, not forked."""
    writer = StoreWriter(url, "Asia/Shanghai", {})
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    if busy:
        other.start()
    try:
        book = RunBook(writer)
        book.start(["kc-news"])
    finally:
        release.set()
    if busy:
        assert isinstance(writer.process, LeanProcess)
    book.opened()
    return book, writer


def _row(sessions, run_id):
    with sessions() as s:
        run = s.get(HarvestRun, run_id)
        return run.status, run.fetched, run.new, run.errors


def _wait(sessions, run_id, want, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _row(sessions, run_id)[1:] == want:
            return True
        time.sleep(0.05)
    return False


def test_counts_reach_the_run_while_it_runs(tmp_path, monkeypatch):
    engine, sessions, url = _sessions(tmp_path)
    book, writer = _book(url)
    run_id = book.tallies["kc-news"].run_id
    book.count("kc-news", "new")
    assert _wait(sessions, run_id, (1, 1, 0))  # the first page is written at once
    book.count("kc-news", "unchanged")
    book.error("kc-news", "http://kc.example/news/2.html", "detail", "HTTP 404")
    time.sleep(0.3)
    assert _row(sessions, run_id)[1:] == (1, 1, 0)  # within the second: not yet
    monkeypatch.setattr(runs_module, "PROGRESS_EVERY", 0.0)
    book.count("kc-news", "new")
    assert _wait(sessions, run_id, (3, 2, 1))
    assert _row(sessions, run_id)[0] == "running"
    writer.shutdown()
    engine.dispose()


def test_no_progress_write_after_the_run_closed(tmp_path, monkeypatch):
    engine, sessions, url = _sessions(tmp_path)
    monkeypatch.setattr(runs_module, "PROGRESS_EVERY", 0.0)
    book, writer = _book(url, busy=True)
    run_id = book.tallies["kc-news"].run_id
    with sessions.begin() as s:  # closed elsewhere (as finish() or abort_open() do)
        run = s.get(HarvestRun, run_id)
        run.status, run.fetched = "ok", 9
    book.count("kc-news", "new")
    time.sleep(0.5)
    assert _row(sessions, run_id)[:2] == ("ok", 9)
    writer.shutdown()
    engine.dispose()
