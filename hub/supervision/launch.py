"""立即检查: run ``zhanqun supervise check --unit ID`` in a process of its own.

The checks fetch from the unit's site, which a web request must not wait for;
the process records its findings like a scheduled round.  The database URL goes
through the environment, never the command line.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading

from harvester.launcher import child_environment


class LaunchError(RuntimeError):
    pass


def start(unit_id: str, registry_path: str, db_url: str) -> int:
    env = child_environment(db_url)
    command = [sys.executable, "-m", "cli.main", "supervise", "check", "--unit", unit_id, "--registry", registry_path]
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                   start_new_session=True, close_fds=True, env=env, cwd=os.getcwd())
    except OSError as exc:
        raise LaunchError(f"无法启动检查进程：{exc.strerror or exc}") from None
    threading.Thread(target=process.wait, name=f"supervise-{unit_id}", daemon=True).start()  # no zombie
    return process.pid
