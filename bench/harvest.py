"""Harvest throughput benchmark: ``zhanqun harvest`` against bare Scrapy.

    .venv/bin/python bench/harvest.py                 # readable report
    .venv/bin/python bench/harvest.py --json          # machine-readable
    .venv/bin/python bench/harvest.py --hosts 4 --pages-per-host 100 --keep
    .venv/bin/python bench/harvest.py --nodes 2       # local vs 1 vs 2 harvest nodes (bench/harvest_nodes.py)

Generates a synthetic federation (bench/sites.py: 10 loopback hosts
127.0.0.1 … 127.0.0.10 × 200 detail pages + paged column lists), serves it
with nginx when it is installed (else one Python ThreadingHTTPServer per host),
writes a registry for it, and measures in the same run, each in its own process:

  bare     a minimal Scrapy spider per host, in one CrawlerProcess like the
           harvester, with the harvester's own Scrapy settings (minus its
           middleware and pipeline): list pages → 下一页 → every detail page,
           doing nothing with them;
  zhanqun  ``zhanqun harvest --registry REG --db sqlite:///TMP/bench.db --json``:
           fetch, extract, dedupe, store.

Order: bare, zhanqun, bare (× --repeat); bare throughput is the mean of its
runs.  Peak RSS is the largest sum of VmRSS over the process tree (extraction
workers and the forkserver included), sampled every 50 ms.  Targets:
zhanqun/bare pages/s ≥ 0.75 and zhanqun peak RSS ≤ 400 MB.  Exits 0 either way.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sites  # noqa: E402

TARGET_RATIO = 0.75
TARGET_RSS_MB = 400.0
TARGET_INCREMENTAL_TIME = 0.05  # re-harvest of the unchanged farm, as a share of the cold harvest
TARGET_INCREMENTAL_SECONDS = 1.0  # … and at most this long for the 10-source farm
SAMPLE_SECONDS = 0.05

BARE_SPIDER = r'''
"""Bare Scrapy: the same list pages, the same links, every detail page fetched and dropped."""
import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess

settings = json.load(open(sys.argv[1], encoding="utf-8"))
urls = json.load(open(sys.argv[2], encoding="utf-8"))


class Bare(scrapy.Spider):
    name = "bare"

    def __init__(self, url, **kwargs):
        super().__init__(**kwargs)
        self.url = url
        self.details = self.lists = self.errors = 0

    async def start(self):
        yield scrapy.Request(self.url, callback=self.parse_list, errback=self.failed)

    def parse_list(self, response):
        self.lists += 1
        for href in response.css("ul.list li a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_detail, errback=self.failed)
        nxt = response.xpath('//a[normalize-space(.)="下一页"]/@href').get()
        if nxt:
            yield response.follow(nxt, callback=self.parse_list, errback=self.failed)

    def parse_detail(self, response):
        self.details += 1

    def failed(self, failure):
        self.errors += 1


process = CrawlerProcess(settings)
crawlers = []
for url in urls:
    crawler = process.create_crawler(Bare)
    crawlers.append(crawler)
    process.crawl(crawler, url=url)
process.start()
spiders = [c.spider for c in crawlers]
print(json.dumps({
    "details": sum(s.details for s in spiders),
    "lists": sum(s.lists for s in spiders),
    "errors": sum(s.errors for s in spiders),
}))
'''


# --- measuring ----------------------------------------------------------------
def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            ppid = int(stat.rsplit(b")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def tree_rss_kb(root: int) -> int:
    """Sum of VmRSS of ``root`` and all its descendants."""
    children = _children_map()
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kb(pid)
        stack.extend(children.get(pid, ()))
    return total


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_and_start(pid: int) -> tuple[float, int, str] | None:
    """(user+system CPU seconds, start time in ticks, command line) of ``pid``."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except (OSError, IndexError):
        return None
    # fields[0] is field 3 of proc(5): utime is field 14, stime 15, starttime 22
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS, int(fields[19]), cmdline


def tree_pids(root: int) -> list[int]:
    children = _children_map()
    out, stack, seen = [], [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


class RssSampler(threading.Thread):
    """Peak RSS of the process tree, and the CPU time of each process in it (last
    sample before it exits; up to one interval of a short-lived child is missed)."""

    def __init__(self, pid: int):
        super().__init__(daemon=True, name=f"rss-{pid}")
        self.pid = pid
        self.peak_kb = 0
        self.samples = 0
        self.cpu: dict[int, tuple[float, int, str]] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            pids = tree_pids(self.pid)
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(p) for p in pids))
            for pid in pids:
                seen = _cpu_and_start(pid)
                if seen is not None:
                    before = self.cpu.get(pid)
                    if before is not None and not seen[2]:  # exiting: its command line is gone
                        seen = (seen[0], seen[1], before[2])
                    self.cpu[pid] = seen
            self.samples += 1
            self._halt.wait(SAMPLE_SECONDS)

    def cpu_by_role(self) -> dict[str, float]:
        """CPU seconds by role: the root process (crawling), the harvest's writer
        (its first child: spawned, or forked with the root's command line), the
        extraction workers (the later spawned ones), other."""
        roles: dict[str, float] = {}
        root_cmd = self.cpu.get(self.pid, (0, 0, None))[2]
        children = sorted((start, pid) for pid, (_, start, cmd) in self.cpu.items()
                          if pid != self.pid and ("spawn_main" in cmd or (root_cmd and cmd == root_cmd)))
        writer = children[0][1] if children else None
        for pid, (seconds, _, cmd) in self.cpu.items():
            if pid == self.pid:
                role = "crawl"
            elif pid == writer:
                role = "store"
            elif "spawn_main" in cmd:
                role = "extract"
            else:
                role = "other"
            roles[role] = roles.get(role, 0.0) + seconds
        return {k: round(v, 2) for k, v in roles.items()}

    def stop(self) -> None:
        self._halt.set()
        self.join()


@dataclass
class Run:
    kind: str
    seconds: float
    pages: int
    peak_rss_mb: float
    exit_code: int
    detail: dict = field(default_factory=dict)
    cpu: dict = field(default_factory=dict)  # CPU seconds by role (crawl, extract, store, other)

    @property
    def pages_per_second(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


RUNNING: list[subprocess.Popen] = []


LAST_CPU: dict[str, float] = {}


def measured(cmd: list[str], workdir: Path, timeout: float, env: dict | None = None) -> tuple[float, float, int, str, str]:
    """Run ``cmd``; return (wall seconds, peak tree RSS MB, exit code, stdout, stderr).
    The CPU seconds by role of that run are left in ``LAST_CPU``."""
    out_path, err_path = workdir / "child.out", workdir / "child.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                env=env, start_new_session=True)
        RUNNING.append(proc)
        sampler = RssSampler(proc.pid)
        sampler.start()
        try:
            code = proc.wait(timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            code = -9
        seconds = time.perf_counter() - start
        sampler.stop()
        RUNNING.remove(proc)
    LAST_CPU.clear()
    LAST_CPU.update(sampler.cpu_by_role())
    return (seconds, sampler.peak_kb / 1024, code,
            out_path.read_text(encoding="utf-8", errors="replace"), err_path.read_text(encoding="utf-8", errors="replace"))


def _kill(proc: subprocess.Popen) -> None:
    """End a child we started, with the process group it leads (its workers)."""
    if proc.poll() is None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                return
            try:
                proc.wait(5)
                return
            except subprocess.TimeoutExpired:
                continue


def run_bare(workdir: Path, settings_path: Path, urls_path: Path, timeout: float) -> Run:
    script = workdir / "bare_spider.py"
    seconds, rss, code, out, err = measured([sys.executable, str(script), str(settings_path), str(urls_path)], workdir, timeout)
    try:
        result = json.loads(out.strip().splitlines()[-1])
    except (IndexError, ValueError):
        raise RuntimeError(f"bare Scrapy run failed (exit {code}): {err[-2000:]}") from None
    return Run("bare", seconds, result["details"], rss, code, result, dict(LAST_CPU))


def zhanqun_args(registry: Path, db: Path, workers: int | None) -> list[str]:
    args = ["harvest", "--registry", str(registry), "--db", f"sqlite:///{db}", "--json"]
    return args + (["--workers", str(workers)] if workers is not None else [])


def run_zhanqun(workdir: Path, registry: Path, n: int, timeout: float, workers: int | None, kind: str = "zhanqun") -> Run:
    db = workdir / f"bench-{n}.db"
    exe = Path(sys.executable).parent / "zhanqun"
    cmd = [str(exe) if exe.exists() else str(ROOT / ".venv" / "bin" / "zhanqun"), *zhanqun_args(registry, db, workers)]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHANQUN_")}
    seconds, rss, code, out, err = measured(cmd, workdir, timeout, env)
    return zhanqun_run(kind, db, seconds, rss, code, out, err)


def run_warm(launcher, registry: Path, n: int, workers: int | None) -> Run:
    """The same command forked from the scheduler's warm parent (harvester/forkserver.py),
    timed from the request to the harvest's exit, as the scheduler starts harvests."""
    db = WORKDIR[0] / f"bench-{n}.db"
    start = time.perf_counter()
    child = launcher.run(zhanqun_args(registry, db, workers), cwd=ROOT)
    sampler = RssSampler(child.pid)
    sampler.start()
    out, err = child.communicate()
    seconds = time.perf_counter() - start
    sampler.stop()
    LAST_CPU.clear()
    LAST_CPU.update(sampler.cpu_by_role())
    return zhanqun_run("warm", db, seconds, sampler.peak_kb / 1024, child.returncode, out, err)


WORKDIR: list[Path] = []


def zhanqun_run(kind: str, db: Path, seconds: float, rss: float, code: int, out: str, err: str) -> Run:
    try:
        result = json.loads(out[out.index("{"):])
    except ValueError:
        raise RuntimeError(f"zhanqun harvest failed (exit {code}): {err[-2000:]}") from None
    totals = result["totals"]
    requests: dict[str, int] = {}
    for source in result.get("sources", []):
        for key, count in (source.get("requests") or {}).items():
            requests[key] = requests.get(key, 0) + count
    detail = {"totals": totals, "db": str(db), "requests": requests}
    try:
        with sqlite3.connect(db) as conn:
            detail["items"] = conn.execute("SELECT count(*) FROM items").fetchone()[0]
            detail["item_sources"] = conn.execute("SELECT count(*) FROM item_sources").fetchone()[0]
    except sqlite3.Error as exc:
        detail["db_error"] = str(exc)
    messages = [m for s in result.get("sources", []) for m in s.get("messages", [])]
    if err.strip():
        detail["stderr_tail"] = err.strip()[-600:]
    if messages:
        detail["messages"] = messages[:5]
    detail["templates"] = result.get("templates")
    return Run(kind, seconds, totals["fetched"] + totals["errors"], rss, code, detail, dict(LAST_CPU))


# --- the benchmark ------------------------------------------------------------
def bare_settings(registry_path: Path) -> dict:
    """The harvester's Scrapy settings, without its middleware and pipeline, and
    with its per-host politeness (registry ``harvest.per_host``, enforced in the
    harvester by a process-wide gate) expressed as Scrapy's per-domain limits."""
    from harvester.crawl import scrapy_settings
    from harvester.registry import load_registry

    registry = load_registry(registry_path)
    settings = dict(scrapy_settings(registry))
    settings.pop("DOWNLOADER_MIDDLEWARES", None)
    settings.pop("ITEM_PIPELINES", None)
    settings["LOG_LEVEL"] = "ERROR"
    policy = getattr(getattr(registry, "harvest", None), "per_host", None)
    if policy is not None:
        per_domain = settings.get("CONCURRENT_REQUESTS_PER_DOMAIN", 8)
        settings["CONCURRENT_REQUESTS_PER_DOMAIN"] = min(per_domain, policy.concurrency) if per_domain else policy.concurrency
        settings["DOWNLOAD_DELAY"] = max(settings.get("DOWNLOAD_DELAY", 0) or 0, policy.delay)
        settings["RANDOMIZE_DOWNLOAD_DELAY"] = False
    return settings


def benchmark(args: argparse.Namespace, workdir: Path, say) -> dict:
    t0 = time.perf_counter()
    federation = sites.build_federation(args.hosts, args.pages_per_host)
    say(f"generated {federation.detail_pages} detail + {federation.list_pages} list pages on {args.hosts} hosts "
        f"({federation.total_bytes / 1e6:.1f} MB) in {time.perf_counter() - t0:.1f} s")
    server, how = sites.serve(federation, workdir, args.server)
    try:
        say(f"serving with {server.kind} ({how}) on 127.0.0.1–127.0.0.{args.hosts}:{federation.port}")
        registry = sites.write_registry(federation, workdir / "registry.yaml",
                                        per_host_concurrency=args.per_host_concurrency, per_host_delay=args.per_host_delay)
        settings = bare_settings(registry)
        say(f"per host: {settings['CONCURRENT_REQUESTS_PER_DOMAIN']} requests in flight, {settings['DOWNLOAD_DELAY']} s delay; "
            f"per crawler: {settings['CONCURRENT_REQUESTS']} requests")
        settings_path = workdir / "bare_settings.json"
        settings_path.write_text(json.dumps(settings, ensure_ascii=False), encoding="utf-8")
        urls_path = workdir / "bare_urls.json"
        urls_path.write_text(json.dumps([federation.list_url(h) for h in federation.hosts]), encoding="utf-8")
        (workdir / "bare_spider.py").write_text(BARE_SPIDER, encoding="utf-8")

        runs: list[Run] = []
        WORKDIR[:] = [workdir]
        from harvester.forkserver import WarmLauncher

        launcher = WarmLauncher()
        bench_dir = str(ROOT / "bench")  # bench/supervision.py must not shadow the package in the fork server
        sys.path[:] = [p for p in sys.path if p != bench_dir]
        try:
            launcher.start()  # imports in its own process while the first runs go
        finally:
            sys.path.insert(1, bench_dir)

        def record(run: Run) -> None:
            runs.append(run)
            say(f"  {run.kind:8s} {run.seconds:7.2f} s  {run.pages:5d} pages  {run.pages_per_second:7.1f} pages/s  "
                f"peak RSS {run.peak_rss_mb:6.1f} MB" + ("" if run.exit_code == 0 else f"  (exit {run.exit_code})"))

        record(run_bare(workdir, settings_path, urls_path, args.timeout))
        for n in range(1, args.repeat + 1):
            record(run_zhanqun(workdir, registry, n, args.timeout, args.workers))
            if n == 1:
                # The incremental case: the same database, the farm unchanged.
                again = run_zhanqun(workdir, registry, n, args.timeout, args.workers, kind="incremental")
                runs.append(again)
                say(f"  incremental {again.seconds:6.2f} s  requests {again.detail.get('requests')}")
                # ... and as the scheduler starts it: forked from the warm parent
                try:
                    warm = run_warm(launcher, registry, n, args.workers)
                except RuntimeError as exc:
                    say(f"  warm again  failed: {exc}")
                else:
                    runs.append(warm)
                    say(f"  warm again  {warm.seconds:6.2f} s  requests {warm.detail.get('requests')}")
            record(run_bare(workdir, settings_path, urls_path, args.timeout))
    finally:
        server.stop()
    return summarise(args, federation, server.kind, how, runs, settings)


def summarise(args, federation, server_kind: str, how: str, runs: list[Run], settings: dict) -> dict:
    bare = [r for r in runs if r.kind == "bare"]
    zq = [r for r in runs if r.kind == "zhanqun"]
    inc = next((r for r in runs if r.kind == "incremental"), None)
    bare_pps = statistics.mean(r.pages_per_second for r in bare)
    zq_pps = statistics.mean(r.pages_per_second for r in zq)
    ratio = zq_pps / bare_pps if bare_pps else 0.0
    zq_rss = max(r.peak_rss_mb for r in zq)
    bare_rss = max(r.peak_rss_mb for r in bare)
    expected = federation.detail_pages
    last = zq[-1].detail.get("totals", {})
    incremental = None
    if inc is not None:
        requests = inc.detail.get("requests", {})
        incremental = {
            "seconds": round(inc.seconds, 2),
            "cold_seconds": round(zq[0].seconds, 2),
            "time_ratio": round(inc.seconds / zq[0].seconds, 3) if zq[0].seconds else None,
            "requests": requests,
            "detail_requests": requests.get("detail", 0),
            "new": inc.detail.get("totals", {}).get("new"),
        }
        warm = next((r for r in runs if r.kind == "warm"), None)
        if warm is not None:
            incremental["warm_seconds"] = round(warm.seconds, 2)
            incremental["warm_time_ratio"] = round(warm.seconds / zq[0].seconds, 3) if zq[0].seconds else None
            incremental["warm_detail_requests"] = warm.detail.get("requests", {}).get("detail", 0)
        incremental["pass"] = incremental["detail_requests"] == 0 and (incremental["time_ratio"] or 1) <= TARGET_INCREMENTAL_TIME
        incremental["warm_pass"] = bool(warm) and incremental["warm_detail_requests"] == 0 and (
            (incremental["warm_time_ratio"] or 1) <= TARGET_INCREMENTAL_TIME and warm.seconds <= TARGET_INCREMENTAL_SECONDS)
    checks = {
        "bare_fetched_all": all(r.pages == expected for r in bare),
        "zhanqun_fetched_all": all(r.pages == expected for r in zq),
        "zhanqun_new_matches": all(abs(r.detail.get("totals", {}).get("new", 0) - expected) <= 0.01 * expected for r in zq),
        "zhanqun_no_merges": all(r.detail.get("items", expected) == expected for r in zq),
    }
    return {
        "hosts": len(federation.hosts),
        "pages": expected,
        "list_pages": federation.list_pages,
        "bytes": federation.total_bytes,
        "port": federation.port,
        "server": server_kind,
        "server_note": how,
        "cpus": os.cpu_count(),
        "per_host_concurrency": settings["CONCURRENT_REQUESTS_PER_DOMAIN"],
        "per_host_delay": settings["DOWNLOAD_DELAY"],
        "concurrent_requests": settings["CONCURRENT_REQUESTS"],
        "runs": [{**asdict(r), "pages_per_second": round(r.pages_per_second, 1)} for r in runs],
        "bare_pages_per_second": round(bare_pps, 1),
        "zhanqun_pages_per_second": round(zq_pps, 1),
        "ratio": round(ratio, 3),
        "bare_seconds": round(statistics.mean(r.seconds for r in bare), 2),
        "zhanqun_seconds": round(statistics.mean(r.seconds for r in zq), 2),
        "bare_peak_rss_mb": round(bare_rss, 1),
        "zhanqun_peak_rss_mb": round(zq_rss, 1),
        "zhanqun_totals": last,
        "checks": checks,
        "targets": {"ratio": TARGET_RATIO, "peak_rss_mb": TARGET_RSS_MB, "incremental_time_ratio": TARGET_INCREMENTAL_TIME,
                    "incremental_detail_requests": 0},
        "incremental": incremental,
        "ratio_pass": ratio >= TARGET_RATIO,
        "rss_pass": zq_rss <= TARGET_RSS_MB,
        "result": "PASS" if ratio >= TARGET_RATIO and zq_rss <= TARGET_RSS_MB else "FAIL",
    }


def report(s: dict) -> str:
    ok = lambda b: "PASS" if b else "FAIL"  # noqa: E731
    t = s["zhanqun_totals"]
    zq_runs = [r for r in s["runs"] if r["kind"] == "zhanqun"]
    items = zq_runs[-1]["detail"].get("items", "?")
    lines = [
        "",
        "Zhanqun harvest throughput benchmark",
        f"  federation   {s['hosts']} hosts × {s['pages'] // max(1, s['hosts'])} = {s['pages']} detail pages "
        f"(+{s['list_pages']} list pages, {s['bytes'] / 1e6:.1f} MB) on 127.0.0.1–127.0.0.{s['hosts']}:{s['port']}",
        f"  server       {s['server']} ({s['server_note']}); {s['cpus']} CPUs",
        f"  politeness   {s['per_host_concurrency']} requests in flight per host, {s['per_host_delay']} s delay "
        f"(registry harvest.per_host; bare: CONCURRENT_REQUESTS_PER_DOMAIN/DOWNLOAD_DELAY); "
        f"CONCURRENT_REQUESTS {s['concurrent_requests']} per crawler",
        f"  {'run':18s}{'wall s':>9s}{'pages':>8s}{'pages/s':>10s}{'peak RSS MB':>13s}",
    ]
    for i, r in enumerate(s["runs"], 1):
        name = {"bare": "bare Scrapy", "zhanqun": "zhanqun harvest", "warm": "again, warm"}.get(r["kind"], "zhanqun again")
        lines.append(f"  {i}. {name:15s}{r['seconds']:9.2f}{r['pages']:8d}{r['pages_per_second']:10.1f}{r['peak_rss_mb']:13.1f}"
                     + ("" if r["exit_code"] == 0 else f"  exit {r['exit_code']}"))
    lines += [
        f"  bare Scrapy (mean)     {s['bare_pages_per_second']:8.1f} pages/s   peak RSS {s['bare_peak_rss_mb']:6.1f} MB",
        f"  zhanqun harvest        {s['zhanqun_pages_per_second']:8.1f} pages/s   peak RSS {s['zhanqun_peak_rss_mb']:6.1f} MB",
        f"  zhanqun: fetched {t.get('fetched')}, new {t.get('new')}, updated {t.get('updated')}, "
        f"unchanged {t.get('unchanged')}, errors {t.get('errors')}; {items} items stored",
        "  checks       " + ", ".join(f"{k}={'ok' if v else 'NO'}" for k, v in s["checks"].items()),
        f"  ratio zhanqun/bare     {s['ratio']:.3f}   (target ≥ {TARGET_RATIO})      {ok(s['ratio_pass'])}",
        f"  zhanqun peak RSS       {s['zhanqun_peak_rss_mb']:.1f} MB (target ≤ {TARGET_RSS_MB:.0f} MB)  {ok(s['rss_pass'])}",
        f"  RESULT: {s['result']}",
    ]
    inc = s.get("incremental")
    if inc:
        lines += [
            "Incremental re-harvest of the unchanged farm (same database)",
            f"  requests by kind       {', '.join(f'{k}={v}' for k, v in sorted(inc['requests'].items()))}",
            f"  detail requests        {inc['detail_requests']}   (target 0)   {ok(inc['detail_requests'] == 0)}",
            f"  wall time              {inc['seconds']:.2f} s = {inc['time_ratio']:.3f} of the cold {inc['cold_seconds']:.2f} s "
            f"(target ≤ {TARGET_INCREMENTAL_TIME})   {ok((inc['time_ratio'] or 1) <= TARGET_INCREMENTAL_TIME)}",
            f"  new items              {inc['new']}",
        ]
        if "warm_seconds" in inc:
            lines.append(
                f"  warm (as the scheduler starts it: forked from a pre-imported parent)  {inc['warm_seconds']:.2f} s = "
                f"{inc['warm_time_ratio']:.3f} of the cold harvest, detail requests {inc['warm_detail_requests']} "
                f"(target ≤ {TARGET_INCREMENTAL_TIME} and ≤ {TARGET_INCREMENTAL_SECONDS:.0f} s)   {ok(inc['warm_pass'])}")
    lines.append("CPU per detail page, ms, by process (crawl = the Scrapy process, extract = extraction workers, "
                 "store = the writer; whole run, start-up included)")
    for i, r in enumerate(s["runs"], 1):
        cpu = r.get("cpu") or {}
        pages = max(1, r["pages"])
        name = {"bare": "bare Scrapy", "zhanqun": "zhanqun harvest", "warm": "again, warm"}.get(r["kind"], "zhanqun again")
        if r["kind"] in ("incremental", "warm"):  # no detail page: CPU seconds instead
            parts = "  ".join(f"{k} {v:.2f}" for k, v in sorted(cpu.items()))
            lines.append(f"  {i}. {name:15s} CPU seconds {sum(cpu.values()):.2f}   {parts}")
            continue
        parts = "  ".join(f"{k} {1000 * v / pages:6.2f}" for k, v in sorted(cpu.items()))
        lines.append(f"  {i}. {name:15s} total {1000 * sum(cpu.values()) / pages:6.2f}   {parts}")
    for r in zq_runs:
        tpl = r["detail"].get("templates")
        if tpl:
            lines.append(f"  templates: {tpl.get('template', 0)} pages by template, {tpl.get('full', 0)} the full way to learn, "
                         f"{tpl.get('check', 0)} the full way as checks, {tpl.get('miss', 0)} after a template miss; "
                         f"share by template {tpl.get('share', 0):.1%}")
    for r in zq_runs:
        for m in r["detail"].get("messages", []):
            lines.append(f"  note: {m}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=10, help="loopback hosts 127.0.0.1..N (default 10)")
    parser.add_argument("--pages-per-host", type=int, default=200, help="detail pages per host (default 200)")
    parser.add_argument("--repeat", type=int, default=1, help="zhanqun runs, each followed by a bare run (default 1)")
    parser.add_argument("--server", choices=("auto", "nginx", "python"), default="auto", help="HTTP server (default: nginx if on PATH)")
    parser.add_argument("--per-host-concurrency", type=int, default=8,
                        help="registry harvest.per_host.concurrency, and bare Scrapy's per-domain limit (default 8)")
    parser.add_argument("--per-host-delay", type=float, default=0.0,
                        help="registry harvest.per_host.delay in seconds, and bare Scrapy's DOWNLOAD_DELAY (default 0)")
    parser.add_argument("--workers", type=int, default=None, help="pass --workers to zhanqun harvest (default: its own)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds allowed per measured run (default 900)")
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (pages, registry, databases)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--nodes", type=int, default=0,
                        help="N ≥ 2: compare a local harvest, 1 harvest node and N nodes instead (bench/harvest_nodes.py)")
    parser.add_argument("--node-jobs", type=int, default=2, help="--nodes: jobs each node runs at once (default 2)")
    parser.add_argument("--pg-url", default=os.environ.get("ZHANQUN_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
                        help="--nodes: a PostgreSQL server URL; each run gets a fresh database there")
    args = parser.parse_args(argv)
    if args.nodes:
        return main_nodes(args)
    if args.hosts < 1 or args.pages_per_host < 1 or args.repeat < 1:
        parser.error("--hosts, --pages-per-host and --repeat must be ≥ 1")

    def on_term(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_term)
    try:
        with _workdir("zhanqun-bench-", args.keep) as workdir:
            summary = benchmark(args, workdir, _say)
    except KeyboardInterrupt:
        _say("interrupted")
        return 130
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        print(report(summary))
    return 0


def _say(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


@contextmanager
def _workdir(prefix: str, keep: bool) -> Iterator[Path]:
    """A temp dir for one benchmark; at the end its harvest processes are killed and
    the dir removed (unless ``keep``)."""
    workdir = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield workdir
    finally:
        for proc in list(RUNNING):
            _kill(proc)
        if keep:
            _say(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def main_nodes(args: argparse.Namespace) -> int:
    """``--nodes N``: throughput of a local harvest, one node and N nodes."""
    from harvest_nodes import benchmark_nodes, report_nodes

    if args.nodes < 2:
        raise SystemExit("--nodes must be ≥ 2 (it is compared with 1 node)")
    if args.workers is None:
        args.workers = 0  # node jobs extract in-process: N nodes × jobs × workers processes would swamp 2 cores

    with _workdir("zhanqun-bench-nodes-", args.keep) as workdir:
        summary = benchmark_nodes(args, workdir, _say)
    print(json.dumps(summary, ensure_ascii=False, indent=2) if args.json else report_nodes(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
