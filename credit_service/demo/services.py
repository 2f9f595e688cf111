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
    regrade_note: str = ""
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
        _regrade(result, as_of)
    return result


def _regrade(result: LoadResult, as_of: dt.date) -> None:
    """Grades come from the engine, never from the generator."""
    try:
        from credit_service.grading.services import regrade_all
    except ImportError:
        result.regrade_note = (
            "评级服务（credit_service.grading.services.regrade_all）尚不可用，未计算信用等级；"
            "可稍后运行 flask credit regrade。"
        )
        return
    started = time.perf_counter()
    regrade_all(as_of=as_of, progress=None)
    result.regraded = True
    result.regrade_seconds = time.perf_counter() - started
