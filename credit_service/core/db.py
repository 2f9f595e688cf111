"""Declarative base with a constraint naming convention, column helpers, and the
one transaction boundary services use (modelled on GOV.UK Notify's ``autocommit``)."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A stored timestamp as an aware UTC datetime: SQLite returns naive datetimes even for
    timezone-aware columns (they are stored in UTC)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def enum_type(enum_cls, name: str) -> Enum:
    """A portable enum: VARCHAR plus a named CHECK constraint on every database."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


_tx_depth: contextvars.ContextVar[int] = contextvars.ContextVar("credit_tx_depth", default=0)

F = TypeVar("F", bound=Callable)


def transactional(fn: F) -> F:
    """Commit when the outermost service call returns, roll back if it raises.

    Nested service calls join the outer transaction, so a use case is all-or-nothing.
    """

    @wraps(fn)
    def wrapper(*args, **kwargs):
        from credit_service.extensions import db

        depth = _tx_depth.get()
        token = _tx_depth.set(depth + 1)
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                db.session.commit()
            return result
        except BaseException:
            if depth == 0:
                db.session.rollback()
            raise
        finally:
            _tx_depth.reset(token)

    return wrapper  # type: ignore[return-value]


def configure_sqlite(engine: Engine) -> None:
    """Foreign keys on, and pysqlite's implicit transactions replaced by explicit BEGIN
    so SAVEPOINTs (tests, nested use cases) behave (SQLAlchemy docs, 'Serializable
    isolation / Savepoints / Transactional DDL')."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN")


# Search indexes live outside the ORM metadata (SQLite FTS5 virtual tables and their
# shadow tables, PostgreSQL pg_trgm GIN indexes); autogenerate and `flask db check`
# must not report them as drift. Flask-Migrate passes this to Alembic's configure().
SEARCH_TABLE_PREFIX = "search_"
SEARCH_INDEX_PREFIX = "trgm_"


def migration_include_name(name, type_, parent_names) -> bool:
    if type_ == "table" and name and name.startswith(SEARCH_TABLE_PREFIX):
        return False
    if type_ == "index" and name and name.startswith(SEARCH_INDEX_PREFIX):
        return False
    return True
