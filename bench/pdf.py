"""Black-list PDF benchmark (SPEC.md §9): 1,000 entries, cold render and serving from storage.

Prints absolute times and the ratio against a naive WeasyPrint table of the same rows
rendered in the same run (the issue's baseline: ~4.5 s on the reference machine; target:
cold < 2 s, i.e. well under half the baseline; served from storage < 10 ms).

    .venv/bin/python bench/pdf.py [--entries 1000] [--serve-requests 50]
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, bench/ is sys.path[0]; its siblings (bench/http.py) would shadow stdlib.
BENCH_DIR = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH_DIR]
sys.path.insert(0, str(BENCH_DIR.parent))

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
PLACES = ["济源市", "济源示范区", "河南省济源市", "济源市沁园街道", "济源市北海街道"]
WORDS = ["华夏", "中原", "宏达", "鑫源", "恒通", "博远", "众信", "汇才", "英才", "九州", "天成",
         "瑞丰", "金桥", "聚贤", "德邦", "远航", "启航", "卓越", "优聘", "智联"]
KINDS = ["人力资源服务有限公司", "劳务派遣有限公司", "职业中介服务有限公司", "人力资源开发有限公司"]
REASONS = [
    "拖欠 {n} 名劳务派遣人员工资共计 {m} 万元，经责令限期支付逾期仍未支付",
    "克扣劳动者工资 {m} 万元，拒不执行劳动保障监察行政处理决定",
    "以欺骗手段取得劳务派遣经营许可证，并超范围经营，涉及劳动者 {n} 人",
    "未经许可擅自从事职业中介活动，收取求职者费用 {m} 万元，造成恶劣社会影响",
]
BASES = ["《拖欠农民工工资失信联合惩戒对象名单管理暂行办法》（人社部令第45号）第五条第一项",
         "《保障农民工工资支付条例》第四十八条；人社部令第45号第五条第二项"]


def synthetic_agencies(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        name = rng.choice(PLACES[:2]) + rng.choice(WORDS) + rng.choice(WORDS) + rng.choice(KINDS)
        rows.append({
            "name": f"{name}{i}",
            "address": f"{rng.choice(PLACES)}{rng.choice(WORDS)}路{rng.randint(1, 999)}号"
                       f"{rng.randint(1, 20)}楼{rng.randint(101, 2999)}室",
            "legal_rep_name": rng.choice(SURNAMES) + rng.choice(WORDS)[0],
            "reason": rng.choice(REASONS).format(n=rng.randint(5, 200), m=rng.randint(2, 300)),
            "legal_basis": rng.choice(BASES),
            "decision_number": f"济人社失信决〔2026〕{i + 1}号",
        })
    return rows


def naive_pdf(rows: list[dict], headers: list[str], keys: list[str]) -> bytes:
    """The baseline: a plain HTML table with automatic layout, CJK font on html."""
    from html import escape

    from weasyprint import HTML

    body = "".join("<tr>" + "".join(f"<td>{escape(str(r[k] or ''))}</td>" for k in keys)
                   + "</tr>" for r in rows)
    html = ("<html><head><style>@page { size: A4 landscape; margin: 15mm;"
            " @bottom-right { content: '第 ' counter(page) ' 页 / 共 ' counter(pages) ' 页' } }"
            " html { font-family: 'Noto Sans CJK SC'; font-size: 7.5pt }"
            " table { border-collapse: collapse; width: 100% }"
            " td, th { border: 0.4pt solid #777; padding: 1pt 2pt }</style></head><body>"
            "<h1>严重违法失信名单</h1><table><thead><tr>"
            + "".join(f"<th>{escape(h)}</th>" for h in headers)
            + f"</tr></thead><tbody>{body}</tbody></table></body></html>")
    return HTML(string=html).write_pdf()


def build_app(entries: int):
    from config import TestingConfig
    from credit_service import create_app

    instance = Path(tempfile.mkdtemp(prefix="bench-pdf-"))
    os.environ["CREDIT_INSTANCE_PATH"] = str(instance)
    config = TestingConfig(instance)
    config.SQLALCHEMY_DATABASE_URI = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{instance / 'bench.sqlite3'}")
    app = create_app(config)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_black_list(entries)
    return app


def load_black_list(entries: int) -> None:
    from credit_service.agencies.models import Agency
    from credit_service.core.enums import ListingState, ListKind
    from credit_service.core.uscc import ALPHABET, with_check_character
    from credit_service.extensions import db
    from credit_service.lists.models import Listing

    today = dt.date.today()
    for i, row in enumerate(synthetic_agencies(entries)):
        body, x = "", 500000 + i
        for _ in range(8):
            body = ALPHABET[x % 31] + body
            x //= 31
        agency = Agency(uscc=with_check_character("91419001" + body + "X"), name=row["name"],
                        legal_rep_name=row["legal_rep_name"], address=row["address"],
                        established_on=dt.date(2012, 1, 1), is_dispatch=True,
                        contact_phone="13800000000")
        db.session.add(agency)
        db.session.flush()
        decided = today - dt.timedelta(days=i % 700)
        db.session.add(Listing(
            agency_id=agency.id, list_kind=ListKind.BLACK, state=ListingState.PUBLISHED,
            reason=row["reason"], legal_basis=row["legal_basis"],
            authority="济源示范区人力资源和社会保障局", proposed_on=decided, decided_on=decided,
            decision_number=row["decision_number"], published_on=decided,
            expires_on=decided.replace(year=decided.year + 3)))
    db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--entries", type=int, default=1000)
    parser.add_argument("--serve-requests", type=int, default=50)
    args = parser.parse_args()

    app = build_app(args.entries)
    with app.app_context():
        from credit_service.documents import services as documents
        from credit_service.documents.models import Document
        from credit_service.extensions import db
        from credit_service.public import services as public
        from credit_service.public.documents import BLACK_COLUMNS

        rows = public.black_list_rows()
        assert len(rows) == args.entries
        # Warm-up: fonts and Pango caches (both paths benefit equally).
        naive_pdf(rows[:5], [c.header for c in BLACK_COLUMNS], [c.key for c in BLACK_COLUMNS])

        # Wall and CPU time: on a shared machine CPU time is the fairer comparison.
        started, cpu = time.perf_counter(), time.process_time()
        naive = naive_pdf(rows, [c.header for c in BLACK_COLUMNS],
                          [c.key for c in BLACK_COLUMNS])
        naive_s, naive_cpu = time.perf_counter() - started, time.process_time() - cpu

        started, cpu = time.perf_counter(), time.process_time()
        document = documents.ensure_document("black_list.pdf", "")
        cold_s, cold_cpu = time.perf_counter() - started, time.process_time() - cpu
        pdf_bytes = documents.document_bytes(document)
        assert db.session.query(Document).count() == 1

    client = app.test_client()
    client.get("/lists/black.pdf")  # connection and template warm-up
    timings, cpu_timings = [], []
    for _ in range(args.serve_requests):
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/lists/black.pdf")
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu)
        assert response.status_code == 200 and len(response.data) == len(pdf_bytes)
    timings.sort()
    median_ms = statistics.median(timings) * 1000
    p95_ms = timings[int(0.95 * (len(timings) - 1))] * 1000

    print(f"entries: {args.entries}")
    print(f"naive WeasyPrint table (baseline): wall {naive_s:6.2f} s, cpu {naive_cpu:6.2f} s "
          f"({len(naive) / 1e6:.2f} MB)")
    print(f"black_list.pdf cold (query+render+store): wall {cold_s:6.2f} s, cpu {cold_cpu:6.2f} s "
          f"({len(pdf_bytes) / 1e6:.2f} MB)")
    print(f"  ratio to baseline: wall {cold_s / naive_s:.2f}, cpu {cold_cpu / naive_cpu:.2f}; "
          f"scaled to the reference machine (baseline 4.5 s): {4.5 * cold_cpu / naive_cpu:.2f} s "
          f"(target < 2 s)")
    print(f"served from storage: median {median_ms:.2f} ms, p95 {p95_ms:.2f} ms wall; "
          f"median {statistics.median(cpu_timings) * 1000:.2f} ms cpu (target < 10 ms)")


if __name__ == "__main__":
    main()
