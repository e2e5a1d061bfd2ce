"""Reports benchmark: the 月度通报 for 100 units from a year of synthetic history.

    .venv/bin/python bench/reports.py [--units 100] [--sources 10] [--days 365] [--db URL] [--json]

Seeds the history of bench/supervision_checks.py (items, harvest runs, hourly probes, column
states, findings with evidence), then times, for the last full month: collecting the
data (``supervision.reports.collect.monthly``: the status at the month's end, the 12-month
合格率 trend, the findings of the month, submissions) and rendering it as HTML, DOCX,
PDF (WeasyPrint) and XLSX — median of 3, side by side in one run.  Also the yearly
assessment of the current year.  Target: collect + any one format ≤ 10 s for 100 units.
"""
from __future__ import annotations

import json
import shutil
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harvester.registry import parse_registry  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from supervision.reports import collect  # noqa: E402
from supervision.reports.render import render  # noqa: E402
from supervision.status import Scope  # noqa: E402
from supervision_checks import history_args, history_line, registry_text, seeded_history  # noqa: E402 - the same year of history (bench/)

TARGET_SECONDS = 10.0
RUNS = 3


def timed(fn, runs: int = RUNS) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return round(statistics.median(times), 3), result


def main() -> None:
    args = history_args(__doc__.splitlines()[0])
    workdir, db_url, counts, seeded = seeded_history(args, "zhanqun-bench-reports-")
    scope = Scope.of(parse_registry(registry_text(args.units, args.sources)))
    engine = make_engine(db_url)
    sessions = session_factory(engine)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date()
    last = today.replace(day=1).toordinal() - 1
    month = datetime.fromordinal(last).date()

    def monthly():
        with sessions() as session:
            return collect.monthly(session, scope, month.year, month.month, portal_name="基准门户")

    collect_s, data = timed(monthly)
    again = monthly()
    formats = {}
    for fmt in ("html", "docx", "pdf", "xlsx"):
        seconds, body = timed(lambda fmt=fmt: render(data, fmt))
        formats[fmt] = {"seconds": seconds, "bytes": len(body)}

    def yearly():
        with sessions() as session:
            return collect.yearly(session, scope, today.year, portal_name="基准门户")

    yearly_s, year = timed(yearly, 1)
    engine.dispose()
    worst = collect_s + max(f["seconds"] for f in formats.values())
    report = {"db": db_url.split(":", 1)[0], "units": args.units, "history": counts, "seed_s": seeded,
              "month": data["period"], "findings": len(data["findings"]), "failing": data["overview"]["failed"],
              "collect_s": collect_s, "formats": formats, "yearly_collect_s": yearly_s, "reproducible": again == data,
              "worst_total_s": round(worst, 3), "target_s": TARGET_SECONDS, "pass": worst <= TARGET_SECONDS}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(history_line(args, counts, seeded))
        print(f"月度通报 {data['period']}: {len(data['findings'])} findings, {data['overview']['failed']} 不合格; "
              f"collect {collect_s} s (median of {RUNS}); same data twice: {again == data}")
        for fmt, f in formats.items():
            print(f"  render {fmt}: {f['seconds']} s ({f['bytes']:,} bytes); collect + {fmt}: {round(collect_s + f['seconds'], 3)} s")
        print(f"年度考核 {today.year} (months to date): collect {yearly_s} s")
        print(f"target: collect + any format ≤ {TARGET_SECONDS} s for {args.units} units: "
              f"{'PASS' if report['pass'] else 'FAIL'} (worst {round(worst, 3)} s)")
    shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
