"""Benchmark: load the scale data set with ``flask credit demo``'s loader.

SPEC §9 target: 100,000 agencies and 1,000,000 records in under 2 minutes, on SQLite and
on PostgreSQL. Each run gets a fresh scratch database (a temporary SQLite file; a uniquely
named PostgreSQL database created on the server and dropped afterwards), migrated with the
real migration chain. Prints wall seconds, rows/s, records/s, this process's CPU seconds
and the ratio to the 120 s target. No assertions: it measures.

    .venv/bin/python bench/load.py                       # both databases, full size
    .venv/bin/python bench/load.py --db sqlite --agencies 10000 --records 100000
    .venv/bin/python bench/load.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

# Run as a script, bench/ is sys.path[0]; its siblings (bench/http.py) would shadow stdlib.
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 120.0


def _scratch_postgres(base_url: str):
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"bench_load_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def _backend_cpu(database: str) -> dict[int, float]:
    """CPU seconds (user + system) of the PostgreSQL backends serving ``database``, read
    from /proc (works when the server runs on this machine; empty otherwise)."""
    ticks = os.sysconf("SC_CLK_TCK")
    result = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            if "postgres" not in cmdline or f" {database} " not in f"{cmdline} ":
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            result[int(entry.name)] = (int(fields[11]) + int(fields[12])) / ticks
        except OSError:
            continue
    return result


def run_once(kind: str, args) -> dict:
    from flask_migrate import upgrade

    from config import DevelopmentConfig
    from credit_service import create_app
    from credit_service.demo.services import load_demo
    from credit_service.extensions import db

    instance = Path(tempfile.mkdtemp(prefix=f"bench-load-{kind}-"))
    drop = None
    if kind == "postgresql":
        url, drop = _scratch_postgres(args.pg_url)
    else:
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
    config = DevelopmentConfig(instance)
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    try:
        with app.app_context():
            upgrade()
            database = db.engine.url.database if kind == "postgresql" else None
            server0 = _backend_cpu(database) if database else {}
            cpu0, wall0 = time.process_time(), time.perf_counter()
            result = load_demo(
                seed=args.seed, agencies=args.agencies, records=args.records,
                as_of=dt.date.fromisoformat(args.as_of), scale=True, regrade=False,
            )
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            # The loader's connection is still open in the pool: its backend's CPU counts.
            server1 = _backend_cpu(database) if database else {}
            server = sum(v - server0.get(pid, 0.0) for pid, v in server1.items())
            db.session.remove()
            db.engine.dispose()
    finally:
        if drop:
            drop()
    return {
        "db": kind, "seconds": wall, "cpu": cpu, "server_cpu": server, "rows": result.total_rows,
        "records": result.counts.get("records", 0), "agencies": result.counts.get("agencies", 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default="2026-11-26")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"),
        help="a server URL; a scratch database is created on it",
    )
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    print(f"scale load: {args.agencies:,} agencies, {args.records:,} records, seed {args.seed}; "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    results = [run_once(kind, args) for kind in kinds]
    print(f"{'db':<11}{'seconds':>9}{'vs 120 s':>9}{'rows':>11}{'rows/s':>10}{'records/s':>11}"
          f"{'cpu: client':>13}{'server':>8}{'total':>8}")
    for r in results:
        print(f"{r['db']:<11}{r['seconds']:>9.1f}{r['seconds'] / TARGET_SECONDS:>8.2f}x"
              f"{r['rows']:>11,}{r['rows'] / r['seconds']:>10,.0f}"
              f"{r['records'] / r['seconds']:>11,.0f}{r['cpu']:>13.1f}{r['server_cpu']:>8.1f}"
              f"{r['cpu'] + r['server_cpu']:>8.1f}")
    print("cpu: seconds of CPU used by this process (on SQLite including the database engine) and,"
          " for PostgreSQL, by the server backend; with the machine to itself the load needs"
          " about max(client, server)..total seconds.")
    print(f"load average after: {os.getloadavg()[0]:.1f} (other processes share the CPUs)")


if __name__ == "__main__":
    main()
