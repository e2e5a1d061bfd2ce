"""One node job: the harvest of the sources a dispatcher asked for.

Arguments (Scrapyd spider arguments): ``source`` (ids, comma-separated),
``node`` (the node's address as the dispatcher knows it), ``workers``
(extraction processes), and Scrapyd's own ``_job``.  The database and the
registry are the node's: ``ZHANQUN_DATABASE_URL`` and ``ZHANQUN_REGISTRY``.
Each run records the node and the job (``harvest_runs.node``/``node_job``), so
the dispatcher finds its runs, and a job lost with its node can be aborted.
"""
from __future__ import annotations

import os
import sys

from harvester.registry import RegistryError, load_registry

DEFAULT_WORKERS = 2


def run_job(args: dict[str, str]) -> int:
    """Exit code: 0 every run closed ok/partial, 1 some failed or aborted, 2 refused."""
    db_url = os.environ.get("ZHANQUN_DATABASE_URL", "")
    registry_path = os.environ.get("ZHANQUN_REGISTRY", "registry.yaml")
    source_ids = [s for s in args.get("source", "").split(",") if s]
    if not source_ids:
        print("node job refused: no source (-a source=ID)", file=sys.stderr)
        return 2
    if not db_url.startswith("postgresql"):
        print("node job refused: ZHANQUN_DATABASE_URL must name the shared PostgreSQL database", file=sys.stderr)
        return 2
    try:
        workers = int(args.get("workers", DEFAULT_WORKERS))
        registry = load_registry(registry_path)
    except ValueError:
        print(f"node job refused: workers must be a number, not {args.get('workers')!r}", file=sys.stderr)
        return 2
    except RegistryError as exc:
        print("\n".join(str(p) for p in exc.problems), file=sys.stderr)
        return 2
    os.environ["ZHANQUN_NODE"] = args.get("node", "")
    os.environ["ZHANQUN_NODE_JOB"] = args.get("_job", "")

    from harvester.crawl import harvest

    try:
        tallies = harvest(registry, db_url, source_ids, workers=workers)
    except (KeyError, RuntimeError) as exc:
        print(f"node job refused: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return 2
    for t in tallies:  # one plain line per run for the node's log (the run itself is in the database)
        print(f"{t.source_id}: {t.status}, {t.fetched} fetched, {t.new} new, {t.updated} updated, {t.errors} errors")
    return 1 if any(t.status in ("failed", "aborted") for t in tallies) else 0
