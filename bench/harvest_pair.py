"""Paired harvests of two (or more) source trees on one farm: CPU per page by stage.

    .venv/bin/python bench/harvest_pair.py TREE_BEFORE TREE_AFTER [--rounds 2]   (two checkouts of the project)

Generates the farm of ``bench/harvest.py`` (10 hosts × 200 pages by default, Python
servers), serves it once, then runs ``zhanqun harvest`` (fresh database each time)
with ``PYTHONPATH`` set to each tree in turn, round after round, so that each tree's
runs sit next to the other's under the same machine load.  Prints per run: wall time,
pages, items stored, peak RSS, the load average, and CPU ms per detail page by process
(crawl, extract, store, other; start-up included), as ``bench/harvest.py`` counts them.
CPU per page by stage varies less with the machine's load than the throughput ratio;
compare runs of the same round.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import harvest as bench  # noqa: E402
import sites  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("trees", nargs="+", help="source trees (each becomes PYTHONPATH of its runs)")
    parser.add_argument("--rounds", type=int, default=2, help="runs of each tree, interleaved (default 2)")
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--pages-per-host", type=int, default=200)
    parser.add_argument("--timeout", type=float, default=900)
    args = parser.parse_args(argv)
    zhanqun = Path(sys.executable).parent / "zhanqun"
    with bench._workdir("zhanqun-pair-", keep=False) as workdir:
        federation = sites.build_federation(args.hosts, args.pages_per_host)
        server, how = sites.serve(federation, workdir, "python")
        try:
            registry = sites.write_registry(federation, workdir / "registry.yaml", per_host_concurrency=8, per_host_delay=0)
            n = 0
            for _ in range(args.rounds):
                for tree in args.trees:
                    n += 1
                    db = workdir / f"pair-{n}.db"
                    env = {k: v for k, v in os.environ.items() if not k.startswith("ZHANQUN_")}
                    env["PYTHONPATH"] = str(Path(tree).resolve())
                    cmd = [str(zhanqun), *bench.zhanqun_args(registry, db, None)]
                    seconds, rss, code, out, err = bench.measured(cmd, workdir, args.timeout, env)
                    run = bench.zhanqun_run("zhanqun", db, seconds, rss, code, out, err)
                    per_page = {k: 1000 * v / max(run.pages, 1) for k, v in sorted(run.cpu.items())}
                    load = Path("/proc/loadavg").read_text().split()[0]
                    stages = "  ".join(f"{k} {v:5.2f}" for k, v in per_page.items())
                    print(f"{tree}: wall {seconds:6.2f} s  pages {run.pages}  items {run.detail.get('items')}  "
                          f"RSS {rss:5.0f} MB  load {load}  CPU ms/page total {sum(per_page.values()):5.2f}  {stages}", flush=True)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
