"""Search latency benchmark: ``storage.search.search()`` on a large portal, SQLite and PostgreSQL.

    .venv/bin/python bench/search.py                       # 200,000 items, both backends
    .venv/bin/python bench/search.py --items 20000 --backend sqlite
    .venv/bin/python bench/search.py --db /tmp/search.db --pg-schema bench_search   # keep and reuse both
    .venv/bin/python bench/search.py --json

Seeds N items (default 200,000; 95 % published) of Chinese government text
into a fresh SQLite file and, unless ``--backend sqlite``, into a fresh schema
of the PostgreSQL server (``--pg-url``, default the test server; the schema is
dropped afterwards unless named with ``--pg-schema``; VACUUM ANALYZE after
the load, as autovacuum would): 20 units, 6 columns, 发布时间 spread over six years,
titles and bodies (~1,000–1,600 characters) built from the phrase lists of
bench/sites.py, with a few themes mixed in at known rates (税 ~8 %, 医保 ~5 %,
PM2.5 ~3 %, 碳普惠 ~0.01 %).  SQLite: rows go in with Core bulk inserts, the
index is built by ``storage.search.rebuild`` (timed on its own).

Then every case runs ``--warmup`` times untimed and ``--runs`` times timed
(one session, like a web worker; 20 hits a page with titles and snippets
highlighted) and the report gives p50/p95 per backend and the matches
(``total``, ``+`` when capped).  Target: p95 ≤ 50 ms for every case, on SQLite
at 200,000 items and on PostgreSQL at 1,000,000 (``--items 1000000``).  Exits 0 either way.

On PostgreSQL the corpus is loaded with COPY and the index built in parallel
(``seed_postgresql``, the entries ``search.rebuild`` would write); a million
items take about an hour on a busy 2-core machine, so ``--copies-of SCHEMA``
fills the schema with copies of an already seeded one instead (``--items
1000000 --copies-of s200k``: five copies of 200,000, same texts and dates, new
ids: five times as many items a week, as a larger portal has).  Keep schemas in
a database of their own (``--pg-url …/zq_bench``) and reuse them with ``--pg-schema``.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after the project: bench/supervision.py must not shadow supervision/

from sqlalchemy import create_engine, insert, select, func, text  # noqa: E402

import sites  # noqa: E402
from storage import search  # noqa: E402
from storage.db import make_engine, session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.models import Item, ItemColumn, PortalColumn, Unit  # noqa: E402

TARGET_P95_MS = 50.0
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
UNITS = 20
COLUMNS = [("tzgg", "通知公告"), ("zcwj", "政策文件"), ("bmdt", "部门动态"), ("xqdt", "县区动态"),
           ("rdhy", "热点回应"), ("zxft", "在线访谈")]
YEARS = 6
PUBLISHED_SHARE = 0.95
BATCH = 5_000
# Themes mixed into bodies at known rates: (share of items, sentences).
THEMES = [
    (0.08, ["依法落实个人所得税专项附加扣除政策，切实减轻群众税负。",
            "全年累计办理增值税留抵退税{n}亿元，新增减税降费{n}亿元。",
            "税务部门开展税收宣传月活动，辅导纳税人办理个人所得税年度汇算。"]),
    (0.05, ["{year}年城乡居民医保个人缴费标准为每人每年{n}元，请参保人员按时缴纳。",
            "医保部门持续推进医保支付方式改革，异地就医直接结算更加便捷。"]),
    (0.03, ["全年PM2.5平均浓度为{n}微克/立方米，空气质量优良天数比例达{n}%。"]),
    (0.0001, ["探索建立碳普惠机制，鼓励市民绿色低碳出行。"]),
]


@dataclass
class Case:
    name: str
    q: str
    kwargs: dict


def cases(today: date) -> list[Case]:
    month_ago = today - timedelta(days=30)
    return [
        Case("common 2-char 通知", "通知", {}),
        Case("very common 2-char 工作", "工作", {}),
        Case("rare 碳普惠", "碳普惠", {}),
        Case("1-char 税", "税", {}),
        Case("two words 2026 医保", "2026 医保", {}),
        Case("phrase 城乡居民医保", "城乡居民医保", {}),
        Case("mixed PM2.5", "PM2.5", {}),
        Case("通知, newest", "通知", {"sort": "newest"}),
        Case("通知, page 5", "通知", {"page": 5}),
        Case("工作, unit + column", "工作", {"unit": "unit07", "column": "zcwj"}),
        Case("通知, unit, newest", "通知", {"unit": "unit03", "sort": "newest"}),
        Case("工作, last 30 days", "工作", {"date_from": month_ago, "date_to": today}),
        Case("税, 2024, column, newest", "税", {"date_from": date(today.year - 2, 1, 1),
                                               "date_to": date(today.year - 2, 12, 31),
                                               "column": "tzgg", "sort": "newest"}),
    ]


# -- seeding ---------------------------------------------------------------------------
class Corpus:
    """Titles and bodies per unit, from pools of filled-in sentences (fast to draw from)."""

    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.vocab = [sites.HostVocabulary(i + 1, sites.COUNTIES[i % len(sites.COUNTIES)]) for i in range(UNITS)]
        when = date(2025, 6, 1)
        self.leads = [[sites._fill(self.rng.choice(sites.LEADS), v, self.rng, when) for _ in range(60)] for v in self.vocab]
        self.paragraphs = [
            ["".join(sites._fill(s, v, self.rng, when) for s in self.rng.sample(sites.SENTENCES, self.rng.randint(2, 5)))
             for _ in range(400)]
            for v in self.vocab
        ]

    def title(self, unit: int, when: date) -> str:
        return sites._fill(self.rng.choice(sites.TITLE_PATTERNS), self.vocab[unit], self.rng, when)

    def body(self, unit: int, when: date) -> str:
        rng = self.rng
        parts = [rng.choice(self.leads[unit])]
        target = rng.randint(1000, 1600)
        size = len(parts[0])
        while size < target:
            parts.append(rng.choice(self.paragraphs[unit]))
            size += len(parts[-1])
        for share, sentences in THEMES:
            if rng.random() < share:
                sentence = rng.choice(sentences).format(n=rng.randint(2, 300), year=when.year)
                parts.insert(rng.randint(1, len(parts)), sentence)
        return "\n".join(parts)


def rows(n: int, today: date):
    """Item rows and their columns, in batches; ids grow with time, like a harvest
    (a tenth are older pages found late: backfill)."""
    corpus = Corpus()
    rng = random.Random(11)
    start = datetime.combine(today - timedelta(days=365 * YEARS), datetime.min.time(), tzinfo=timezone.utc)
    span = (datetime.combine(today, datetime.min.time(), tzinfo=timezone.utc) - start).total_seconds()
    now = datetime.now(timezone.utc)
    items, links = [], []
    for i in range(1, n + 1):
        share = i / n if rng.random() > 0.1 else rng.random()
        when = start + timedelta(seconds=share * span * rng.uniform(0.98, 1.0))
        unit = rng.randrange(UNITS)
        status = "published" if rng.random() < PUBLISHED_SHARE else "pending"
        items.append({
            "id": i, "title": corpus.title(unit, when.date()), "url": f"https://unit{unit:02d}.example.gov.cn/art/{i}.html",
            "unit_id": f"unit{unit:02d}", "published_at": when, "body_text": corpus.body(unit, when.date()),
            "status": status, "content_hash": uuid.uuid4().hex, "created_at": now, "updated_at": now,
        })
        for column, _ in rng.sample(COLUMNS, rng.choice((1, 1, 2))):
            links.append({"item_id": i, "column_id": column})
        if len(items) == BATCH:
            yield items, links
            items, links = [], []
    if items:
        yield items, links


def seed(url: str, n: int, today: date) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    if engine.dialect.name == "postgresql":
        try:
            return seed_postgresql(engine, n, today)
        finally:
            engine.dispose()
    timings = {}
    with session_factory(engine)() as session:
        t0 = time.perf_counter()
        session.execute(insert(Unit.__table__), [
            {"id": f"unit{u:02d}", "name": corpus_unit_name(u), "kind": "county", "homepage": f"https://unit{u:02d}.example.gov.cn/"}
            for u in range(UNITS)
        ])
        session.execute(insert(PortalColumn.__table__), [{"id": c, "name": name, "position": k} for k, (c, name) in enumerate(COLUMNS)])
        for items, links in rows(n, today):
            session.execute(insert(Item.__table__), items)
            session.execute(insert(ItemColumn.__table__), links)
        session.commit()
        timings["seed_items_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        timings["indexed"] = search.rebuild(session)
        session.commit()
        timings["index_build_s"] = round(time.perf_counter() - t0, 1)
    if engine.dialect.name == "postgresql":  # steady state, as autovacuum leaves it (visibility map set)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE items"))
            conn.execute(text("VACUUM ANALYZE item_search"))
    engine.dispose()
    return timings


def _item_defaults() -> dict:
    """Python-side defaults of Item's columns (COPY only knows the server's)."""
    out = {}
    for column in Item.__table__.columns:
        default = column.default
        if default is None or column.server_default is not None:
            continue
        out[column.name] = default.arg(None) if default.is_callable else default.arg
    return out


def _index_rows(batch: list[tuple]) -> list[tuple]:
    """Index entries of a batch of published items, exactly as ``search.rebuild``
    makes them (``documents.build``, ``postgres_index``'s parameters): run in worker processes."""
    from zoneinfo import ZoneInfo

    from harvestkit.dates import DEFAULT_TIMEZONE
    from storage.search import documents, postgres_index
    zone = ZoneInfo(DEFAULT_TIMEZONE)  # the sessions' (``storage.db.session_factory``)
    out = []
    for item_id, title, body, unit_id, published_at, columns in batch:
        params = postgres_index._params(documents.build(item_id, title, body, unit_id, published_at, columns, zone))
        out.append((params["item_id"], params["sort_key"], params["title"], params["body"], params["title_marks"],
                    params["marks"]))
    return out


def seed_postgresql(engine, n: int, today: date) -> dict:
    """The same corpus as ``seed``, loaded the fast way for a million items: COPY
    into the tables, the index entries cut by ``documents.build`` in worker
    processes, COPYed to a staging table and turned into tsvectors by two
    connections at once, the index's indexes dropped meanwhile and rebuilt after
    (a GIN index built in one pass is much faster than one grown row by row).
    The entries are those ``search.rebuild`` would write (``postgres_index`` SQL)."""
    import multiprocessing
    from storage.search import postgres_index

    timings: dict = {}
    defaults = _item_defaults()
    item_columns = [c.name for c in Item.__table__.columns if c.name in defaults or c.name in
                    ("id", "title", "url", "unit_id", "published_at", "body_text", "status", "content_hash",
                     "created_at", "updated_at")]
    jsonish = {c.name for c in Item.__table__.columns if c.type.__class__.__name__ == "JSON"}
    table = postgres_index.TABLE
    raw = engine.raw_connection()
    try:
        conn = raw.driver_connection
        cur = conn.cursor()
        t0 = time.perf_counter()
        cur.execute("INSERT INTO units (id, name, kind, homepage) SELECT * FROM unnest(%s::text[], %s::text[], %s::text[], %s::text[])",
                    ([f"unit{u:02d}" for u in range(UNITS)], [corpus_unit_name(u) for u in range(UNITS)],
                     ["county"] * UNITS, [f"https://unit{u:02d}.example.gov.cn/" for u in range(UNITS)]))
        for k, (c, name) in enumerate(COLUMNS):
            cur.execute("INSERT INTO columns (id, name, position) VALUES (%s, %s, %s)", (c, name, k))
        indexes = cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND schemaname = current_schema() "
                              "AND indexname <> %s", (table, f"pk_{table}")).fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("CREATE UNLOGGED TABLE bench_index_staging (item_id integer, sort_key bigint, title text, body text, title_marks text, marks text)")
        conn.commit()
        published, all_links = [], []
        with cur.copy(f"COPY items ({', '.join(item_columns)}) FROM STDIN") as items_copy:
            for items, links in rows(n, today):
                by_item: dict = {}
                for link in links:
                    by_item.setdefault(link["item_id"], []).append(link["column_id"])
                for item in items:
                    values = {**defaults, **item}
                    items_copy.write_row([json.dumps(values[c]) if c in jsonish else values[c] for c in item_columns])
                    if item["status"] == "published":
                        published.append((item["id"], item["title"], item["body_text"], item["unit_id"],
                                          item["published_at"], by_item.get(item["id"], [])))
                all_links.extend((link["item_id"], link["column_id"]) for link in links)
        with cur.copy("COPY item_columns (item_id, column_id) FROM STDIN") as links_copy:
            for link in all_links:
                links_copy.write_row(link)
        conn.commit()
        timings["seed_items_s"] = round(time.perf_counter() - t0, 1)
        t0 = time.perf_counter()
        batches = [published[k:k + 500] for k in range(0, len(published), 500)]
        del published
        with multiprocessing.get_context("fork").Pool(max(1, os.cpu_count() or 1)) as pool, \
                cur.copy("COPY bench_index_staging FROM STDIN") as staging:
            for entries in pool.imap(_index_rows, batches, chunksize=4):
                for entry in entries:
                    staging.write_row(entry)
        conn.commit()
        timings["indexed"] = cur.execute("SELECT count(*) FROM bench_index_staging").fetchone()[0]
    finally:
        raw.close()
    insert_sql = (f"INSERT INTO {table} (item_id, sort_key, tsv, title_tsv) SELECT item_id, sort_key, "
                  f"{postgres_index._TSV.replace(':title', 'title').replace(':body', 'body').replace(':marks', 'marks')}, "
                  f"{postgres_index._TITLE_TSV.replace(':title', 'title')} "
                  "FROM bench_index_staging WHERE item_id % 2 = ")
    _parallel(engine, [insert_sql + str(k) for k in range(2)])
    _parallel(engine, [indexdef for _, indexdef in indexes], maintenance=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP TABLE bench_index_staging"))
        # steady state, as autovacuum leaves it (visibility map set)
        conn.execute(text("VACUUM ANALYZE items"))
        conn.execute(text(f"VACUUM ANALYZE {table}"))
    timings["index_build_s"] = round(time.perf_counter() - t0, 1)
    return timings


def _migration(name: str):
    """A migration module of ``storage/migrations/versions`` (not a package: loaded from its file)."""
    import importlib.util
    path = ROOT / "storage" / "migrations" / "versions" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def replicate(engine, source: str, per_copy: int, copies: int) -> float:
    """Fill this schema's items, columns and index with ``copies`` copies of
    ``source``'s ``per_copy`` items (ids 1..per_copy): copy k has ids + k·per_copy,
    the same texts, units, columns and 发布时间; index entries are copied (with
    their sort keys; the lexemes of migrations 0025–0027, which a source built
    before them lacks, are added as those migrations add them), not recomputed.  The index's indexes are built after."""
    from storage.search import postgres_index

    table = postgres_index.TABLE
    t0 = time.perf_counter()
    names = [c.name for c in Item.__table__.columns]
    cols = ", ".join(names)
    picked = ", ".join(f"s.{c} + k * {per_copy}" if c == "id" else f"s.{c}" for c in names)
    week = "array_to_tsvector(ARRAY[format('w:%s', (s.sort_key >> 32) / 7)])"
    tsv_more, title_more = week, week
    with engine.connect() as conn:
        revision = conn.execute(text(f"SELECT version_num FROM {source}.alembic_version")).scalar_one()
    if revision < "0026":  # the source's entries lack migration 0026's lexemes: the same SQL adds them
        tsv_more += f" || {_IDEOGRAPHS.format(tsv='s.tsv')} || {_FILTERS}"
        title_more += f" || {_IDEOGRAPHS.format(tsv='s.title_tsv')}"
    if revision < "0027":  # nor migration 0027's year lexemes (the same SQL)
        year = f"array_to_tsvector(ARRAY(SELECT {_YEAR} WHERE s.{_DATED}))"
        tsv_more += f" || {year}"
        title_more += f" || {year}"
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"INSERT INTO units SELECT * FROM {source}.units ON CONFLICT DO NOTHING"))
        conn.execute(text(f"INSERT INTO columns SELECT * FROM {source}.columns ON CONFLICT DO NOTHING"))
        indexes = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = :t AND "
                                    "schemaname = current_schema() AND indexname <> :pk"),
                               {"t": table, "pk": f"pk_{table}"}).all()
        for name, _ in indexes:
            conn.execute(text(f'DROP INDEX "{name}"'))
    statements = []
    for k in range(copies):
        statements.append(
            f"INSERT INTO items ({cols}) SELECT {picked} FROM {source}.items s, (SELECT {k} AS k) c; "
            f"INSERT INTO item_columns SELECT s.item_id + {k * per_copy}, s.column_id FROM {source}.item_columns s; "
            f"INSERT INTO {table} (item_id, sort_key, tsv, title_tsv) SELECT s.item_id + {k * per_copy}, "
            f"(s.sort_key >> 32 << 32) | (s.item_id + {k * per_copy}), s.tsv || {tsv_more}, s.title_tsv || {title_more} "
            f"FROM {source}.{table} s")
    _parallel(engine, statements)
    _parallel(engine, [indexdef for _, indexdef in indexes], maintenance=True)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"SELECT setval('items_id_seq', {per_copy * copies})"))
        conn.execute(text("VACUUM ANALYZE items"))
        conn.execute(text(f"VACUUM ANALYZE {table}"))
    return round(time.perf_counter() - t0, 1)


# Migration 0027's year lexeme, for entries copied from a schema made before it.
_YEAR = _migration("0027_search_years").YEAR.replace("sort_key", "s.sort_key")
_DATED = _migration("0027_search_years").DATED
# Migration 0026's lexemes, for entries copied from a schema made before it (as that migration writes them).
_IDEOGRAPHS = ("array_to_tsvector(ARRAY(SELECT DISTINCT 'h:' || left(lexeme, 1) FROM unnest(tsvector_to_array({tsv})) "
               "AS lexeme WHERE lexeme ~ '^[\\u3007\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\U00020000-\\U0003347f]'))")
_FILTERS = "array_to_tsvector(ARRAY(SELECT lexeme FROM unnest(tsvector_to_array(s.title_tsv)) AS lexeme WHERE lexeme ~ '^[uc]:'))"


def _parallel(engine, statements: list[str], maintenance: bool = False) -> None:
    """Run statements on separate connections at once (one per core)."""
    from concurrent.futures import ThreadPoolExecutor

    def run(statement: str) -> None:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if maintenance:
                conn.execute(text("SET maintenance_work_mem = '1GB'"))
            conn.execute(text(statement))

    with ThreadPoolExecutor(max_workers=2) as workers:
        list(workers.map(run, statements))


def corpus_unit_name(u: int) -> str:
    return sites.COUNTIES[u % len(sites.COUNTIES)] + "人民政府"


def seeded_count(url: str) -> int:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(select(func.count()).select_from(Item.__table__)).scalar_one()
    except Exception:  # noqa: BLE001 - no schema yet
        return 0
    finally:
        engine.dispose()


# -- measuring -------------------------------------------------------------------------
def measure(url: str, today: date, runs: int, warmup: int) -> list[dict]:
    engine = make_engine(url)
    out = []
    with session_factory(engine)() as session:
        for case in cases(today):
            for _ in range(warmup):
                search.search(session, case.q, **case.kwargs)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                result = search.search(session, case.q, **case.kwargs)
                times.append((time.perf_counter() - t0) * 1000)
            times.sort()
            out.append({
                "case": case.name, "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(times[max(0, int(round(0.95 * len(times))) - 1)], 1),
                "total": f"{result.total}{'+' if result.total_is_capped else ''}", "hits": len(result.hits),
            })
    engine.dispose()
    return out


def pg_schema_url(server: str, schema: str) -> str:
    sep = "&" if "?" in server else "?"
    return f"{server}{sep}options=-csearch_path%3D{schema}"


def run_sqlite(args, today: date) -> dict:
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp(prefix="zhanqun-search-")) / "search.db"
    url = f"sqlite:///{path}"
    report: dict = {"backend": "sqlite", "path": str(path)}
    if path.exists() and seeded_count(url) == args.items:
        report["reused"] = True
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        report.update(seed(url, args.items, today))
    report["db_mb"] = round(sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}")) / 1e6)
    report["cases"] = measure(url, today, args.runs, args.warmup)
    if not args.keep and not args.db:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.rmdir()
    return report


def run_postgresql(args, today: date) -> dict:
    schema = args.pg_schema or f"bench_search_{uuid.uuid4().hex[:8]}"
    url = pg_schema_url(args.pg_url, schema)
    admin = create_engine(args.pg_url)
    report: dict = {"backend": "postgresql", "schema": schema}
    try:
        if args.pg_schema and seeded_count(url) == args.items:
            report["reused"] = True
        else:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            if args.copies_of:
                per_copy = seeded_count(pg_schema_url(args.pg_url, args.copies_of))
                if not per_copy or args.items % per_copy:
                    raise SystemExit(f"--copies-of {args.copies_of}: it holds {per_copy} items, not a divisor of {args.items}")
                engine = make_engine(url)
                upgrade(engine)
                report["copies_of"] = f"{args.items // per_copy} × {args.copies_of}"
                report["seed_items_s"] = 0
                report["index_build_s"] = replicate(engine, args.copies_of, per_copy, args.items // per_copy)
                engine.dispose()
            else:
                report.update(seed(url, args.items, today))
        report["cases"] = measure(url, today, args.runs, args.warmup)
        return report
    finally:
        if not args.pg_schema:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def print_table(reports: list[dict]) -> None:
    for r in reports:
        extra = "reused" if r.get("reused") else f"seed {r.get('seed_items_s')} s, index build {r.get('index_build_s')} s ({r.get('indexed')} published)"
        size = f", {r['db_mb']} MB" if "db_mb" in r else ""
        print(f"{r['backend']}: {extra}{size}")
    header = f"{'case':32}"
    for r in reports:
        header += f" {r['backend'] + ': matches':>20} {'p50':>8} {'p95':>8}"
    print(header)
    for k, case in enumerate(reports[0]["cases"]):
        line = f"{case['case']:32}"
        for r in reports:
            c = r["cases"][k]
            line += f" {c['total']:>20} {c['p50_ms']:>5.1f} ms {c['p95_ms']:>5.1f} ms"
        print(line)
    for r in reports:
        worst = max(c["p95_ms"] for c in r["cases"])
        verdict = "PASS" if worst <= TARGET_P95_MS else "FAIL"
        target = f"target p95 ≤ {TARGET_P95_MS:.0f} ms: {verdict}"
        print(f"{r['backend']}: worst p95 {worst:.1f} ms {target}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--items", type=int, default=200_000)
    ap.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    ap.add_argument("--pg-url", default=os.environ.get("ZHANQUN_TEST_PG_URL", DEFAULT_PG))
    ap.add_argument("--db", default=None, help="SQLite file to use (reused when it holds --items items)")
    ap.add_argument("--pg-schema", default=None,
                    help="PostgreSQL schema to use and keep (reused when it holds --items items); default: a temporary one")
    ap.add_argument("--copies-of", default=None, metavar="SCHEMA",
                    help="PostgreSQL: fill --pg-schema with copies of SCHEMA's corpus (same texts and dates, new ids) "
                         "instead of generating --items items: a million items in minutes rather than an hour")
    ap.add_argument("--keep", action="store_true", help="keep the temporary SQLite file")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    today = date.today()
    reports = []
    if args.backend in ("sqlite", "both"):
        reports.append(run_sqlite(args, today))
    if args.backend in ("postgresql", "both"):
        reports.append(run_postgresql(args, today))
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2, default=str))
    else:
        print_table(reports)


if __name__ == "__main__":
    main()
