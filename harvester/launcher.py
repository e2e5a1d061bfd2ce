"""The one way to start a harvest in a process of its own: ``zhanqun harvest``
(``cli/harvest_cmd.py`` → ``harvester.crawl.harvest``), as the scheduler, the hub's
立即采集 and the tests start it.

A Twisted reactor cannot be restarted, so every harvest gets a fresh process, in
a session of its own (a SIGTERM to its group reaches the writer and extraction
processes too).  The database URL goes through the environment
(``ZHANQUN_DATABASE_URL``), never the command line: a password in it would show in
``ps`` and ``/proc/<pid>/cmdline`` to every user of the machine.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    from harvester.forkserver import WarmLauncher

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DATABASE_URL_ENV = "ZHANQUN_DATABASE_URL"


def harvest_args(registry_path: str | os.PathLike, source_ids: Iterable[str] = (), *, as_json: bool = False,
                 workers: int | None = None, nodes: Iterable[str] = ()) -> list[str]:
    """``harvest …`` as ``zhanqun`` takes it: no database URL in it (see ``child_environment``)."""
    args = ["harvest", "--registry", str(registry_path)]
    for source_id in source_ids:
        args += ["--source", source_id]
    if as_json:
        args.append("--json")
    if workers is not None:
        args += ["--workers", str(workers)]
    if nodes:
        args += ["--nodes", ",".join(nodes)]
    return args


def harvest_command(registry_path: str | os.PathLike, source_ids: Iterable[str] = (), *, as_json: bool = False,
                    workers: int | None = None) -> list[str]:
    """``python -m cli.main harvest …`` for a fresh process."""
    return [sys.executable, "-m", "cli.main", *harvest_args(registry_path, source_ids, as_json=as_json, workers=workers)]


def child_environment(db_url: str | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
    """A ``zhanqun`` child's environment (harvests, probes, 立即检查): ``base`` (this
    process's by default) with the database URL and the project on ``PYTHONPATH``
    (the child may start in another directory)."""
    env = dict(os.environ if base is None else base)
    if db_url is not None:
        env[DATABASE_URL_ENV] = db_url
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def start_harvest(registry_path: str | os.PathLike, db_url: str, source_ids: Iterable[str] = (), *,
                  as_json: bool = False, workers: int | None = None, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                  cwd: str | os.PathLike | None = None, warm: "WarmLauncher | None" = None, nodes: Iterable[str] = ()):
    """Start one harvest in a new session; the caller waits for it (or reaps it).

    With ``warm`` (the scheduler's fork server, ``harvester.forkserver``) the harvest is
    a fork of a pre-imported parent instead of a fresh interpreter; it answers like the
    ``Popen`` (``pid``, ``poll``, ``wait``, ``communicate``) and gets the database URL the
    same way, through its environment."""
    if warm is not None:
        return warm.run(harvest_args(registry_path, source_ids, as_json=as_json, workers=workers, nodes=nodes),
                        cwd=cwd or PROJECT_ROOT, env={DATABASE_URL_ENV: db_url})
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", *harvest_args(registry_path, source_ids, as_json=as_json, workers=workers, nodes=nodes)],
        stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, text=stdout is subprocess.PIPE,
        start_new_session=True, close_fds=True, env=child_environment(db_url), cwd=cwd or PROJECT_ROOT,
    )


def run_harvest(registry_path: str | os.PathLike, db_url: str, source_ids: Iterable[str] = (), *,
                workers: int | None = None, timeout: float | None = None) -> subprocess.CompletedProcess:
    """One harvest to its end, ``--json`` output captured (tests, tools)."""
    child = start_harvest(registry_path, db_url, source_ids, as_json=True, workers=workers)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the writer and extraction processes too
        out, err = child.communicate()
        raise
    return subprocess.CompletedProcess(child.args, child.returncode, out, err)
