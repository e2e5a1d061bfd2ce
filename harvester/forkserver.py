"""Warm harvests: each harvest forked from a parent that has already imported
Python, Scrapy, Twisted, SQLAlchemy, pydantic and the harvester.

A scheduled harvest of an unchanged source is mostly start-up: a fresh
``python -m cli.main harvest`` spends about a second (more on a busy machine)
importing before it sends its first request.  :class:`WarmLauncher` keeps
a fork server (multiprocessing's ``forkserver`` start method, with the harvest
command preloaded) and starts every harvest as a fork of it, so a harvest
starts in milliseconds.

Each harvest is still a process of its own (a Twisted reactor cannot be
restarted, and the fork server never starts one):

- it leads its own process group (``os.setsid``), so SIGTERM/SIGKILL to the
  group reach it and its writer, as with a cold child; a wedged harvest is
  killed like one and blocks no other;
- its runs are in the database from its first step; a crash (``kill -9``)
  leaves them ``running`` with its pid, and the next harvest of those sources
  or the scheduler's start closes them ``aborted`` (``abort_dead_runs``);
- the fork server holds no database connection, no thread, no reactor; if it
  dies, the next harvest starts a new one.

:class:`WarmChild` answers like the ``subprocess.Popen`` the scheduler used
(``pid``, ``communicate``, ``wait``, ``returncode``).
"""
from __future__ import annotations

import os
import sys
import tempfile
import threading
from multiprocessing.context import ForkServerContext, ForkServerProcess
from pathlib import Path

from harvester.blank_main import blank_main

# the harvest command, all it imports, the Scrapy components it loads by name, the whole schema (the migrations' env)
PRELOAD = ["cli.main", "cli.harvest_cmd", "harvester.preload", "storage.schema"]
ROOT = Path(__file__).resolve().parents[1]


def _warm_main(argv: list[str], out_path: str, err_path: str, cwd: str, env: dict[str, str] | None = None) -> None:
    """In the forked child: a process group of its own, stdout/stderr to files, ``env``
    (the database URL: never in argv) in its environment, then the command line as
    ``python -m cli.main ARGV`` would run it."""
    os.setsid()
    os.environ.update(env or {})
    for fd, path in ((1, out_path), (2, err_path)):
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(handle, fd)
        os.close(handle)
    sys.stdout = open(1, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115 - the process's own stdout
    sys.stderr = open(2, "w", encoding="utf-8", closefd=False, buffering=1)  # noqa: SIM115
    os.chdir(cwd)
    from cli.main import main

    code = 0
    try:
        main.main(args=list(argv), prog_name="zhanqun", standalone_mode=True)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        if not isinstance(exit_.code, (int, type(None))):
            print(exit_.code, file=sys.stderr)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    sys.exit(code)  # through multiprocessing: its finalizers run (queues, semaphores)


class _WarmProcess(ForkServerProcess):
    """A fork-server process that does not re-run the parent's ``__main__`` (the
    ``zhanqun`` CLI, or a test runner) before its target."""

    def start(self) -> None:
        with blank_main():
            super().start()


class _WarmContext(ForkServerContext):
    Process = _WarmProcess


class WarmChild:
    """One harvest forked from the fork server, with Popen's interface."""

    def __init__(self, process, out_path: str, err_path: str, workdir: str):
        self.process = process
        self.pid = process.pid
        self.out_path, self.err_path, self.workdir = out_path, err_path, workdir
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                if self.process.exitcode is not None:
                    self.returncode = self.process.exitcode
            except ValueError:  # closed by communicate() in another thread: it set returncode first
                pass
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import subprocess

        # The scheduler's stop() may wait for a child whose job thread is in communicate():
        # once that has its exit code it closes the process object, which join() refuses.
        if self.poll() is not None:
            return self.returncode
        try:
            self.process.join(timeout)
        except ValueError:
            return self.poll()
        if self.poll() is None:
            raise subprocess.TimeoutExpired(["zhanqun (warm)"], timeout)
        return self.poll()

    def communicate(self) -> tuple[str, str]:
        self.wait()
        try:
            out = Path(self.out_path).read_text(encoding="utf-8", errors="replace")
            err = Path(self.err_path).read_text(encoding="utf-8", errors="replace")
        finally:
            for path in (self.out_path, self.err_path):
                Path(path).unlink(missing_ok=True)
            os.rmdir(self.workdir) if os.path.isdir(self.workdir) and not os.listdir(self.workdir) else None
            self.process.close()
        return out, err


class WarmLauncher:
    """Starts harvests as forks of a pre-imported fork server (started on first use)."""

    def __init__(self, preload: list[str] | None = None):
        self.context = _WarmContext()
        self.context.set_forkserver_preload(list(preload or PRELOAD))
        self.lock = threading.Lock()

    def start(self) -> None:
        """Start the fork server now (it imports in the background of the caller)."""
        from multiprocessing import forkserver

        with self.lock, blank_main():
            forkserver.ensure_running()

    def run(self, argv: list[str], cwd: str | Path = ROOT, env: dict[str, str] | None = None) -> WarmChild:
        """``zhanqun ARGV`` in a fork of the warm parent, with ``env`` added to its
        environment; read its output with communicate()."""
        workdir = tempfile.mkdtemp(prefix="zhanqun-warm-")
        out_path, err_path = os.path.join(workdir, "out"), os.path.join(workdir, "err")
        process = self.context.Process(target=_warm_main, args=(list(argv), out_path, err_path, str(cwd), dict(env or {})),
                                       name="zhanqun-harvest", daemon=False)
        with self.lock:
            process.start()
        return WarmChild(process, out_path, err_path, workdir)
