"""Benchmark: full regrade and one-agency regrade on the scale data set (SPEC.md §9).

Not a test. Builds (once) a synthetic scale data set — 100,000 agencies, 1,000,000
records plus honours, licences, annual reports and a few black listings — in a scratch
database, then in the same process times:

- the floor: a plain SQL aggregate over the same tables (records and honours grouped by
  agency, fetched into Python), i.e. the least work any regrade must do;
- ``regrade_all`` from scratch (every agency gets an assessment row) and again with
  nothing changed;
- ``regrade_agency`` for one agency right after a new record is written (median, p95).

and prints the figures with the ratio to the floor. Targets: full regrade < 30 s,
one agency < 20 ms.

    .venv/bin/python bench/regrade.py --db sqlite
    .venv/bin/python bench/regrade.py --db postgresql
    .venv/bin/python bench/regrade.py --db both --agencies 100000 --records 1000000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# bench/ holds modules named like the standard library (bench/http.py): keep it off the path.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

SQLITE_PATH = Path(os.environ.get("BENCH_SQLITE", "/tmp/bench_regrade.sqlite3"))
PG_BASE = os.environ.get("BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/bench_regrade")
AS_OF = dt.date(2026, 11, 26)
BATCH = 20_000


def make_app(url: str):
    from config import TestingConfig
    from credit_service import create_app

    instance = Path(tempfile.mkdtemp(prefix="bench-regrade-"))
    cfg = TestingConfig(instance)
    cfg.SQLALCHEMY_DATABASE_URI = url
    cfg.DOCUMENT_DIR = None
    os.environ["CREDIT_INSTANCE_PATH"] = str(instance)
    return create_app(cfg)


def ensure_pg_database(url: str) -> None:
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    u = make_url(url)
    admin = sa.create_engine(u.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.exec_driver_sql(
            "SELECT 1 FROM pg_database WHERE datname = %s", (u.database,)).scalar()
        if not exists:
            conn.exec_driver_sql(f'CREATE DATABASE "{u.database}"')
    admin.dispose()


# --------------------------------------------------------------------------- data set


def generate(db, n_agencies: int, n_records: int, seed: int = 20260101) -> None:
    """Bulk-insert the synthetic scale data set with Core executemany (one transaction per
    batch). Distribution: most records confirmed and old, ~10 % within 12 months."""
    from sqlalchemy import insert

    from credit_service.agencies.models import Agency, AnnualReport, Licence
    from credit_service.core.catalog import get_catalog
    from credit_service.core.enums import (
        HonourKind,
        HonourLevel,
        LicenceKind,
        ListingState,
        ListKind,
        PenaltyKind,
        RecordSource,
        RecordStatus,
        Severity,
    )
    from credit_service.core.uscc import ALPHABET, with_check_character
    from credit_service.lists.models import Listing
    from credit_service.records.models import Honour, Record

    rng = random.Random(seed)
    catalog = list(get_catalog().values())
    common = [vt for vt in catalog if not vt.veto]
    started = time.perf_counter()

    def uscc(n: int) -> str:
        body = ""
        for _ in range(8):
            body = ALPHABET[n % 31] + body
            n //= 31
        return with_check_character("91419001" + body + "X")

    def day(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=rng.randrange((hi - lo).days + 1))

    def ins(table, data) -> None:
        db.session.connection().execute(insert(table), data)

    established: list[dt.date] = []
    rows = []
    for i in range(1, n_agencies + 1):
        est = day(dt.date(2005, 1, 1), dt.date(2026, 10, 1))
        established.append(est)
        rows.append({
            "id": i, "uscc": uscc(500_000 + i), "name": f"济源市第{i}人力资源服务有限公司",
            "is_job_agency": True, "is_dispatch": i % 3 == 0, "is_other_hr": False,
            "legal_rep_name": "张三", "address": "河南省济源市济水大街1号", "district": "沁园街道",
            "registered_capital": Decimal("2000000"), "established_on": est,
            "version": 1,
        })
        if len(rows) >= BATCH:
            ins(Agency.__table__, rows)
            rows = []
    if rows:
        ins(Agency.__table__, rows)
    db.session.commit()

    lic, reps, hons = [], [], []
    for i, est in enumerate(established, start=1):
        lic.append({"agency_id": i, "kind": LicenceKind.HR_SERVICE, "number": f"HR{i:07d}",
                    "issuer": "济源示范区人力资源和社会保障局", "issued_on": est,
                    "valid_until": est + dt.timedelta(days=5 * 365)})
        for year in (2024, 2025):
            if est.year <= year and rng.random() < 0.93:
                late = rng.random() < 0.05
                reps.append({"agency_id": i, "year": year,
                             "submitted_on": dt.date(year + 1, 4 if late else 3, 15),
                             "publicised": True, "on_time": not late})
        if rng.random() < 0.06:
            granted = day(dt.date(2020, 1, 1), dt.date(2026, 10, 1))
            hons.append({"agency_id": i, "kind": rng.choice(list(HonourKind)),
                         "level": rng.choice(list(HonourLevel)), "title": "诚信服务示范机构",
                         "issuer": "河南省人力资源和社会保障厅", "document_number": f"豫人社〔{i}〕号",
                         "granted_on": granted})
    for table, data in ((Licence.__table__, lic), (AnnualReport.__table__, reps),
                        (Honour.__table__, hons)):
        for k in range(0, len(data), BATCH):
            ins(table, data[k:k + BATCH])
    db.session.commit()

    severities = [Severity.MINOR] * 5 + [Severity.GENERAL] * 4 + [Severity.SERIOUS]
    kinds = [PenaltyKind.FINE] * 6 + [PenaltyKind.WARNING, PenaltyKind.RECTIFICATION_ORDER,
                                      PenaltyKind.DISPUTE_LOST_PARTLY, PenaltyKind.CONFISCATION]
    recs = []
    listed = []
    for rid in range(1, n_records + 1):
        aid = rng.randrange(1, n_agencies + 1)
        est = established[aid - 1]
        decided = day(max(est, dt.date(2016, 1, 1)), AS_OF) if est < AS_OF else AS_OF
        vt = rng.choice(catalog) if rng.random() < 0.02 else rng.choice(common)
        r = rng.random()
        status = (RecordStatus.CONFIRMED if r < 0.92 else RecordStatus.REVOKED if r < 0.96
                  else RecordStatus.DRAFT)
        pk = rng.choice(kinds)
        occurred = decided - dt.timedelta(days=rng.randrange(0, 60))
        repaired = None
        if status == RecordStatus.CONFIRMED and rng.random() < 0.05:
            repaired = min(decided + dt.timedelta(days=rng.randrange(90, 400)), AS_OF)
        recs.append({
            "id": rid, "agency_id": aid, "violation_code": vt.code,
            "severity": rng.choice(severities), "facts": "检查发现违法行为",
            "occurred_on": occurred, "decided_on": decided,
            "decision_number": f"济人社监罚〔B〕{rid}号", "authority": "济源示范区人力资源和社会保障局",
            "penalty_kind": pk, "fine_amount": Decimal("5000"),
            "rectify_by": decided + dt.timedelta(days=30) if pk == PenaltyKind.RECTIFICATION_ORDER else None,
            "corrected_on": decided + dt.timedelta(days=20) if pk == PenaltyKind.RECTIFICATION_ORDER else None,
            "refused_to_comply": rng.random() < 0.01, "repaired_on": repaired,
            "major_case_kind": None, "source": RecordSource.INSPECTION, "status": status,
            "status_changed_on": decided + dt.timedelta(days=30) if status == RecordStatus.REVOKED else None,
            "version": 1,
        })
        if vt.blacklist_candidate and status == RecordStatus.CONFIRMED and rng.random() < 0.02 \
                and decided > dt.date(2023, 1, 1):
            listed.append((aid, rid, decided))
        if len(recs) >= BATCH:
            ins(Record.__table__, recs)
            recs = []
    if recs:
        ins(Record.__table__, recs)
    db.session.commit()
    listing_rows = [{
        "agency_id": aid, "list_kind": ListKind.BLACK, "state": ListingState.PUBLISHED,
        "basis_record_id": rid, "reason": "严重违法失信", "legal_basis": "", "authority": "",
        "proposed_on": decided + dt.timedelta(days=10), "decided_on": decided + dt.timedelta(days=40),
        "expires_on": decided + dt.timedelta(days=40 + 3 * 365), "version": 1,
    } for aid, rid, decided in listed]
    for k in range(0, len(listing_rows), BATCH):
        ins(Listing.__table__, listing_rows[k:k + BATCH])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        for table in ("agencies", "records", "honours", "licences", "annual_reports", "listings"):
            db.session.execute(__import__("sqlalchemy").text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.exec_driver_sql("VACUUM ANALYZE")
    else:
        db.session.execute(__import__("sqlalchemy").text("ANALYZE"))
        db.session.commit()
    print(f"  generated {n_agencies:,} agencies, {n_records:,} records, {len(hons):,} honours, "
          f"{len(listing_rows):,} listings in {time.perf_counter() - started:.1f} s")


# --------------------------------------------------------------------------- timings


def floor_query(db) -> float:
    """A plain SQL aggregate over the same tables the regrade reads, fetched into Python."""
    started = time.perf_counter()
    conn = db.session.connection()
    rows = conn.exec_driver_sql(
        "SELECT agency_id, COUNT(*), "
        "SUM(CASE severity WHEN 'minor' THEN 5 WHEN 'general' THEN 10 ELSE 30 END), "
        "MAX(decided_on), MIN(decided_on) FROM records WHERE status <> 'draft' "
        "GROUP BY agency_id").fetchall()
    rows += conn.exec_driver_sql(
        "SELECT agency_id, COUNT(*), SUM(1), MAX(granted_on), MIN(granted_on) FROM honours "
        "GROUP BY agency_id").fetchall()
    rows += conn.exec_driver_sql(
        "SELECT a.id, a.current_score, COUNT(r.id), MAX(r.submitted_on), MIN(r.year) "
        "FROM agencies a LEFT JOIN annual_reports r ON r.agency_id = a.id GROUP BY a.id, "
        "a.current_score").fetchall()
    elapsed = time.perf_counter() - started
    db.session.rollback()
    assert rows
    return elapsed


def reset_grades(db) -> None:
    from sqlalchemy import text

    db.session.execute(text("DELETE FROM change_events"))
    db.session.execute(text("DELETE FROM assessments"))
    db.session.execute(text("UPDATE agencies SET current_grade = NULL, current_score = NULL"))
    db.session.commit()


def one_agency(db, n_agencies: int, samples: int = 60) -> tuple[list[float], list[float]]:
    """Write a new confirmed record for a random agency, then regrade it (committed)."""
    from credit_service.agencies.models import Agency
    from credit_service.core.enums import PenaltyKind, RecordSource, RecordStatus, Severity
    from credit_service.grading.services import regrade_agency
    from credit_service.records.models import Record

    rng = random.Random(7)
    regrade_times, total_times = [], []
    for k in range(samples):
        agency = db.session.get(Agency, rng.randrange(1, n_agencies + 1))
        t0 = time.perf_counter()
        db.session.add(Record(
            agency_id=agency.id, violation_code="false_job_info", severity=Severity.GENERAL,
            facts="发布虚假招聘信息", occurred_on=AS_OF - dt.timedelta(days=5),
            decided_on=AS_OF, decision_number=f"BENCH-{time.time_ns()}-{k}",
            authority="济源示范区人力资源和社会保障局", penalty_kind=PenaltyKind.FINE,
            fine_amount=Decimal("10000"), source=RecordSource.INSPECTION,
            status=RecordStatus.CONFIRMED))
        db.session.flush()
        t1 = time.perf_counter()
        regrade_agency(agency, as_of=AS_OF)  # commits (outermost transaction)
        t2 = time.perf_counter()
        regrade_times.append((t2 - t1) * 1000)
        total_times.append((t2 - t0) * 1000)
        db.session.expunge_all()
    return regrade_times, total_times


def run(kind: str, url: str, n_agencies: int, n_records: int, regenerate: bool,
        generate_only: bool = False) -> dict | None:
    from sqlalchemy import func, select

    from credit_service.agencies.models import Agency
    from credit_service.extensions import db
    from credit_service.grading.services import regrade_all
    from credit_service.records.models import Record

    if kind == "postgresql":
        ensure_pg_database(url)
    elif regenerate and SQLITE_PATH.exists():
        SQLITE_PATH.unlink()
    app = make_app(url)
    print(f"\n== {kind}: {url}")
    with app.app_context():
        from flask_migrate import upgrade

        if regenerate and kind == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
                c.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        upgrade()
        have = db.session.scalar(select(func.count(Agency.id)))
        if have != n_agencies:
            if have:
                raise SystemExit(f"{kind}: database holds {have} agencies; rerun with --regenerate")
            generate(db, n_agencies, n_records)
        n_rec = db.session.scalar(select(func.count(Record.id)))
        db.session.rollback()
        print(f"  data: {n_agencies:,} agencies, {n_rec:,} records")
        if generate_only:
            return None

        floors = [floor_query(db) for _ in range(3)]
        floor = min(floors)
        reset_grades(db)
        t, c = time.perf_counter(), time.process_time()
        first = regrade_all(as_of=AS_OF)
        full, full_cpu = time.perf_counter() - t, time.process_time() - c
        t, c = time.perf_counter(), time.process_time()
        second = regrade_all(as_of=AS_OF)
        again, again_cpu = time.perf_counter() - t, time.process_time() - c
        regrade_ms, total_ms = one_agency(db, n_agencies)
        figures = {
            "floor_s": floor, "full_s": full, "unchanged_s": again,
            "full_cpu_s": full_cpu, "unchanged_cpu_s": again_cpu,
            "changed": first["changed"], "unchanged": second["unchanged"],
            "grades": first["grades"],
            "one_median_ms": statistics.median(regrade_ms),
            "one_p95_ms": sorted(regrade_ms)[int(len(regrade_ms) * 0.95) - 1],
            "one_total_median_ms": statistics.median(total_ms),
        }
    print(f"  floor (plain SQL aggregate over records/honours/annual reports): {floor:.2f} s")
    print(f"  full regrade, from scratch ({figures['changed']:,} assessments written): "
          f"{full:.2f} s  = {full / floor:.1f}x floor   (target < 30 s); "
          f"CPU of this process {full_cpu:.2f} s")
    print(f"  full regrade, nothing changed ({figures['unchanged']:,} compared): "
          f"{again:.2f} s  = {again / floor:.1f}x floor; CPU of this process {again_cpu:.2f} s")
    print(f"  one agency after a new record: regrade median {figures['one_median_ms']:.1f} ms, "
          f"p95 {figures['one_p95_ms']:.1f} ms (target < 20 ms); record write + regrade + commit "
          f"median {figures['one_total_median_ms']:.1f} ms")
    print(f"  grades: {figures['grades']}")
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  load average (1/5/15 min) at the end: {os.getloadavg()}, CPUs: {os.cpu_count()}, "
          f"peak RSS of this process {rss:.0f} MB")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--regenerate", action="store_true", help="drop and rebuild the data set")
    parser.add_argument("--generate-only", action="store_true", help="build the data set, time nothing")
    args = parser.parse_args()
    kinds = ("sqlite", "postgresql") if args.db == "both" else (args.db,)
    for kind in kinds:
        url = f"sqlite:///{SQLITE_PATH}" if kind == "sqlite" else PG_BASE
        run(kind, url, args.agencies, args.records, args.regenerate, args.generate_only)


if __name__ == "__main__":
    main()
