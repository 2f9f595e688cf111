"""Benchmark: agency profile throughput over HTTP, and search latency (SPEC.md §9).

With the scale data set (``flask credit demo``'s loader: 100,000 agencies, 1,000,000
records, regraded) in a scratch database, each app is served by gunicorn with 2 sync
workers and loaded by wrk with 16 connections:

* a bare Flask "hello" app (bench/http_hello.py) — the baseline, measured in the same run;
* ``GET /api/v1/agencies/<uscc>`` (JSON profile) for random agencies;
* ``GET /agencies/<uscc>`` (HTML profile page) for random agencies.

Printed: requests/s, the ratio to hello (target ≥ 0.5), p50/p99 latency (target p99 < 50 ms)
and non-2xx answers; then the resident memory of each worker after the runs (target < 250 MB,
with the hello workers' as the baseline). Then search by a partial Chinese name (2–3 characters of a real name)
through ``GET /api/v1/agencies?q=``, one request at a time: p50/p95 (target p95 < 30 ms).
No assertions: it measures.

    .venv/bin/python bench/http.py                        # SQLite, full scale data set
    .venv/bin/python bench/http.py --db postgresql        # scratch database on the server
    .venv/bin/python bench/http.py --agencies 10000 --records 100000 --duration 5
    .venv/bin/python bench/http.py --keep                 # keep the database for --reuse
    .venv/bin/python bench/http.py --reuse /tmp/bench-http-xyz/bench.sqlite3
    .venv/bin/python bench/http.py --reuse postgresql+psycopg://postgres@127.0.0.1:5432/bench_http_x
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and this module would shadow
# the standard library's ``http`` package; drop that entry before anything imports it.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from urllib.parse import quote  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent

TARGET_RATIO = 0.5
TARGET_P99_MS = 50.0
TARGET_SEARCH_P95_MS = 30.0
TARGET_WORKER_RSS_MB = 250.0


# --- data ----------------------------------------------------------------------------------


def _scratch_postgres(base_url: str):
    import sqlalchemy as sa
    from sqlalchemy.engine import make_url

    url = make_url(base_url)
    name = f"bench_http_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def prepare_database(args, instance: Path):
    """A migrated scratch database with the scale data set; returns (url, cleanup)."""
    from flask_migrate import upgrade

    from config import DevelopmentConfig
    from credit_service import create_app
    from credit_service.demo.services import load_demo
    from credit_service.extensions import db

    if args.reuse:
        url = args.reuse if "://" in args.reuse else f"sqlite:///{Path(args.reuse).resolve()}"
        return url, (lambda: None)
    drop = None
    if args.db == "postgresql":
        url, drop = _scratch_postgres(args.pg_url)
    else:
        url = f"sqlite:///{instance / 'bench.sqlite3'}"
    config = DevelopmentConfig(instance)
    config.SQLALCHEMY_DATABASE_URI = url
    app = create_app(config)
    started = time.perf_counter()
    with app.app_context():
        upgrade()
        result = load_demo(seed=args.seed, agencies=args.agencies, records=args.records,
                           as_of=dt.date.fromisoformat(args.as_of), scale=True, regrade=True)
        db.session.remove()
        if args.db == "postgresql":
            # The regrade rewrote every agency row. A production server's autovacuum would
            # clean up and re-analyse after that; this server runs with autovacuum off, so
            # do it here, or the bench measures dead tuples and stale statistics.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        db.engine.dispose()
    print(f"data: {result.counts.get('agencies', 0):,} agencies, "
          f"{result.counts.get('records', 0):,} records loaded, regraded (and on PostgreSQL vacuumed) in "
          f"{time.perf_counter() - started:.0f} s ({args.db})")
    if drop is not None and args.keep:
        print(f"keeping the scratch database: --reuse {url}")
        drop = None
    return url, (drop or (lambda: None))


_CJK = re.compile(r"[\u4e00-\u9fff]")
# Words nearly every name shares: a fragment of them is not a search anyone makes.
_COMMON = ("济源示范区", "示范区", "济源", "河南", "人力资源", "服务", "有限", "公司", "劳务", "派遣",
           "职业", "中介",
           "责任", "集团", "管理", "咨询", "信息", "科技")


def sample(url: str, n_agencies: int, n_fragments: int, seed: int):
    """Random USCCs for the profile runs and partial-name fragments for the search run."""
    import sqlalchemy as sa

    rng = random.Random(seed)
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        total = conn.exec_driver_sql("SELECT max(id) FROM agencies").scalar() or 0
        ids = rng.sample(range(1, total + 1), min(total, n_agencies))
        rows = conn.execute(sa.text("SELECT uscc, name FROM agencies WHERE id IN :ids")
                            .bindparams(sa.bindparam("ids", expanding=True)), {"ids": ids}).all()
    engine.dispose()
    usccs = [uscc for uscc, _ in rows]
    fragments = []
    for _, name in rows:
        core = name
        for word in _COMMON:
            core = core.replace(word, "|")
        parts = [p for p in core.split("|") if len(_CJK.findall(p)) >= 2]
        if not parts:
            continue
        part = rng.choice(parts)
        size = rng.choice((2, 3)) if len(part) >= 3 else 2
        start = rng.randrange(0, len(part) - size + 1)
        fragment = part[start:start + size]
        if len(_CJK.findall(fragment)) == size:
            fragments.append(fragment)
        if len(fragments) >= n_fragments:
            break
    return usccs, fragments


# --- serving and loading -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_spec: str, port: int, env: dict, workers: int) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
           "--log-level", "warning", app_spec]
    return subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **env},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, path: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        try:
            status, _ = get(port, path)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not ready after {timeout} s")


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def worker_rss_mb(master: subprocess.Popen) -> list[float]:
    """Resident memory (VmRSS) of each gunicorn worker of ``master`` (its child processes)."""
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def _ms(text: str) -> float:
    match = re.match(r"([\d.]+)(us|ms|s)$", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)]


def run_wrk(port: int, paths: list[str], *, duration: int, connections: int,
            threads: int, workdir: Path) -> dict:
    paths_file = workdir / f"paths-{port}-{uuid.uuid4().hex[:6]}.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "-s", str(ROOT / "bench" / "http_paths.lua"), f"http://127.0.0.1:{port}"]
    out = subprocess.run(cmd, env={**os.environ, "BENCH_PATHS": str(paths_file)},
                         capture_output=True, text=True, check=True).stdout
    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "non2xx": 0, "errors": 0}
    for pct in ("50", "90", "99"):
        result[f"p{pct}"] = _ms(re.search(rf"^\s+{pct}%\s+(\S+)", out, re.M).group(1))
    if match := re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out):
        result["non2xx"] = int(match.group(1))
    if match := re.search(r"Socket errors:.*", out):
        result["errors"] = sum(int(n) for n in re.findall(r"\d+", match.group(0)))
    result["requests"] = int(re.search(r"(\d+) requests in", out).group(1))
    return result


def warm_up(port: int, paths: list[str], seconds: int, connections: int, workdir: Path) -> None:
    """Load ``paths`` in rounds of ``seconds`` until throughput stops rising (at most six
    rounds): every worker has then composed and cached every profile of the warm set."""
    previous = 0.0
    for _ in range(6):
        rps = run_wrk(port, paths, duration=seconds, connections=connections, threads=2,
                      workdir=workdir)["rps"]
        if previous and rps < previous * 1.05:
            return
        previous = rps


def search_latency(port: int, fragments: list[str]) -> dict:
    """One request at a time, so the figure is the request's own latency."""
    timings, hits = [], []
    for fragment in fragments:
        path = f"/api/v1/agencies?q={quote(fragment)}&per_page=20"
        started = time.perf_counter()
        status, body = get(port, path)
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise RuntimeError(f"search {fragment!r} answered {status}: {body[:300]!r}")
        hits.append(body.count(b'"uscc"'))
    timings.sort()
    return {"n": len(timings), "p50": statistics.median(timings),
            "p95": timings[max(0, int(len(timings) * 0.95) - 1)], "max": timings[-1],
            "with_hits": sum(1 for h in hits if h)}


# --- main ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--agencies", type=int, default=100_000)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--as-of", default=dt.date.today().isoformat())
    parser.add_argument("--pg-url", default=os.environ.get(
        "BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--reuse", help="an existing database (SQLite path or URL) to serve")
    parser.add_argument("--keep", action="store_true",
                        help="keep the scratch database (SQLite file or PostgreSQL database)")
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--hot", type=int, default=200, help="agencies in the warm set")
    parser.add_argument("--warmup", type=int, default=5,
                        help="seconds per warm-up round (rounds repeat until throughput is flat)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is required: apt-get install -y wrk")

    instance = Path(tempfile.mkdtemp(prefix="bench-http-"))
    url, cleanup = prepare_database(args, instance)
    processes = []
    try:
        usccs, fragments = sample(url, 4000, args.searches, args.seed)
        env = {"CREDIT_ENV": "production", "DATABASE_URL": url,
               "SECRET_KEY": "bench-only-" + uuid.uuid4().hex, "CREDIT_INSTANCE_PATH": str(instance)}
        hello_port, app_port = free_port(), free_port()
        hello = serve("bench.http_hello:app", hello_port, {}, args.workers)
        app = serve("credit_service:create_app()", app_port, env, args.workers)
        processes = [hello, app]
        wait_ready(hello_port, "/hello", hello)
        wait_ready(app_port, f"/api/v1/agencies/{usccs[0]}", app)
        hot, cold = usccs[:args.hot], usccs[args.hot:]
        runs = [
            ("hello (bare Flask)", hello_port, ["/hello"], 3),
            # The JSON profile is cached per worker and revalidated on every request (one
            # stamp query): "warm" is a popular set of agencies after a warm-up, "cold" is
            # agencies never asked for before (every request composes the profile).
            ("GET /api/v1/agencies/<uscc> warm", app_port,
             [f"/api/v1/agencies/{u}" for u in hot], args.warmup),
            ("GET /api/v1/agencies/<uscc> cold", app_port,
             [f"/api/v1/agencies/{u}" for u in cold], 0),
            # The HTML page is cached the same way (same stamp): warm and cold likewise.
            ("GET /agencies/<uscc> HTML warm", app_port, [f"/agencies/{u}" for u in hot], 3),
            ("GET /agencies/<uscc> HTML cold", app_port, [f"/agencies/{u}" for u in cold], 0),
        ]
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; gunicorn "
              f"{args.workers} sync workers; wrk 2 threads, {args.connections} connections, "
              f"{args.duration} s per run; warm set {len(hot)} agencies, cold set "
              f"{len(cold):,} other agencies")
        results = []
        for label, port, paths, warmup in runs:
            if warmup:  # imports, connection pools, page cache (and the warm set's cache)
                warm_up(port, paths, warmup, args.connections, instance)
            results.append((label, run_wrk(port, paths, duration=args.duration,
                                           connections=args.connections, threads=2,
                                           workdir=instance)))
        base = results[0][1]["rps"]
        print(f"\n{'endpoint':<36}{'req/s':>9}{'vs hello':>10}{'p50 ms':>9}{'p99 ms':>9}"
              f"{'non-2xx':>9}  target")
        for label, r in results:
            ratio = r["rps"] / base
            target = "" if label.startswith("hello") else (
                f"ratio ≥ {TARGET_RATIO} {'met' if ratio >= TARGET_RATIO else 'MISSED'}, "
                f"p99 < {TARGET_P99_MS:.0f} ms {'met' if r['p99'] < TARGET_P99_MS else 'MISSED'}")
            print(f"{label:<36}{r['rps']:>9.0f}{ratio:>9.2f}x{r['p50']:>9.1f}{r['p99']:>9.1f}"
                  f"{r['non2xx'] + r['errors']:>9}  {target}")
        hello_rss, app_rss = worker_rss_mb(hello), worker_rss_mb(app)
        print(f"\nworker RSS after the runs: app {', '.join(f'{m:.0f}' for m in app_rss)} MB, "
              f"hello {', '.join(f'{m:.0f}' for m in hello_rss)} MB; ratio app/hello "
              f"{max(app_rss) / max(hello_rss):.1f}x; target < {TARGET_WORKER_RSS_MB:.0f} MB "
              f"{'met' if max(app_rss) < TARGET_WORKER_RSS_MB else 'MISSED'}")
        search = search_latency(app_port, fragments)
        print(f"\nsearch by partial Chinese name (GET /api/v1/agencies?q=, {search['n']} "
              f"fragments of 2–3 characters, {search['with_hits']} with hits, one at a time):")
        print(f"  p50 {search['p50']:.1f} ms   p95 {search['p95']:.1f} ms   max "
              f"{search['max']:.1f} ms   target p95 < {TARGET_SEARCH_P95_MS:.0f} ms "
              f"{'met' if search['p95'] < TARGET_SEARCH_P95_MS else 'MISSED'}")
        print(f"  e.g. {', '.join(fragments[:8])}")
    finally:
        for process in processes:
            stop(process)
        cleanup()
        if args.keep and not args.reuse and args.db == "sqlite":
            print(f"kept: {instance / 'bench.sqlite3'} (use --reuse)")
        else:
            shutil.rmtree(instance, ignore_errors=True)


if __name__ == "__main__":
    main()
