"""Benchmark: partial Chinese-name search at 100,000 agencies (SPEC.md §9: p95 < 30 ms).

For each database (SQLite, PostgreSQL) it builds a scratch database with the real migration
chain (so the search indexes of ``0002_search_indexes`` exist), loads the scale demo data
set without records (``load_demo(agencies=N, records=0, scale=True)``, the code path of
``flask credit demo --agencies N --records 0``), draws fragments of 2–4 Chinese characters
from real names, and times, query by query and interleaved so both see the same machine:

* ``search``   — ``credit_service.public.services.search_agencies(q, 1, 20)``, the function
  behind ``/agencies?q=`` and ``GET /api/v1/agencies?q=`` (page of 20 ORM objects, total,
  reasons), using the index;
* ``baseline`` — the same answer without an index: one ``LIKE '%q%'`` page in name order
  over names and former names plus its ``COUNT``.

Two fragment sets: ``any`` (any 2–4 character substring of a name, so very common ones such
as "有限公司" too) and ``distinctive`` (from the name without the words nearly every name
shares, like ``bench/http.py``). Prints p50 / p95 / max per database, set and method, and
p95 per fragment length. Not a test; never asserts.

    .venv/bin/python bench/search.py                       # both databases, 100k agencies
    .venv/bin/python bench/search.py --db sqlite --agencies 20000
    .venv/bin/python bench/search.py --reuse-sqlite /tmp/s.sqlite3 \\
        --reuse-pg postgresql+psycopg://postgres@127.0.0.1:5432/bench_search   # already loaded
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, bench/ comes first on sys.path, and bench/http.py would shadow the
# standard library's ``http`` (werkzeug imports http.server): drop it, add the repository.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_P95_MS = 30.0
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
PG_SCRATCH = "bench_search"
_CJK = re.compile(r"[\u4e00-\u9fff]+")
_COMMON = ("济源示范区", "济源市", "济源", "河南", "人力资源", "服务", "有限", "公司", "劳务", "派遣",
           "职业", "介绍", "责任", "管理", "咨询", "外包", "人才", "就业", "中心")


def make_app(url: str, instance: Path):
    from config import TestingConfig
    from credit_service import create_app

    config = TestingConfig(instance)
    config.SQLALCHEMY_DATABASE_URI = url
    config.DOCUMENT_DIR = None
    os.environ.setdefault("CREDIT_INSTANCE_PATH", str(instance))
    return create_app(config)


def pg_scratch(base: str) -> str:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    admin = sa.create_engine(make_url(base), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{PG_SCRATCH}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{PG_SCRATCH}"')
    admin.dispose()
    return make_url(base).set(database=PG_SCRATCH).render_as_string(hide_password=False)


def load(app, agencies: int, seed: int) -> None:
    from flask_migrate import upgrade

    from credit_service.demo.services import load_demo
    from credit_service.extensions import db

    started = time.perf_counter()
    with app.app_context():
        upgrade()
        result = load_demo(seed=seed, agencies=agencies, records=0, scale=True, regrade=False)
        db.session.remove()
    print(f"  loaded {result.counts.get('agencies', 0):,} agencies, "
          f"{result.counts.get('agency_former_names', 0):,} former names in "
          f"{time.perf_counter() - started:.1f} s")


def fragments(names: list[str], n: int, rng: random.Random, distinctive: bool) -> list[str]:
    out: list[str] = []
    while len(out) < n:
        name = rng.choice(names)
        if distinctive:
            for word in _COMMON:
                name = name.replace(word, "|")
        runs = [run for part in name.split("|") for run in _CJK.findall(part) if len(run) >= 2]
        if not runs:
            continue
        run = rng.choice(runs)
        size = rng.randint(2, min(4, len(run)))
        start = rng.randrange(0, len(run) - size + 1)
        out.append(run[start:start + size])
    return out


def baseline(db, query: str):
    """The answer without an index: a LIKE page in name order plus its COUNT."""
    from sqlalchemy import func, or_, select

    from credit_service.agencies.models import Agency, FormerName

    condition = or_(Agency.name.contains(query, autoescape=True),
                    Agency.id.in_(select(FormerName.agency_id).where(
                        FormerName.name.contains(query, autoescape=True))))
    ids = db.session.scalars(select(Agency.id).where(condition)
                             .order_by(Agency.name, Agency.id).limit(20)).all()
    total = db.session.scalar(select(func.count()).select_from(Agency).where(condition))
    return ids, total


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(app, label: str, n_queries: int, seed: int) -> None:
    from sqlalchemy import select

    from credit_service.agencies.models import Agency
    from credit_service.extensions import db
    from credit_service.public.services import search_agencies

    rng = random.Random(seed)
    with app.app_context():
        names = db.session.scalars(select(Agency.name)).all()
        db.session.remove()
        sets = {"any": fragments(names, n_queries, rng, False),
                "distinctive": fragments(names, n_queries, rng, True)}
        for q in sets["any"][:10]:  # warm caches
            search_agencies(q)
            baseline(db, q)
            db.session.remove()
        for set_name, queries in sets.items():
            timings = {"search": [], "baseline": []}
            by_len: dict[int, list[float]] = {}
            mismatches = 0
            totals = []
            for q in queries:
                t0 = time.perf_counter()
                result = search_agencies(q, 1, 20)
                t1 = time.perf_counter()
                db.session.remove()
                t2 = time.perf_counter()
                ids, total = baseline(db, q)
                t3 = time.perf_counter()
                db.session.remove()
                timings["search"].append((t1 - t0) * 1000)
                timings["baseline"].append((t3 - t2) * 1000)
                by_len.setdefault(len(q), []).append((t1 - t0) * 1000)
                totals.append(result.total)
                if result.total != total or [h.agency.id for h in result.items] != list(ids):
                    mismatches += 1
            s, b = timings["search"], timings["baseline"]
            verdict = "met" if pct(s, 95) < TARGET_P95_MS else "MISSED"
            print(f"  {label:<10} {set_name:<11} n={len(queries)}  "
                  f"search p50 {pct(s, 50):6.1f} p95 {pct(s, 95):6.1f} max {max(s):6.1f} ms | "
                  f"baseline p50 {pct(b, 50):6.1f} p95 {pct(b, 95):6.1f} ms | "
                  f"p95 x{pct(b, 95) / pct(s, 95):.1f} faster | target p95 < "
                  f"{TARGET_P95_MS:.0f} ms {verdict}")
            lengths = "  ".join(f"{k} chars n={len(v)} p95 {pct(v, 95):.1f}"
                                for k, v in sorted(by_len.items()))
            print(f"  {'':<10} {'':<11} search by length: {lengths}; "
                  f"answers differing from baseline: {mismatches} "
                  f"(hits per fragment: median {statistics.median(totals):,.0f}, "
                  f"max {max(totals):,})")
        db.session.remove()
        db.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg-url", default=PG_DEFAULT, help="server to create bench_search on")
    parser.add_argument("--reuse-sqlite", help="an already loaded and migrated SQLite file")
    parser.add_argument("--reuse-pg", help="an already loaded and migrated PostgreSQL URL")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    args = parser.parse_args()

    print(f"search bench: {args.agencies:,} agencies, {args.queries} fragments per set, "
          f"load average {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        tmp_path = Path(tmp)
        if args.db in ("sqlite", "both"):
            url = (f"sqlite:///{args.reuse_sqlite}" if args.reuse_sqlite
                   else f"sqlite:///{tmp_path / 'search.sqlite3'}")
            app = make_app(url, tmp_path)
            if not args.reuse_sqlite:
                print("SQLite:")
                load(app, args.agencies, args.seed)
            run(app, "SQLite", args.queries, args.seed)
        if args.db in ("postgresql", "both"):
            url = args.reuse_pg or pg_scratch(args.pg_url)
            app = make_app(url, tmp_path)
            if not args.reuse_pg:
                print("PostgreSQL:")
                load(app, args.agencies, args.seed)
            run(app, "PostgreSQL", args.queries, args.seed)
            if not args.reuse_pg and not args.keep:
                import sqlalchemy as sa

                admin = sa.create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
                with admin.connect() as conn:
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{PG_SCRATCH}" WITH (FORCE)')
                admin.dispose()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
