"""Portal benchmark: the public pages under load, served by gunicorn, measured by wrk.

    .venv/bin/python bench/portal.py                      # 200,000 items
    .venv/bin/python bench/portal.py --items 1000000      # a million
    .venv/bin/python bench/portal.py --db var/bench-portal.db --keep   # keep (and reuse) the database
    .venv/bin/python bench/portal.py --json

Seeds a SQLite database with N items (95 % published) of Chinese government
text — 20 units, 6 columns, six years of 发布时间, sanitized-looking bodies of
1,000–1,600 characters, one source page per item and every tenth item merged
from a second unit — using the generator of bench/search.py, then builds the
search index.  Serves the real app (``hub.wsgi:app``, production config) with
gunicorn, 2 sync workers, and drives it with wrk (Debian's package; 2 threads,
``--connections`` connections, default 2 = one per worker: a sync worker serves
one request at a time, so more connections add queueing time to every latency
and no throughput; ``--duration`` seconds per case), a Lua script drawing random
ids and pages so no single URL is hot.  In the same run it measures a trivial
endpoint (``/healthz``) on the same server for comparison.

Two passes, each with its own gunicorn: the per-worker page cache on (how the
portal runs) and off (``ZHANQUN_PORTAL_PAGE_CACHE=0``: every request renders
its page and runs its queries, so the figures are the cost of a cache miss —
right after a publish, or for the long tail of URLs).  Search cases spread over
162 URLs each (both orders, pages 1-3, every unit and column filter).

Reports p50/p95 latency and requests/s per case and checks the targets:
column and item pages p95 ≤ 20 ms, search p95 ≤ 50 ms, column-page
throughput ≥ 50 % of the trivial endpoint's.  Every case must answer 200
(non-2xx answers are counted and reported).  Exits 0 either way.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import insert, select  # noqa: E402

import search as search_bench  # noqa: E402  (bench/search.py: the corpus generator)
from storage import search  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Item, ItemColumn, ItemSource, PortalColumn, Source, Unit  # noqa: E402

PAGE_P95_MS, SEARCH_P95_MS, THROUGHPUT_SHARE = 20.0, 50.0, 0.5
SAMPLE_IDS = 2000

LUA = r"""
local paths = {}
local n = 0
function init(args)
  for line in io.lines(args[1]) do n = n + 1; paths[n] = line end
end
request = function()
  return wrk.format("GET", paths[math.random(n)])
end
done = function(summary, latency, requests)
  local out = io.open(os.getenv("WRK_REPORT"), "w")
  out:write(string.format('{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "non2xx": %d, "errors": %d}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  out:close()
end
"""


def seed(url: str, n: int, today: date) -> dict:
    """Items from bench/search.py's generator, with bodies as HTML, sources and merged reposts."""
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    with session_factory(engine)() as session:
        session.execute(insert(Unit.__table__), [
            {"id": f"unit{u:02d}", "name": search_bench.corpus_unit_name(u), "kind": "county",
             "homepage": f"https://unit{u:02d}.example.gov.cn/"} for u in range(search_bench.UNITS)])
        session.execute(insert(PortalColumn.__table__), [
            {"id": c, "name": name, "position": k} for k, (c, name) in enumerate(search_bench.COLUMNS)])
        session.execute(insert(Source.__table__), [
            {"id": f"unit{u:02d}-news", "unit_id": f"unit{u:02d}", "url": f"https://unit{u:02d}.example.gov.cn/col/",
             "type": "list", "columns": ["tzgg"], "review": "required", "status": "ok", "consecutive_failures": 0}
            for u in range(search_bench.UNITS)])
        link_id = 0
        for items, columns in search_bench.rows(n, today):
            links = []
            for item in items:
                paragraphs = item["body_text"].split("\n")
                item["body_html"] = "".join(f"<p>{p}</p>" for p in paragraphs)
                item["summary"] = item["body_text"][:140]
                item["source_text"] = search_bench.corpus_unit_name(int(item["unit_id"][4:])) + "办公室"
                link_id += 1
                links.append({"id": link_id, "item_id": item["id"], "source_id": f"{item['unit_id']}-news",
                              "unit_id": item["unit_id"], "url": item["url"], "title": item["title"],
                              "published_at": item["published_at"], "is_primary": True, "status": "active",
                              "first_seen": item["created_at"], "last_seen": item["created_at"]})
                if item["id"] % 10 == 0:  # a repost by the next unit: "同时发布于"
                    other = f"unit{(int(item['unit_id'][4:]) + 1) % search_bench.UNITS:02d}"
                    link_id += 1
                    links.append({"id": link_id, "item_id": item["id"], "source_id": f"{other}-news", "unit_id": other,
                                  "url": item["url"].replace(item["unit_id"], other), "title": item["title"],
                                  "published_at": item["published_at"], "is_primary": False, "status": "active",
                                  "first_seen": item["created_at"], "last_seen": item["created_at"]})
            session.execute(insert(Item.__table__), items)
            session.execute(insert(ItemColumn.__table__), columns)
            session.execute(insert(ItemSource.__table__), links)
        session.commit()
        seeded = time.perf_counter() - started
        started = time.perf_counter()
        indexed = search.rebuild(session)
        session.commit()
    engine.dispose()
    return {"seed_s": round(seeded, 1), "index_s": round(time.perf_counter() - started, 1), "indexed": indexed}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_app(url: str) -> None:
    """Migrate and create the first admin once, before the workers start (they would race)."""
    from hub import create_app

    create_app({"ENV_NAME": "testing", "DATABASE_URL": url})


def start_gunicorn(url: str, port: int, workdir: Path, page_cache: bool) -> subprocess.Popen:
    env = dict(os.environ, ZHANQUN_ENV="production", ZHANQUN_SECRET_KEY=secrets.token_hex(32),
               ZHANQUN_DATABASE_URL=url, ZHANQUN_REGISTRY=str(workdir / "no-registry.yaml"),
               ZHANQUN_PORTAL_PAGE_CACHE="1" if page_cache else "0")
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "hub.wsgi:app"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(workdir / "gunicorn.log", "w"))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    proc.kill()
    raise SystemExit("gunicorn did not answer; see " + str(workdir / "gunicorn.log"))


def wrk(port: int, paths: list[str], duration: int, workdir: Path, name: str, connections: int) -> dict:
    script, listing, report = workdir / "paths.lua", workdir / f"{name}.paths", workdir / f"{name}.json"
    script.write_text(LUA)
    listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
    subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s", "-s", str(script),
                    f"http://127.0.0.1:{port}", "--", str(listing)],
                   check=True, capture_output=True, env=dict(os.environ, WRK_REPORT=str(report)))
    raw = json.loads(report.read_text())
    seconds = raw["duration_us"] / 1e6
    return {"case": name, "rps": round(raw["requests"] / seconds, 1), "p50_ms": raw["p50_us"] / 1000,
            "p95_ms": raw["p95_us"] / 1000, "p99_ms": raw["p99_us"] / 1000, "requests": raw["requests"],
            "non2xx": raw["non2xx"], "errors": raw["errors"]}


def quote(q: str) -> str:
    return urllib.request.quote(q)


def search_paths(term: str, units: list[str], columns: list[str]) -> list[str]:
    """One query over the ways visitors narrow it: both orders, pages 1-3, each unit, each column."""
    q = f"q={quote(term)}"
    narrowing = [""] + [f"&unit={u}" for u in units] + [f"&column={c}" for c in columns]
    return [f"/search?{q}{extra}{'&sort=newest' if newest else ''}{f'&page={p}' if p > 1 else ''}"
            for extra in narrowing for newest in (False, True) for p in (1, 2, 3)]


def cases(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        ids = conn.execute(select(Item.id).where(Item.status == "published").order_by(Item.id)).scalars().all()
    engine.dispose()
    rng = random.Random(5)
    sample = rng.sample(ids, min(SAMPLE_IDS, len(ids)))
    columns = [c for c, _ in search_bench.COLUMNS]
    units = [f"unit{u:02d}" for u in range(search_bench.UNITS)]
    return {
        "trivial /healthz": ["/healthz"],
        "column page": [f"/columns/{c}?page={p}" for c in columns for p in (1, 1, 1, 2, 3)],
        "item page": [f"/items/{i}" for i in sample],
        "search common 2-char 通知": search_paths("通知", units, columns),
        "search rare 碳普惠": search_paths("碳普惠", units, columns),
        "search two words 2026 医保": search_paths("2026 医保", units, columns),
    }


def verify(port: int, paths: dict[str, list[str]]) -> None:
    """Every case answers 200 with a real page before it is timed."""
    for name, listing in paths.items():
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{listing[0]}", timeout=10) as r:
            body = r.read()
            assert r.status == 200 and body, (name, r.status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per case")
    parser.add_argument("--connections", type=int, default=2, help="wrk connections (default: one per worker)")
    parser.add_argument("--db", help="SQLite file to seed (or reuse with --keep)")
    parser.add_argument("--keep", action="store_true", help="keep the database (and reuse it when it has --items items)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")

    workdir = Path(tempfile.mkdtemp(prefix="zq-portal-bench-"))
    db_path = Path(args.db) if args.db else workdir / "portal.db"
    url = f"sqlite:///{db_path}"
    seeding = {}
    if search_bench.seeded_count(url) != args.items:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db_path}{suffix}").unlink(missing_ok=True)
        print(f"seeding {args.items:,} items into {db_path} …", file=sys.stderr, flush=True)
        seeding = seed(url, args.items, datetime.now(timezone.utc).date())
        print(f"  seeded in {seeding['seed_s']} s, search index built in {seeding['index_s']} s", file=sys.stderr)
    prepare_app(url)
    paths = cases(url)
    passes = []
    try:
        for page_cache in (True, False):
            passes.append(run_pass(url, paths, workdir, page_cache, args))
    finally:
        if not args.keep and not args.db:
            shutil.rmtree(workdir, ignore_errors=True)
    # The throughput target is the served portal's (the cache on); without the cache the
    # share is the cost of rendering and is reported, not judged.
    passes[1]["checks"] = [c for c in passes[1]["checks"] if "throughput" not in c["target"]]

    report = {"items": args.items, "database": "SQLite", "server": "gunicorn 2 sync workers",
              "load": f"wrk -t2 -c{args.connections} -d{args.duration}s per case", "seeding": seeding, "passes": passes}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    print(f"\nportal benchmark: {args.items:,} items, SQLite, gunicorn -w 2, wrk -t2 -c{args.connections} -d{args.duration}s per case")
    for run in passes:
        print(f"\n{run['name']}")
        print(f"{'case':<30} {'URLs':>5} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for r in run["results"]:
            print(f"{r['case']:<30} {r['urls']:>5} {r['rps']:>9.1f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
                  f"{r['p99_ms']:>8.2f} {r['non2xx']:>8}")
        if not run["page_cache"]:
            column = next(r for r in run["results"] if r["case"] == "column page")
            print(f"  (column page throughput {column['share_of_trivial']:.0%} of trivial: reported, not judged)")
        for check in run["checks"]:
            print(f"  {'PASS' if check['pass'] else 'FAIL'}  {check['target']}")


def run_pass(url: str, paths: dict[str, list[str]], workdir: Path, page_cache: bool, args) -> dict:
    """Every case against one gunicorn, with the per-worker page cache on (production) or off."""
    port = free_port()
    server = start_gunicorn(url, port, workdir, page_cache)
    results = []
    name = "page cache on (production default)" if page_cache else "page cache off (every request renders)"
    try:
        verify(port, paths)
        for case, listing in paths.items():
            wrk(port, listing, 2, workdir, "warmup", args.connections)  # fill caches and the OS page cache
            results.append(wrk(port, listing, args.duration, workdir, case.split()[0], args.connections)
                           | {"case": case, "urls": len(listing)})
            print(f"  {name}: {case}: done", file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"name": name, "page_cache": page_cache, "results": results, "checks": checks_of(results)}


def checks_of(results: list[dict]) -> list[dict]:
    trivial = results[0]["rps"]
    checks = []
    for r in results:
        if r["case"] in ("column page", "item page"):
            checks.append((f"{r['case']} p95 ≤ {PAGE_P95_MS:g} ms", r["p95_ms"] <= PAGE_P95_MS))
        if r["case"].startswith("search"):
            checks.append((f"{r['case']} p95 ≤ {SEARCH_P95_MS:g} ms", r["p95_ms"] <= SEARCH_P95_MS))
        if r["case"] == "column page":
            share = r["rps"] / trivial if trivial else 0
            r["share_of_trivial"] = round(share, 2)
            checks.append((f"column page throughput ≥ {THROUGHPUT_SHARE:.0%} of trivial ({share:.0%})", share >= THROUGHPUT_SHARE))
        if r["non2xx"] or r["errors"]:
            checks.append((f"{r['case']} answered 200 to every request", False))
    return [{"target": t, "pass": ok} for t, ok in checks]

if __name__ == "__main__":
    main()
