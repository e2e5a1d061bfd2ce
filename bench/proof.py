"""What we guarantee against hostile sub-sites, measured: prints the table README
shows under "What we guarantee, and how we test it".

    .venv/bin/python bench/proof.py                  # everything (about 10-15 minutes on 2 cores)
    .venv/bin/python bench/proof.py --kills 5 --wrk-seconds 10 --no-pg   # a quicker look
    .venv/bin/python bench/proof.py --json

Too slow for every CI run, so not part of ``make test``.  It measures:

1. ``pytest tests/security`` (every test file there, including the portal/hub
   ones — XSS in Chromium, access control, login spraying — once they exist):
   passed/failed per file, and per family of parametrised cases (private-address
   spellings as sources, links and redirect hops; bombs in each encoding; …).
2. The 100,000-link list page with ``max_pages: 1`` and the default limits:
   detail requests made, peak RSS of the harvest's process tree, the run's
   status and reason; then SIGTERM while the page is being read.
3. SIGTERM while two downloads hang on a server that accepts and never answers
   and another host's robots.txt asks for an hour between requests: seconds
   from the signal to the exit, and the runs' statuses.
4. ``kill -9`` of a demo-federation harvest at ``--kills`` random moments (each on
   a fresh SQLite database, then the harvest run again to its end), each compared
   with a clean run: the same items, none lost, none duplicated, no run left
   ``running``.
5. wrk with 16 connections against the portal (gunicorn, 2 sync workers, as
   bench/portal.py serves it) while harvests store new items into the same
   database, on SQLite and on PostgreSQL: requests served and 5xx answers.

Exits 1 when any row fails.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from demo.federation import Federation  # noqa: E402
from demo.registry import registry_yaml  # noqa: E402
from demo.server import serve  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.models import HarvestRun, Item, ItemSource  # noqa: E402
from harvester import launcher  # noqa: E402
from tests.security.conftest import group_rss_kb, source_line, write_registry  # noqa: E402
from tests.sitekit import HTML, Articles, Site, list_page  # noqa: E402

PG_SERVER = os.environ.get("ZHANQUN_TEST_PG_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/test"
FAMILIES = {  # test function → what its passing cases prove (rows of the table)
    "test_source_urls_are_refused": "private-address spellings refused as a source URL",
    "test_links_are_refused": "private-address spellings refused as links on a list page",
    "test_redirect_hops_are_refused": "private-address spellings refused as redirect hops",
    "test_allow_private_opens_the_own_host_port_only": "allow_private: another loopback port, 169.254.169.254 refused",
    "test_the_policy_refuses": "non-global IPv4/IPv6 literals refused by the address policy",
    "test_nothing_local_is_read_or_published": "file:/ftp:/data: links (list, feed, sitemap, Hanweb, redirect, meta refresh): nothing local read or published",
    "test_refused_links_are_errors_on_the_run": "refused schemes recorded on the run with URL and stage",
    "test_attachments_by_other_schemes_are_dropped": "attachments by file:/ftp: dropped and recorded",
    "test_one_bad_feed_entry_never_sinks_the_feed": "bad feed entries (javascript:/file:/ftp:/data: link, date, encoding): the other 36 stored",
    "test_a_stalled_ftp_server_never_holds_anything": "stalled FTP server: never contacted, nothing waits",
    "test_entity_declarations_are_seen_in_every_encoding": "XXE / billion laughs seen in every encoding",
    "test_xml_bombs_are_refused": "XML bombs refused in real harvests (feeds, sitemap; UTF-8/16/32)",
    "test_compression_bombs_and_oversized_bodies_are_refused": "1 GiB gzip bomb, deflate bomb, 11 MiB body refused",
    "test_a_body_that_never_ends_is_cut_at_the_limit": "endless chunked body cut at 10 MiB",
    "test_pinned_old_items_on_every_page_of_a_window": "置顶 items on every page of a CMS window: 0 false withdrawals (SQLite, PostgreSQL)",
    "test_a_list_in_manual_order_is_no_evidence": "排序号 list: 0 false withdrawals, the 404 page withdrawn",
    "test_a_partial_run_never_withdraws": "a partial run withdraws nothing",
    "test_a_feed_is_a_window_and_the_registry_wide_policy_applies": "feed window: 0 false withdrawals; harvest.withdrawal: flag applies",
}


class Table:
    def __init__(self) -> None:
        self.rows: list[dict] = []

    def add(self, what: str, result: str, ok: bool, how: str = "") -> None:
        self.rows.append({"what": what, "result": result, "ok": ok, "how": how})
        print(f"  {'PASS' if ok else 'FAIL'}  {what}: {result}", flush=True)

    def markdown(self) -> str:
        out = ["| guarantee | measured | result |", "|---|---|---|"]
        out += [f"| {r['what']} | {r['how']} | {r['result']}{'' if r['ok'] else ' **FAIL**'} |" for r in self.rows]
        return "\n".join(out)


# -- 1. the security suite -------------------------------------------------------------
def security_suite(table: Table, workdir: Path) -> None:
    report = workdir / "security.xml"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "pytest", "tests/security", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
                   cwd=ROOT, capture_output=True, text=True)
    seconds = time.monotonic() - started
    files: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    families: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case in ET.parse(report).iter("testcase"):
        failed = case.find("failure") is not None or case.find("error") is not None
        skipped = case.find("skipped") is not None
        if skipped:
            failed = True  # under proof nothing may be skipped
        name = case.get("classname", "").rsplit(".", 1)[-1] + ".py"
        files[name][0 if not failed else 1] += 1
        families[case.get("name", "").split("[", 1)[0]][0 if not failed else 1] += 1
    for family, what in FAMILIES.items():
        passed, failed = families.get(family, [0, 0])
        table.add(what, f"{passed}/{passed + failed}", failed == 0 and passed > 0, "tests/security")
    for name in sorted(files):
        passed, failed = files[name]
        table.add(f"tests/security/{name}", f"{passed} passed, {failed} failed", failed == 0,
                  f"pytest ({seconds:.0f} s for the whole directory)")


# -- 2. the 100,000-link list ---------------------------------------------------------------
def watch(proc: subprocess.Popen, until=None) -> int:
    """Peak RSS (KiB) of the process group until it ends (or ``until()`` is true)."""
    peak = 0
    while proc.poll() is None and not (until and until()):
        peak = max(peak, group_rss_kb(proc.pid))
        time.sleep(0.05)
    return peak


def run_status(db_url: str) -> list[tuple[str, str, list]]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        out = [(r.source_id, r.status, [m["message"] for m in r.error_messages or []], r.new)
               for r in s.scalars(select(HarvestRun).order_by(HarvestRun.id))]
    engine.dispose()
    return out


def sigterm(proc: subprocess.Popen) -> float:
    os.killpg(proc.pid, signal.SIGTERM)
    sent = time.monotonic()
    proc.wait(timeout=60)
    return time.monotonic() - sent


def hundred_k(table: Table, workdir: Path) -> None:
    links = [(f"/art/{n}.html", f"海量列表中的第{n}号通知", "2026-11-01") for n in range(100_000)]
    site = Site(Articles({"/col/index.html": (200, HTML, list_page(links, "/col/index_1.html"))}))
    try:
        registry = write_registry(workdir / "huge.yaml", site.url + "/", [
            source_line("huge", site.url + "/col/index.html", extra=", max_pages: 1", timeout=30)])
        db_url = f"sqlite:///{workdir / 'huge.db'}"
        started = time.monotonic()
        proc = launcher.start_harvest(registry, db_url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = watch(proc)
        seconds = time.monotonic() - started
        [(_, status, messages, new)] = run_status(db_url)
        requests = len(site.paths("/art/"))
        reason = next((m for m in messages if "max_links_per_page" in m), "")
        table.add("100,000-link list page, max_pages 1: detail requests", f"{requests} (max_links_per_page 300)",
                  requests <= 300, "bench/proof.py, default limits")
        table.add("100,000-link list page: peak RSS of the harvest", f"{peak / 1024:.0f} MB in {seconds:.1f} s, {new} items",
                  peak < 600 * 1024, "VmRSS of every process of the harvest, every 50 ms")
        table.add("100,000-link list page: the run says why it is partial", f"{status}: “{reason.split(' shows ')[-1]}”",
                  status == "partial" and bool(reason), "harvest_runs.error_messages")

        site.reset()
        db_url = f"sqlite:///{workdir / 'huge-term.db'}"
        proc = launcher.start_harvest(registry, db_url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        watch(proc, until=lambda: bool(site.paths("/col/")))
        after = sigterm(proc)
        [(_, status, messages, _)] = run_status(db_url)
        table.add("SIGTERM while the 100,000-link page is read", f"exit after {after:.2f} s, run {status}",
                  after < 7 and status == "aborted", "signal to the process group, as the scheduler sends it")
    finally:
        site.stop()


# -- 3. SIGTERM while downloads hang ---------------------------------------------------------
def hung(table: Table, workdir: Path) -> None:
    release = threading.Event()

    def never() -> bytes:
        release.wait(300)
        return b""

    stalled = [(f"/stall/{n}.html", f"永远等不到的第{n}篇通知", "2026-10-01") for n in range(6)]
    site = Site({"/col/index.html": (200, HTML, list_page(stalled)), **{p: (200, HTML, never) for p, _, _ in stalled}})
    polite = Site({"/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nCrawl-delay: 3600\n"),
                   "/col/index.html": (200, HTML, list_page([("/a/1.html", "要等一个小时的通知", "2026-11-01"),
                                                              ("/a/2.html", "还要再等一个小时的通知", "2026-10-31")]))})
    try:
        text = write_registry(workdir / "hung.yaml", site.url + "/", [
            source_line("stalled", site.url + "/col/index.html", timeout=300),
            source_line("polite", polite.url + "/col/index.html", timeout=300)],
            "{per_host: {concurrency: 8, delay: 0}}").read_text(encoding="utf-8")
        text = text.replace("      - {id: polite", f"  - id: p\n    name: 礼貌单位\n    kind: department\n    homepage: {polite.url}/\n"
                            "    sources:\n      - {id: polite")
        (workdir / "hung.yaml").write_text(text, encoding="utf-8")
        db_url = f"sqlite:///{workdir / 'hung.db'}"
        proc = launcher.start_harvest(workdir / "hung.yaml", db_url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        watch(proc, until=lambda: site.in_flight >= 2 and bool(polite.paths("/col/")))
        after = sigterm(proc)
        statuses = sorted({status for _, status, _, _ in run_status(db_url)})
        table.add("SIGTERM while downloads hang on a silent server and a host asks Crawl-delay 3600",
                  f"exit after {after:.2f} s, runs {', '.join(statuses)}", after < 7 and statuses == ["aborted"],
                  "signal to the process group")
    finally:
        release.set()
        site.stop()
        polite.stop()


# -- 4. kill -9 at random moments -----------------------------------------------------------
def snapshot(db_url: str) -> dict:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        titles = sorted(s.scalars(select(Item.title)))
        urls = sorted(s.scalars(select(ItemSource.url)))
        running = s.scalar(select(func.count(HarvestRun.id)).where(HarvestRun.status == "running"))
    engine.dispose()
    return {"titles": titles, "urls": urls, "running": running}


def kill9(table: Table, workdir: Path, kills: int, seed: int) -> None:
    fed = Federation()
    rng = random.Random(seed)
    with serve(fed, base_port=0) as server:
        registry = workdir / "demo.yaml"
        registry.write_text(registry_yaml(server.urls), encoding="utf-8")
        clean_url = f"sqlite:///{workdir / 'clean.db'}"
        started = time.monotonic()
        launcher.run_harvest(registry, clean_url, timeout=600)
        clean_seconds = time.monotonic() - started
        clean = snapshot(clean_url)
        same = lost = duplicated = left_running = 0
        moments = []
        for k in range(kills):
            db_url = f"sqlite:///{workdir / f'kill{k}.db'}"
            moment = rng.uniform(0.2, clean_seconds)
            moments.append(moment)
            victim = launcher.start_harvest(registry, db_url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(moment)
            try:
                os.killpg(victim.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            victim.wait()
            launcher.run_harvest(registry, db_url, timeout=600)
            after = snapshot(db_url)
            lost += len(set(clean["urls"]) - set(after["urls"]))
            duplicated += len(after["titles"]) - len(set(after["titles"])) - (len(clean["titles"]) - len(set(clean["titles"])))
            duplicated += len(set(after["urls"]) - set(clean["urls"]))
            left_running += after["running"]
            same += after["titles"] == clean["titles"] and after["urls"] == clean["urls"]
            print(f"    kill -9 at {moment:.2f} s: {'same items' if after['titles'] == clean['titles'] else 'DIFFERENT'}", flush=True)
    table.add(f"kill -9 at {kills} random moments, then harvest again",
              f"{same}/{kills} the same {len(clean['titles'])} items as a clean run; {lost} lost, {duplicated} duplicated, "
              f"{left_running} runs left running", same == kills and not lost and not duplicated and not left_running,
              f"demo federation, SQLite; moments {min(moments):.1f}-{max(moments):.1f} s of a {clean_seconds:.1f} s harvest")


# -- 5. the portal under load while harvests store -------------------------------------------
LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  paths = {}; n = 0; s5 = 0; s4 = 0
  for line in io.lines(args[1]) do n = n + 1; paths[n] = line end
end
request = function() return wrk.format("GET", paths[math.random(n)]) end
response = function(status, headers, body)
  if status >= 500 then s5 = s5 + 1 elseif status >= 400 then s4 = s4 + 1 end
end
done = function(summary, latency, requests)
  local t5, t4 = 0, 0
  for _, t in ipairs(threads) do t5 = t5 + t:get("s5"); t4 = t4 + t:get("s4") end
  local out = io.open(os.getenv("WRK_REPORT"), "w")
  out:write(string.format('{"requests": %d, "s5xx": %d, "s4xx": %d, "errors": %d, "p95_us": %d}', summary.requests, t5, t4,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, latency:percentile(95)))
  out:close()
end
"""


def portal_paths(db_url: str) -> list[str]:
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        ids = list(s.scalars(select(Item.id).where(Item.status == "published").limit(300)))
        columns = [c for (c,) in s.execute(text("SELECT id FROM columns"))]
        units = [u for (u,) in s.execute(text("SELECT id FROM units"))]
    engine.dispose()
    paths = ["/", "/search?q=%E9%80%9A%E7%9F%A5", "/search?q=%E5%B7%A5%E4%BD%9C", "/feeds/all.atom", "/sitemap.xml"]
    paths += [f"/columns/{c}" for c in columns] + [f"/units/{u}" for u in units] + [f"/items/{i}" for i in ids]
    return paths


def under_load(table: Table, workdir: Path, dialect: str, seconds: int) -> None:
    import portal as portal_bench  # bench/portal.py: gunicorn as it serves the portal

    pg = None
    if dialect == "postgresql":
        schema = f"zq_proof_{uuid.uuid4().hex[:10]}"
        pg = create_engine(PG_SERVER)
        with pg.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        db_url = f"{PG_SERVER}{'&' if '?' in PG_SERVER else '?'}options=-csearch_path%3D{schema}"
    else:
        db_url = f"sqlite:///{workdir / 'load.db'}"
    fed = Federation()
    server = gunicorn = None
    try:
        with serve(fed, base_port=0) as sites:
            registry = workdir / f"load-{dialect}.yaml"
            registry.write_text(registry_yaml(sites.urls), encoding="utf-8")
            launcher.run_harvest(registry, db_url, timeout=600)
            portal_bench.prepare_app(db_url)
            port = portal_bench.free_port()
            gunicorn = portal_bench.start_gunicorn(db_url, port, workdir, page_cache=True)
            paths = portal_paths(db_url)
            stop = threading.Event()
            harvests = {"runs": 0, "new": 0}

            def keep_harvesting() -> None:
                while not stop.is_set():
                    for _ in range(10):
                        fed.publish()
                    out = launcher.run_harvest(registry, db_url, timeout=600)
                    try:
                        harvests["new"] += json.loads(out.stdout)["totals"]["new"]
                    except (ValueError, KeyError):
                        pass
                    harvests["runs"] += 1

            worker = threading.Thread(target=keep_harvesting, daemon=True)
            worker.start()
            script, listing, report = workdir / "load.lua", workdir / "load.paths", workdir / f"load-{dialect}.json"
            script.write_text(LUA)
            listing.write_text("\n".join(paths) + "\n", encoding="utf-8")
            subprocess.run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "10s", "-s", str(script),
                            f"http://127.0.0.1:{port}", "--", str(listing)],
                           check=True, capture_output=True, env=dict(os.environ, WRK_REPORT=str(report)))
            stop.set()
            worker.join(timeout=600)
            raw = json.loads(report.read_text())
        name = "SQLite" if dialect == "sqlite" else "PostgreSQL"
        table.add(f"portal under wrk -c16 while harvests store, {name}",
                  f"{raw['requests']:,} requests, {raw['s5xx']} 5xx, {raw['errors']} socket errors, p95 {raw['p95_us'] / 1000:.0f} ms; "
                  f"{harvests['runs']} harvests stored {harvests['new']} new items meanwhile",
                  raw["s5xx"] == 0 and raw["errors"] == 0 and harvests["new"] > 0,
                  f"gunicorn -w 2, wrk -t2 -c16 -d{seconds}s over {len(paths)} portal URLs")
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        if pg is not None:
            with pg.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            pg.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--wrk-seconds", type=int, default=30)
    parser.add_argument("--no-pg", action="store_true", help="skip the PostgreSQL load run")
    parser.add_argument("--skip-suite", action="store_true", help="skip pytest tests/security")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    table = Table()
    workdir = Path(tempfile.mkdtemp(prefix="zq-proof-"))
    try:
        print("security suite (pytest tests/security) …", flush=True)
        if not args.skip_suite:
            security_suite(table, workdir)
        print("100,000-link list …", flush=True)
        hundred_k(table, workdir)
        print("SIGTERM while downloads hang …", flush=True)
        hung(table, workdir)
        print(f"kill -9 at {args.kills} random moments …", flush=True)
        kill9(table, workdir, args.kills, args.seed)
        for dialect in ("sqlite",) + (() if args.no_pg else ("postgresql",)):
            print(f"portal under load during harvests ({dialect}) …", flush=True)
            under_load(table, workdir, dialect, args.wrk_seconds)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    failed = sum(not r["ok"] for r in table.rows)
    if args.json:
        print(json.dumps({"rows": table.rows, "failed": failed}, ensure_ascii=False, indent=2))
    else:
        print()
        print(table.markdown())
        print(f"\n{len(table.rows)} rows, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
