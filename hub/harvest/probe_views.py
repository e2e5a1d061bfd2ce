"""试采 (probe): try a sub-site address from the hub before it goes into the registry.

The probe runs as ``zhanqun probe URL --json`` in a child process (it starts a
Scrapy reactor, which the web process must never load), with the same
politeness, address guard and robots.txt as a harvest, and a time limit.
Private and loopback addresses are refused unless an admin allows them.
"""
from __future__ import annotations

import json
import subprocess
import sys
from urllib.parse import urlsplit

from flask import current_app, flash, g, render_template, request

from hub.actions import record
from hub.auth import roles_required
from hub.db import db_session
from hub.harvest import HARVEST_ROLES, SOURCE_TYPE_LABELS, bp
from harvester.launcher import PROJECT_ROOT, child_environment
from hub.harvest.registry_file import registry_path

PROBE_TIMEOUT = 150  # seconds: a slow sub-site is reported, the web worker is not held longer
MAX_PAGES = 5
URL_MAX = 2000
ERROR_PREFIX = "error: "  # the probe's warnings that are errors (probe.report.ERROR_PREFIX; the web process loads no probe code)


class ProbeError(ValueError):
    """The probe cannot run or did not answer: a message for the editor."""


def form_values(form) -> dict:
    values = {"url": (form.get("url") or "").strip(), "type": form.get("type") or "auto",
              "encoding": (form.get("encoding") or "").strip(), "pages": form.get("pages") or "2",
              "allow_private": form.get("allow_private") == "1"}
    return values


def check(values: dict, is_admin: bool) -> list[str]:
    problems = []
    parts = urlsplit(values["url"])
    if parts.scheme not in ("http", "https") or not parts.hostname or len(values["url"]) > URL_MAX:
        problems.append("请填写以 http:// 或 https:// 开头的栏目地址。")
    if values["type"] not in SOURCE_TYPE_LABELS:
        problems.append("来源类型无效。")
    if not values["pages"].isdigit() or not 1 <= int(values["pages"]) <= MAX_PAGES:
        problems.append(f"读取页数应为 1 到 {MAX_PAGES}。")
    if values["encoding"] and not all(c.isalnum() or c in "-_" for c in values["encoding"]):
        problems.append("编码名称无效（例如 gbk、utf-8）。")
    if values["allow_private"] and not is_admin:
        problems.append("只有管理员可以试采内网或本机地址。")
    return problems


def run_probe(values: dict) -> dict:
    """The probe's JSON report; raises ProbeError."""
    command = [sys.executable, "-m", "cli.main", "probe", values["url"], "--json", "--type", values["type"],
               "--pages", values["pages"], "--registry", registry_path()]
    if values["encoding"]:
        command += ["--encoding", values["encoding"]]
    if values["allow_private"]:
        command.append("--allow-private")
    env = child_environment()
    timeout = current_app.config.get("PROBE_TIMEOUT", PROBE_TIMEOUT)
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, env=env,
                              cwd=str(PROJECT_ROOT))
    except subprocess.TimeoutExpired:
        raise ProbeError(f"试采超过 {timeout} 秒仍未完成（网站响应过慢？），已停止。") from None
    except OSError as exc:
        raise ProbeError(f"无法启动试采进程：{exc.strerror or exc}") from None
    try:
        return json.loads(proc.stdout)
    except ValueError:
        tail = (proc.stderr or "").strip().splitlines()[-1:] or ["（无输出）"]
        raise ProbeError(f"试采未能完成：{tail[0][:300]}") from None


@bp.route("/hub/harvest/probe", methods=["GET", "POST"])
@roles_required(*HARVEST_ROLES)
def probe():
    is_admin = g.user.role == "admin"
    values = form_values(request.form) if request.method == "POST" else form_values({})
    report = None
    if request.method == "POST":
        problems = check(values, is_admin)
        for problem in problems:
            flash(problem, "error")
        if not problems:
            try:
                report = run_probe(values)
            except ProbeError as exc:
                flash(str(exc), "error")
            session = db_session()
            record(session, g.user, "probe_source", None, {},
                   {"url": values["url"], "type": values["type"], "allow_private": values["allow_private"],
                    "found": sum(len(p["items"]) for p in report["pages"]) if report else None})
            session.commit()
    warnings = report["warnings"] if report else []
    errors = [w.removeprefix(ERROR_PREFIX) for w in warnings if w.startswith(ERROR_PREFIX)]
    notes = [w for w in warnings if not w.startswith(ERROR_PREFIX)]
    page = render_template("harvest/probe.html", values=values, report=report, errors=errors, notes=notes,
                           is_admin=is_admin, max_pages=MAX_PAGES)
    return page, 422 if request.method == "POST" and report is None else 200
