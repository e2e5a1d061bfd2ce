"""Harvest throughput through harvest nodes: ``bench/harvest.py --nodes N``.

Measures, in one run, on the synthetic federation of bench/sites.py (one
source per loopback host) and a fresh PostgreSQL database per measurement:

  local    ``zhanqun harvest`` in one process (every source in one reactor);
  1 node   ``zhanqun harvest --nodes`` with one ``zhanqun node`` (Scrapyd);
  N nodes  the same with N nodes on this machine.

Each node takes ``--node-jobs`` jobs at once (one source each).  Node start-up
is outside the timing; each job's own start (a Python process, Scrapy, the
migration check) is inside it, as it is in production.  On a 2-core machine N
nodes share the same 2 cores: no speed-up is expected, and the report says so.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sites  # noqa: E402 - bench/ is on sys.path (bench/harvest.py)
from harvest import ROOT, Run, _kill, measured  # noqa: E402

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def fresh_database(server_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, name: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def start_nodes(count: int, jobs: int, db_url: str, registry: Path, workdir: Path) -> list[tuple[str, subprocess.Popen]]:
    import socket

    nodes = []
    env = {**os.environ, "ZHANQUN_DATABASE_URL": db_url, "ZHANQUN_REGISTRY": str(registry)}
    for _ in range(count):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(workdir / f"node-{port}.log", "wb")
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "node", "--port", str(port), "--jobs", str(jobs),
                                 "--dir", str(workdir / f"node-{port}")], cwd=ROOT, env=env, stdout=log, stderr=log,
                                start_new_session=True)
        nodes.append((f"http://127.0.0.1:{port}", proc))
    for url, proc in nodes:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/daemonstatus.json", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"node {url} did not start (see {workdir})") from None
                time.sleep(0.3)
    return nodes


def stop_nodes(nodes) -> None:
    for _, proc in nodes:
        _kill(proc)


def run_once(kind: str, nodes_count: int, args, registry: Path, workdir: Path, n: int) -> Run:
    name = f"zq_bench_nodes_{os.getpid()}_{n}"
    db_url = fresh_database(args.pg_url, name)
    nodes = start_nodes(nodes_count, args.node_jobs, db_url, registry, workdir) if nodes_count else []
    try:
        cmd = [sys.executable, "-m", "cli.main", "harvest", "--registry", str(registry), "--json",
               "--workers", str(args.workers)]
        if nodes:
            cmd += ["--nodes", ",".join(url for url, _ in nodes)]
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("ZHANQUN_")}, "ZHANQUN_DATABASE_URL": db_url}
        seconds, rss, code, out, err = measured(cmd, workdir, args.timeout, env)
        try:
            result = json.loads(out[out.index("{"):])
        except ValueError:
            raise RuntimeError(f"{kind} harvest failed (exit {code}): {err[-2000:]}") from None
        totals = result["totals"]
        detail = {"totals": totals, "nodes": result.get("nodes", [])}
        return Run(kind, seconds, totals["fetched"] + totals["errors"], rss, code, detail)
    finally:
        stop_nodes(nodes)
        drop_database(args.pg_url, name)


def benchmark_nodes(args, workdir: Path, say) -> dict:
    federation = sites.build_federation(args.hosts, args.pages_per_host)
    say(f"generated {federation.detail_pages} detail pages on {args.hosts} hosts (one source each)")
    server, how = sites.serve(federation, workdir, args.server)
    runs: list[Run] = []
    try:
        registry = sites.write_registry(federation, workdir / "registry.yaml",
                                        per_host_concurrency=args.per_host_concurrency, per_host_delay=args.per_host_delay)
        plan = [("local", 0), ("1 node", 1), (f"{args.nodes} nodes", args.nodes)] * args.repeat
        for i, (kind, count) in enumerate(plan):
            run = run_once(kind, count, args, registry, workdir, i)
            runs.append(run)
            say(f"  {kind:9s} {run.seconds:7.2f} s  {run.pages:5d} pages  {run.pages_per_second:7.1f} pages/s"
                + ("" if run.exit_code == 0 else f"  (exit {run.exit_code})"))
    finally:
        server.stop()
    pps = {kind: statistics.mean(r.pages_per_second for r in runs if r.kind == kind) for kind in dict.fromkeys(r.kind for r in runs)}
    one, many = pps["1 node"], pps[f"{args.nodes} nodes"]
    return {
        "hosts": args.hosts, "pages": federation.detail_pages, "cpus": os.cpu_count(), "server": server.kind,
        "node_jobs": args.node_jobs, "workers": args.workers,
        "runs": [{"kind": r.kind, "seconds": round(r.seconds, 2), "pages": r.pages,
                  "pages_per_second": round(r.pages_per_second, 1), "exit_code": r.exit_code,
                  "nodes": r.detail.get("nodes")} for r in runs],
        "pages_per_second": {k: round(v, 1) for k, v in pps.items()},
        "speedup": round(many / one, 3) if one else None,
        "all_fetched": all(r.pages == federation.detail_pages for r in runs),
    }


def report_nodes(s: dict) -> str:
    lines = ["", "Zhanqun harvest through harvest nodes (Scrapyd)",
             f"  federation  {s['hosts']} hosts, {s['pages']} detail pages; {s['cpus']} CPUs; server {s['server']}; "
             f"{s['node_jobs']} job(s) per node; --workers {s['workers']}",
             f"  {'run':12s}{'wall s':>9s}{'pages':>8s}{'pages/s':>10s}  jobs per node"]
    for r in s["runs"]:
        jobs = ", ".join(str(n["jobs"]) for n in (r["nodes"] or [])) or "-"
        lines.append(f"  {r['kind']:12s}{r['seconds']:9.2f}{r['pages']:8d}{r['pages_per_second']:10.1f}  {jobs}")
    lines.append("  mean pages/s  " + ", ".join(f"{k} {v}" for k, v in s["pages_per_second"].items()))
    lines.append(f"  N nodes / 1 node: {s['speedup']}   every page fetched in every run: {s['all_fetched']}")
    if (s["cpus"] or 1) <= 2:
        lines.append("  note: all nodes share this machine's cores; on 2 cores no speed-up is expected.")
    return "\n".join(lines)
