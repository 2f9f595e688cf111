"""Loading the demo data set: the one entry point used by the CLI, the run script,
the tests and ``bench/load.py``."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from credit_service.core.errors import Conflict
from credit_service.demo.generator import (
    DEFAULT_AGENCIES,
    DEFAULT_RECORDS,
    DEFAULT_SEED,
    DemoGenerator,
)
from credit_service.demo.loader import BulkWriter, bulk_transaction, database_is_empty, wipe


@dataclass
class LoadResult:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    regraded: bool = False
    regrade_seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.counts.values())


@lru_cache(maxsize=8)
def _hash_password(password: str) -> str:
    # scrypt costs ~0.2-0.6 s per hash; the demo accounts share three published passwords.
    from werkzeug.security import generate_password_hash

    return generate_password_hash(password)


def load_demo(
    *,
    seed: int = DEFAULT_SEED,
    agencies: int = DEFAULT_AGENCIES,
    records: int = DEFAULT_RECORDS,
    as_of: dt.date | None = None,
    force: bool = False,
    scale: bool | None = None,
    regrade: bool = True,
    progress: Callable[[str, int], None] | None = None,
    on_table: Callable[[str, int], None] | None = None,
) -> LoadResult:
    """Generate and insert the demo data set in one transaction, then regrade.

    Refuses a database that already has agencies or users unless ``force`` (which first
    deletes every row). ``scale`` selects the bulk driver path (default: by size).
    """
    from credit_service.core.catalog import get_catalog
    from credit_service.core.web import today_local
    from credit_service.extensions import db

    as_of = as_of or today_local()
    generator = DemoGenerator(
        get_catalog(), seed=seed, as_of=as_of, agencies=agencies, records=records,
        password_hasher=_hash_password, scale=scale,
    )
    result = LoadResult()
    started = time.perf_counter()
    db.session.remove()  # the loader owns the connection for the whole load
    with bulk_transaction(db.engine, fast=generator.scale) as conn:
        if not database_is_empty(conn):
            if not force:
                raise Conflict(
                    "数据库中已有机构或用户数据，拒绝加载演示数据（使用 --force 清空后重新加载，"
                    "或使用 --if-empty 在已有数据时跳过）"
                )
            wipe(conn, db.metadata)
        writer = BulkWriter(conn, db.metadata, fast=generator.scale, progress=progress)
        for block in generator.tables():
            if on_table:
                on_table(block.table, block.count)
            writer.write(block)
        writer.finish()
    result.counts = dict(writer.counts)
    result.seconds = time.perf_counter() - started
    if regrade:
        _regrade(result, as_of, history=not generator.scale)
    return result


HISTORY_QUARTERS = 8


def history_dates(as_of: dt.date, quarters: int = HISTORY_QUARTERS) -> list[dt.date]:
    """The quarter ends before ``as_of`` at which the realistic demo is graded first, oldest
    first, so each agency has a grade history ("grade on date X") like a running system."""
    dates = []
    year, quarter = as_of.year, (as_of.month - 1) // 3  # quarters completed this year
    for _ in range(quarters):
        if quarter == 0:
            year, quarter = year - 1, 4
        month = quarter * 3
        end = dt.date(year, month, 1) + dt.timedelta(days=32)
        dates.append(end.replace(day=1) - dt.timedelta(days=1))
        quarter -= 1
    return sorted(dates)


def _regrade(result: LoadResult, as_of: dt.date, *, history: bool = False) -> None:
    """Grades come from the engine, never from the generator. ``history``: grade at the
    past quarter ends first (assessment rows only where the result changed; no change-feed
    entries for those past dates), then as of ``as_of``."""
    from credit_service.grading.services import regrade_all

    started = time.perf_counter()
    if history:
        for day in history_dates(as_of):
            regrade_all(as_of=day, progress=None, feed=False)
    regrade_all(as_of=as_of, progress=None)
    result.regraded = True
    result.regrade_seconds = time.perf_counter() - started
