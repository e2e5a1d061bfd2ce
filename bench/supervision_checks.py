"""Supervision benchmark: the status of a large federation from a year of synthetic history,
and one round of checks against loopback sites.

    .venv/bin/python bench/supervision_checks.py [--units 100] [--sources 10] [--days 365] [--db URL] [--keep] [--json]

1. Seeds a database (SQLite by default, or ``--db``) with ``--units`` units × ``--sources``
   sources and ``--days`` of history: items every few days by column category (some units
   fall quiet), a harvest run per source per day, an hourly homepage probe per unit (some
   units have a bad week), column states, findings (open and closed, with evidence) and the
   audit log's publish entries.
2. Times ``supervision.status.status()`` for every unit today and 180 days ago (median of
   5), and ``zhanqun supervise status --json`` as a process. Target: status ≤ 2 s.
3. Serves ``--units`` homepages on loopback (one port each, i.e. one host each), each with
   30 links (3 dead, 1 soft 404) and a dated news box, and times one round of
   ``supervise check``: the homepage round (probe, columns, duties) and the dead-link round,
   politeness delay 0 (the machinery; the registry's per-host delay adds delay × links per
   host, spread over 8 hosts at a time).
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harvester.registry import parse_registry  # noqa: E402
from harvester.sync import sync_registry  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import AuditEntry, HarvestRun, Item, ItemColumn, ItemSource  # noqa: E402
from supervision import service  # noqa: E402
from supervision.models import ColumnState, Evidence, Finding, Probe  # noqa: E402
from supervision.status import Scope, status  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
STATUS_TARGET_SECONDS = 2.0
CATEGORIES = ["dynamic"] * 4 + ["notice"] * 3 + ["plan"] * 2 + ["other"]
EVERY_DAYS = {"dynamic": 3, "notice": 15, "plan": 60, "other": 30}
CHUNK = 5000


def registry_text(units: int, sources: int, base_port: int | None = None) -> str:
    lines = ["portal: {name: 基准门户, timezone: Asia/Shanghai}", "harvest: {per_host: {concurrency: 1, delay: 0}}",
             "supervision: {link_checks: {external: false, per_run: 200}}", "columns:"]
    lines += [f"  - {{id: c{c}, name: 栏目{c}}}" for c in range(sources)]
    lines.append("units:")
    for u in range(units):
        base = f"http://127.0.0.1:{base_port + u}" if base_port else f"http://u{u:03d}.example.gov.cn"
        lines += [f"  - id: u{u:03d}", f"    name: 基准单位{u:03d}", "    kind: department", f"    homepage: {base}/",
                  "    allow_private: true", "    sources:"]
        for s in range(sources):
            category = CATEGORIES[s % len(CATEGORIES)]
            watched = ", harvest: false" if s == 8 else ""
            lines.append(f"      - {{id: u{u:03d}-s{s}, url: '{base}/col/{s}/index.html', type: list, columns: [c{s}], "
                         f"category: {category}, allow_private: true{watched}}}")
        lines += ["    duties:", "      - {column: c0, min_items: 8, per: month}", "      - {column: c4, min_items: 1, per: quarter}"]
    return "\n".join(lines) + "\n"


# -- 1. a year of history ----------------------------------------------------------------------------
def seed(db_url: str, units: int, sources: int, days: int) -> dict:
    registry = parse_registry(registry_text(units, sources))
    engine = make_engine(db_url)
    upgrade(engine)
    sessions = session_factory(engine)
    with sessions.begin() as session:
        sync_registry(session, registry)
    now = datetime.now(timezone.utc)
    start = now - timedelta(days=days)
    rng = random.Random(13)
    counts = {"items": 0, "runs": 0, "probes": 0, "states": 0, "findings": 0, "audit": 0}
    item_id = 0
    with engine.begin() as conn:
        for u in range(units):
            uid = f"u{u:03d}"
            quiet_since = now - timedelta(days=40) if u % 10 == 0 else None  # these units fall quiet
            items, links, columns, audit, runs, states = [], [], [], [], [], []
            for s in range(sources):
                sid, category = f"{uid}-s{s}", CATEGORIES[s % len(CATEGORIES)]
                watched = s == 8
                day = start + timedelta(days=rng.uniform(0, EVERY_DAYS[category]))
                newest = None
                while day < now:
                    if not (quiet_since and category == "dynamic" and day > quiet_since):
                        newest = day
                        if not watched:
                            item_id += 1
                            seen = day + timedelta(hours=rng.uniform(0.2, 30))
                            review = category in ("notice", "plan")
                            items.append({"id": item_id, "title": f"{uid}第{item_id}条", "url": f"http://{uid}/{item_id}.html",
                                          "unit_id": uid, "published_at": day, "content_hash": f"{item_id:064d}",
                                          "status": "published", "created_at": seen, "updated_at": seen})
                            links.append({"item_id": item_id, "source_id": sid, "unit_id": uid, "url": f"http://{uid}/{item_id}.html",
                                          "published_at": day, "is_primary": True, "first_seen": seen, "last_seen": seen,
                                          "list_date": day.date().isoformat()})
                            columns.append({"item_id": item_id, "column_id": f"c{s}"})
                            if review:
                                audit.append({"username": "editor", "action": "publish", "item_id": item_id,
                                              "created_at": seen + timedelta(hours=rng.uniform(0.5, 48))})
                    day += timedelta(days=EVERY_DAYS[category] * rng.uniform(0.5, 1.5))
                for d in range(days):
                    at = start + timedelta(days=d, hours=3)
                    runs.append({"source_id": sid, "status": "ok", "started_at": at, "finished_at": at + timedelta(seconds=20),
                                 "list_entries": 20 if watched else None,
                                 "list_newest": newest.date().isoformat() if watched and newest else None})
                for m in range(0, days, 30):
                    at = start + timedelta(days=m)
                    states.append({"source_id": sid, "unit_id": uid, "observed_at": at, "state": "ok", "entries": 20,
                                   "newest": (min(at, newest) if newest else at).astimezone(TZ).date().isoformat()})
            for table, rows in ((Item, items), (ItemSource, links), (ItemColumn, columns), (AuditEntry, audit),
                                (HarvestRun, runs), (ColumnState, states)):
                for i in range(0, len(rows), CHUNK):
                    conn.execute(insert(table), rows[i:i + CHUNK])
            counts["items"] += len(items)
            counts["runs"] += len(runs)
            counts["states"] += len(states)
            counts["audit"] += len(audit)
            bad_week = u % 17 == 0
            probes = [{"unit_id": uid, "checked_at": start + timedelta(hours=h), "url": f"http://{uid}/",
                       "ok": not (bad_week and h > days * 24 - 120 and h % 5), "http_status": 200, "latency_ms": 80,
                       "newest": None, "dated_links": 0} for h in range(days * 24)]
            for i in range(0, len(probes), CHUNK):
                conn.execute(insert(Probe), probes[i:i + CHUNK])
            counts["probes"] += len(probes)
            findings = []
            for k in range(12):  # a finding a month that lasted a week, and its evidence
                since = start + timedelta(days=30 * k + rng.uniform(0, 20))
                findings.append({"unit_id": uid, "kind": "broken_link", "subject": f"homepage http://{uid}/dead{k}.html",
                                 "url": f"http://{uid}/dead{k}.html", "detail": "首页链接不可用：HTTP 404", "data": {"scope": "homepage"},
                                 "since": since, "last_seen": since + timedelta(days=7), "status": "closed",
                                 "closed_at": since + timedelta(days=7), "open_key": None})
            if quiet_since:
                for s in range(4):
                    findings.append({"unit_id": uid, "kind": "column_stale", "subject": f"{uid}-s{s}", "source_id": f"{uid}-s{s}",
                                     "url": "", "detail": "栏目已超过 14 天未更新", "data": {"days": 40}, "since": quiet_since + timedelta(days=15),
                                     "last_seen": now, "status": "open", "closed_at": None, "open_key": f"{uid}-stale-{s}"})
            result = conn.execute(insert(Finding).returning(Finding.id), findings)
            ids = [row[0] for row in result]
            conn.execute(insert(Evidence), [{"finding_id": fid, "role": "first", "fetched_at": now, "url": "", "method": "GET",
                                             "http_status": 404, "note": "", "content_type": "text/html",
                                             "raw_gz": zlib.compress(b"<html>404</html>")} for fid in ids])
            counts["findings"] += len(findings)
    with engine.connect() as conn:  # the planner's statistics, as a live database keeps them (autovacuum)
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    engine.dispose()
    return counts


def time_status(db_url: str, units: int, sources: int) -> dict:
    registry = parse_registry(registry_text(units, sources))
    scope = Scope.of(registry)
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    out = {}
    today = datetime.now(TZ).date()
    for label, day in (("today", None), ("180 days ago", today - timedelta(days=180))):
        times = []
        for _ in range(5):
            with sessions() as session:
                started = time.perf_counter()
                result = status(session, scope, day)
                times.append(time.perf_counter() - started)
        out[label] = {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
                      "units": len(result["units"]),
                      "failing": sum(u["verdict"] == "不合格" for u in result["units"])}
    engine.dispose()
    return out


def time_cli_status(db_url: str, units: int, sources: int, workdir: Path) -> float:
    path = workdir / "registry.yaml"
    path.write_text(registry_text(units, sources), encoding="utf-8")
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "cli.main", "supervise", "status", "--json", "--registry", str(path),
                           "--db", db_url], capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr[-1000:]
    assert len(json.loads(proc.stdout)["units"]) == units
    return round(elapsed, 2)


# -- 3. a round of checks on loopback ------------------------------------------------------------------
def homepage(u: int, today: date) -> bytes:
    news = "".join(f"<li><a href='/news/{i}.html'>基准单位{u:03d}第{i}条政务动态新闻标题</a><span>{today - timedelta(days=i)}</span></li>"
                   for i in range(8))
    links = "".join(f"<li><a href='/page/{i}.html'>栏目入口{i}</a></li>" for i in range(20))
    dead = "".join(f"<li><a href='/gone/{i}.html'>旧专题{i}</a></li>" for i in range(3))
    return (f"<html><head><meta charset='utf-8'><title>基准单位{u:03d}</title></head><body><img src='/logo.png' alt='标志'>"
            f"<ul class='news'>{news}</ul><ul>{links}{dead}<li><a href='/soft.html'>已删除的专题</a></li></ul></body></html>").encode("utf-8")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        self._answer(True)

    def do_HEAD(self):
        self._answer(False)

    def _answer(self, body: bool) -> None:
        path = self.path.split("?")[0]
        status, data = 200, b"<html><head><title>page</title></head><body>" + "正文内容".encode("utf-8") * 5000 + b"</body></html>"
        if path == "/":
            data = self.server.home
        elif path.startswith("/gone/") or path == "/robots.txt":
            status, data = 404, b"<h1>404</h1>"
        elif path == "/soft.html":
            data = "<html><head><title>页面不存在</title></head><body>您访问的页面不存在</body></html>".encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)


def serve(units: int) -> tuple[list[ThreadingHTTPServer], int]:
    today = datetime.now(TZ).date()
    servers = []
    base = None
    while base is None:
        candidate = random.randint(20000, 60000)
        try:
            servers = []
            for u in range(units):
                server = ThreadingHTTPServer(("127.0.0.1", candidate + u), _Handler)
                server.daemon_threads = True
                server.home = homepage(u, today)
                servers.append(server)
            base = candidate
        except OSError:
            for server in servers:
                server.server_close()
    for server in servers:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    return servers, base


def time_check(units: int, sources: int, workdir: Path) -> dict:
    servers, base = serve(units)
    try:
        registry = parse_registry(registry_text(units, sources, base))
        engine = make_engine(f"sqlite:///{workdir / 'check.db'}")
        upgrade(engine)
        sessions = session_factory(engine)
        with sessions.begin() as session:
            sync_registry(session, registry)
        started = time.perf_counter()
        reports = service.check_units(registry, sessions)
        homepage_round = time.perf_counter() - started
        started = time.perf_counter()
        links = service.check_links(registry, sessions)
        link_round = time.perf_counter() - started
        engine.dispose()
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return {"units": units, "homepage_round_s": round(homepage_round, 2), "up": sum(r.up for r in reports),
            "link_round_s": round(link_round, 2), "links_checked": sum(r.links_checked for r in links),
            "links_dead": sum(r.links_dead for r in links)}


def history_args(description: str, keep_option: bool = False) -> argparse.Namespace:
    """The options of a benchmark over a seeded history (this one's, and bench/reports.py's)."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument("--units", type=int, default=100)
    ap.add_argument("--sources", type=int, default=10)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--db", help="database URL (default: a fresh SQLite file in a temp dir)")
    if keep_option:
        ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--json", action="store_true")
    return ap.parse_args()


def seeded_history(args: argparse.Namespace, prefix: str) -> tuple[Path, str, dict[str, int], float]:
    """A temp dir, the database (``--db`` or SQLite in the temp dir) seeded with the
    history ``args`` ask for, its row counts and the seconds seeding took."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    db_url = args.db or f"sqlite:///{workdir / 'bench.db'}"
    started = time.perf_counter()
    counts = seed(db_url, args.units, args.sources, args.days)
    return workdir, db_url, counts, round(time.perf_counter() - started, 1)


def history_line(args: argparse.Namespace, counts: dict[str, int], seeded: float) -> str:
    return (f"history ({args.units} units × {args.sources} sources, {args.days} days, seeded in {seeded} s): "
            + ", ".join(f"{k} {v:,}" for k, v in counts.items()))


def main() -> None:
    args = history_args(__doc__.splitlines()[0], keep_option=True)
    workdir, db_url, counts, seeded = seeded_history(args, "zhanqun-bench-supervision-")
    timings = time_status(db_url, args.units, args.sources)
    cli = time_cli_status(db_url, args.units, args.sources, workdir)
    check = time_check(args.units, args.sources, workdir)
    worst = max(t["median_s"] for t in timings.values())
    report = {"db": db_url.split(":", 1)[0], "history": counts, "seed_s": seeded, "status": timings, "cli_status_s": cli,
              "check": check, "target_status_s": STATUS_TARGET_SECONDS, "pass": worst <= STATUS_TARGET_SECONDS}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(history_line(args, counts, seeded))
        for label, t in timings.items():
            print(f"status for all {t['units']} units as of {label}: median {t['median_s']} s (max {t['max_s']} s), "
                  f"{t['failing']} 不合格")
        print(f"`zhanqun supervise status --json` as a process: {cli} s")
        print(f"check round on loopback, {check['units']} homepages (politeness delay 0): homepage round "
              f"{check['homepage_round_s']} s ({check['up']} up), dead-link round {check['link_round_s']} s "
              f"({check['links_checked']} links checked, {check['links_dead']} dead)")
        print(f"target: status ≤ {STATUS_TARGET_SECONDS} s for {args.units} units: {'PASS' if report['pass'] else 'FAIL'}")
    if not args.keep:
        import shutil

        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
