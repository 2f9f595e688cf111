"""Writes generated demo rows into the database.

The demo is a loader, not a user: it writes rows directly (no services, no audit trail),
in one transaction. Two writers:

* ``core``: SQLAlchemy Core ``insert()`` executemany in chunks, with the column types'
  own validation (used for the realistic demo);
* ``fast``: the driver's bulk path for the scale data set — ``cursor.executemany`` on SQLite
  and ``COPY … FROM STDIN`` (psycopg ``cursor.copy()``) on PostgreSQL — because 1,000,000
  records through the ORM would take many minutes instead of seconds.

Ids come from the generator, so PostgreSQL sequences are moved past them afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from itertools import islice
from queue import Queue
from threading import Thread

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from credit_service.demo.generator import TableRows

CHUNK = 20_000
# Tables at least this big get their constraints and indexes rebuilt after COPY.
REBUILD_THRESHOLD = 50_000


def database_is_empty(conn: Connection) -> bool:
    """No agencies and no staff users: nothing anyone could have entered yet."""
    for table in ("agencies", "users"):
        if conn.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            return False
    return True


def wipe(conn: Connection, metadata: sa.MetaData) -> None:
    """Delete every row of every application table (``--force``)."""
    tables = [t.name for t in reversed(metadata.sorted_tables)]
    if conn.dialect.name == "postgresql":
        # TRUNCATE, because the append-only audit_events table refuses DELETE by trigger.
        conn.exec_driver_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    else:
        for table in tables:
            conn.exec_driver_sql(f'DELETE FROM "{table}"')


@contextmanager
def bulk_transaction(engine: sa.Engine, *, fast: bool) -> Iterator[Connection]:
    """One transaction for the whole load.

    For the SQLite bulk path, foreign keys and CHECK constraints are switched off for this
    connection while inserting (together they cost about two thirds of the insert time;
    the generator's ids and values are consistent by construction) and verified once per
    table by :meth:`BulkWriter.finish` (``PRAGMA foreign_key_check`` and ``quick_check``,
    which evaluates CHECK and NOT NULL) before the commit, so a bad row still rolls the
    whole load back. UNIQUE constraints stay enforced row by row.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        sqlite_fast = fast and conn.dialect.name == "sqlite"
        if sqlite_fast:
            # foreign_keys must be set outside a transaction; the raw connection is in
            # autocommit mode until SQLAlchemy begins.
            raw.execute("PRAGMA foreign_keys=OFF")
            raw.execute("PRAGMA ignore_check_constraints=ON")
            raw.execute("PRAGMA cache_size=-262144")
        try:
            with conn.begin():
                yield conn
        finally:
            if sqlite_fast:
                raw.execute("PRAGMA foreign_keys=ON")
                raw.execute("PRAGMA ignore_check_constraints=OFF")
                raw.execute("PRAGMA cache_size=-2000")


def _chunks(rows: Iterable[tuple], size: int):
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


_DONE = object()


def _prefetched_chunks(rows: Iterable[tuple], size: int, convert=None):
    """Chunks generated (and converted) by a background thread while the caller writes
    the previous one: the drivers release the GIL inside SQLite / on the socket, so
    generation and insertion overlap on a second core. Order is preserved."""
    if isinstance(rows, list) and len(rows) <= size:
        if rows:
            yield convert(rows) if convert else rows
        return
    queue: Queue = Queue(maxsize=3)

    def produce() -> None:
        try:
            for chunk in _chunks(rows, size):
                queue.put(convert(chunk) if convert else chunk)
            queue.put(_DONE)
        except BaseException as exc:  # re-raised in the consumer
            queue.put(exc)

    thread = Thread(target=produce, name="demo-rows", daemon=True)
    thread.start()
    while (item := queue.get()) is not _DONE:
        if isinstance(item, BaseException):
            raise item
        yield item
    thread.join()


def _sqlite_converter(column: sa.Column) -> Callable | None:
    # The same text forms SQLAlchemy's SQLite types write, so ORM reads work unchanged.
    if isinstance(column.type, sa.DateTime):
        stamps: dict[dt.datetime, str] = {}

        def stamp(value: dt.datetime) -> str:
            text = stamps.get(value)
            if text is None:
                text = stamps[value] = value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
            return text

        return stamp
    if isinstance(column.type, sa.Date):
        memo: dict[dt.date, str] = {}

        def iso(value: dt.date) -> str:  # a few thousand distinct days among millions of rows
            text = memo.get(value)
            if text is None:
                text = memo[value] = value.isoformat()
            return text

        return iso
    if isinstance(column.type, sa.Numeric):
        return float
    return None


class BulkWriter:
    def __init__(self, conn: Connection, metadata: sa.MetaData, *, fast: bool,
                 progress: Callable[[str, int], None] | None = None):
        self.conn = conn
        self.metadata = metadata
        self.fast = fast
        self.progress = progress or (lambda table, n: None)
        self.counts: dict[str, int] = {}

    def write(self, block: TableRows) -> int:
        table = self.metadata.tables[block.table]
        if not self.fast:
            written = self._write_core(table, block)
        elif self.conn.dialect.name == "postgresql":
            written = self._write_copy(table, block)
        else:
            written = self._write_executemany(table, block)
        self.counts[block.table] = self.counts.get(block.table, 0) + written
        return written

    def _write_core(self, table: sa.Table, block: TableRows) -> int:
        written = 0
        for chunk in _chunks(block.rows, 5_000):
            self.conn.execute(table.insert(), [dict(zip(block.columns, row, strict=True))
                                               for row in chunk])
            written += len(chunk)
            self.progress(block.table, len(chunk))
        return written

    def _write_executemany(self, table: sa.Table, block: TableRows) -> int:
        converters = [
            (i, conv) for i, name in enumerate(block.columns)
            if (conv := _sqlite_converter(table.c[name])) is not None
        ]
        sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
            table.name, ", ".join(f'"{c}"' for c in block.columns),
            ", ".join("?" for _ in block.columns),
        )
        def convert(chunk: list[tuple]) -> list:
            converted = []
            for row in chunk:
                values = list(row)
                for i, conv in converters:
                    if values[i] is not None:
                        values[i] = conv(values[i])
                converted.append(values)
            return converted

        cursor = self.conn.connection.driver_connection.cursor()
        written = 0
        try:
            for chunk in _prefetched_chunks(block.rows, CHUNK, convert if converters else None):
                cursor.executemany(sql, chunk)
                written += len(chunk)
                self.progress(block.table, len(chunk))
        finally:
            cursor.close()
        return written

    def _write_copy(self, table: sa.Table, block: TableRows) -> int:
        columns = ", ".join(f'"{c}"' for c in block.columns)
        written = 0
        # For big tables, checking each row's foreign keys and updating every index row by
        # row costs several times the COPY itself; dropping them and re-adding afterwards
        # validates and builds them in one pass each (PostgreSQL docs, "Populating a
        # Database" 14.4.4-14.4.5). DDL is transactional, so a failure undoes it all.
        deferred = self._drop_for_load(table.name) if block.count >= REBUILD_THRESHOLD else []
        with self.conn.connection.driver_connection.cursor() as cursor:
            with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
                for chunk in _prefetched_chunks(block.rows, CHUNK):
                    for row in chunk:
                        copy.write_row(row)
                    written += len(chunk)
                    self.progress(block.table, len(chunk))
        for statement in deferred:
            self.conn.exec_driver_sql(statement)
        return written

    def _drop_for_load(self, table: str) -> list[str]:
        """Drop the table's foreign keys, unique constraints and secondary indexes (found
        in the catalog, so indexes added by later migrations are included); return the
        statements that recreate them."""
        conn = self.conn
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        recreate: list[str] = []
        constraints = conn.execute(sa.text(
            "SELECT c.conname, pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
            "WHERE c.conrelid = CAST(:t AS regclass) AND c.contype IN ('f', 'u') "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint r WHERE r.contype = 'f' "
            "                AND r.conindid = c.conindid AND r.conrelid <> c.conrelid) "
            "ORDER BY c.contype DESC, c.conname"
        ), {"t": table}).all()
        for name, definition, _kind in constraints:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            recreate.append(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        indexes = conn.execute(sa.text(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = CAST(:t AS regclass) AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)"
        ), {"t": table}).all()
        for name, definition in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
            recreate.insert(0, definition)
        return recreate

    def finish(self) -> None:
        """Move PostgreSQL id sequences past the explicit ids; refresh planner statistics."""
        if self.conn.dialect.name == "postgresql":
            for name in self.counts:
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('\"{name}\"', 'id'), "
                    f'(SELECT COALESCE(MAX(id), 0) + 1 FROM "{name}"), false)'
                )
            for name in self.counts:
                self.conn.exec_driver_sql(f'ANALYZE "{name}"')
        else:
            if self.fast:
                self._verify_sqlite()
                # Sampled statistics: a full ANALYZE of a million-row table takes seconds.
                self.conn.exec_driver_sql("PRAGMA analysis_limit=1000")
            self.conn.exec_driver_sql("ANALYZE")
            self.conn.exec_driver_sql("PRAGMA analysis_limit=0")

    def _verify_sqlite(self) -> None:
        """The checks skipped while inserting (see :func:`bulk_transaction`): foreign keys
        with ``PRAGMA foreign_key_check``, and every CHECK constraint of the table (enum
        values, date order, non-negative amounts...) evaluated in one scan per table."""
        self.conn.exec_driver_sql("PRAGMA ignore_check_constraints=OFF")
        for name in self.counts:
            broken = self.conn.exec_driver_sql(f'PRAGMA foreign_key_check("{name}")').fetchmany(3)
            if broken:
                raise RuntimeError(f"demo data: broken foreign keys in {name}: {broken}")
            checks = [c for c in self.metadata.tables[name].constraints
                      if isinstance(c, sa.CheckConstraint)]
            if not checks:
                continue
            texts = [str(c.sqltext.compile(dialect=self.conn.dialect,
                                           compile_kwargs={"literal_binds": True}))
                     for c in checks]
            # A CHECK passes when its expression is true or NULL: count rows where it is false.
            failing = self.conn.exec_driver_sql(
                "SELECT " + ", ".join(f"COALESCE(SUM(NOT ({t})), 0)" for t in texts)
                + f' FROM "{name}"'
            ).one()
            bad = [c.name for c, n in zip(checks, failing, strict=True) if n]
            if bad:
                raise RuntimeError(f"demo data: {name} fails its constraints: {bad}")
