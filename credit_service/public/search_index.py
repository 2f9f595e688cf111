"""The name search index: which agencies' current or former names contain a fragment.

Built by migration ``0002_search_indexes`` (read its docstring for the objects):

* PostgreSQL — pg_trgm GIN indexes answer ``LIKE/ILIKE '%q%'`` for fragments of 3+
  characters; GIN indexes on ``search_bigrams(name)`` answer 2-character fragments.
  The planner picks between them and the name-ordered b-tree scan (a very common fragment
  is cheaper to find in name order, stopping at the page).
* SQLite — the FTS5 trigram table ``search_agency_names`` (rowid = agency id for current
  names, minus the former-name id for former names), kept in sync by triggers. SQLite's
  planner cannot weigh FTS against the name index, so :func:`name_hits` asks FTS for at
  most ``limit`` hits and the caller falls back to the name-ordered scan only when there
  are more (a common fragment, found quickly in name order).

A 1-character fragment has no index on either database: it is answered by the
name-ordered scan, which stops after the page (1 character matches most names, so
the scan is short; a rare character costs one pass over the name index).

Matching is the same everywhere: a case-insensitive substring test (SQLite's LIKE folds
ASCII; PostgreSQL uses ILIKE when the fragment has cased letters, LIKE otherwise, which
is the same test for Chinese and cheaper).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from credit_service.agencies.models import Agency, FormerName
from credit_service.extensions import db

FTS_TABLE = "search_agency_names"
PAIR_MARK = "\x1f"  # follows each 2-character substring in the ``pairs`` column
MIN_TRIGRAM = 3

_fts = sa.table(FTS_TABLE, sa.column("rowid", sa.Integer))


def dialect_name() -> str:
    return db.session.get_bind().dialect.name


def _has_case(query: str) -> bool:
    return query.lower() != query.upper()


def contains(column, query: str):
    """The substring test every search path uses (wildcards in ``query`` are literal)."""
    if dialect_name() == "postgresql" and _has_case(query):
        escaped = query.replace("/", "//").replace("%", "/%").replace("_", "/_")
        return column.ilike(f"%{escaped}%", escape="/")
    return column.contains(query, autoescape=True)


def name_contains(text: str, query: str) -> bool:
    """The same test in Python, for the reasons shown under each hit."""
    return query.lower() in text.lower()


def indexed(column, query: str):
    """``contains`` in a form the database's index serves (PostgreSQL; on SQLite the
    index is the FTS table, see :func:`fts_query`)."""
    condition = contains(column, query)
    if dialect_name() == "postgresql" and len(query) == 2:
        bigram = sa.cast(postgresql.array([query.lower()]), postgresql.ARRAY(sa.Text))
        condition = sa.and_(func.search_bigrams(column).op("@>")(bigram), condition)
    return condition


def fts_query(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query``, or None when FTS cannot answer it."""
    if len(query) >= MIN_TRIGRAM:
        return 'name : "' + query.replace('"', '""') + '"'
    if len(query) == 2:
        return 'pairs : "' + (query + PAIR_MARK).replace('"', '""') + '"'
    return None


def _fts_match(match: str):
    return sa.literal_column(FTS_TABLE).op("MATCH")(match)


def uses_fts(query: str) -> bool:
    return dialect_name() == "sqlite" and fts_query(query) is not None


def name_hits(query: str, filters: list, limit: int) -> list | None:
    """Up to ``limit`` (id, name) rows of agencies whose current name contains ``query``,
    in no particular order — from the FTS table on SQLite, the trigram/bigram indexes on
    PostgreSQL (unordered, so the scan stops at ``limit`` rows however common the
    fragment); None when no index can answer (SQLite and 1 character): the caller then
    uses the name-ordered query."""
    if dialect_name() == "postgresql":
        return db.session.execute(select(Agency.id, Agency.name)
                                  .where(indexed(Agency.name, query), *filters)
                                  .limit(limit)).all()
    if not uses_fts(query):
        return None
    return db.session.execute(name_hits_statement(query, filters, limit)).all()


def pages_by_name_scan(query: str) -> bool:
    """Whether a common fragment's page comes from a scan in name order with the plain
    substring test (after :func:`name_hits` found more than the exact-set limit)."""
    return dialect_name() == "postgresql" or uses_fts(query)


def name_hits_statement(query: str, filters: list, limit: int):
    """SQLite: FTS finds the rowids, each agency is then read by its primary key."""
    return (
        select(Agency.id, Agency.name).select_from(_fts)
        .join(Agency, Agency.id == _fts.c.rowid)
        .where(_fts_match(fts_query(query)), _fts.c.rowid > 0, *filters)
        .limit(limit)
    )


def count_name_hits(query: str, filters: list) -> int:
    """How many agencies' current names contain ``query``."""
    if uses_fts(query):
        statement = select(func.count()).select_from(_fts)
        if filters:
            statement = statement.join(Agency, Agency.id == _fts.c.rowid)
        statement = statement.where(_fts_match(fts_query(query)), _fts.c.rowid > 0, *filters)
    else:
        # Only asked for a common fragment (more than SCAN_LIMIT hits): a plain substring
        # count over the table. The bigram test of `indexed` would be evaluated row by row
        # whenever the planner prefers a scan to the index — 330 ms instead of 15 ms for
        # "有限" at 100,000 agencies (bench/search.py).
        statement = select(func.count()).select_from(Agency).where(
            contains(Agency.name, query), *filters)
    return db.session.scalar(statement) or 0


def former_name_condition(query: str):
    """A condition on ``FormerName`` rows whose name contains ``query``.

    SQLite: the FTS table. PostgreSQL: the plain substring test, which the trigram index
    serves for 3+ characters. Not the 2-character bigram test of :func:`indexed`: former
    names are a small table, so for a common fragment the planner scans it, and then
    computing every row's bigrams costs 4x the scan itself (measured with bench/search.py:
    76 ms against 19 ms for "有限" at 100,000 agencies / 9,400 former names)."""
    if uses_fts(query):
        return FormerName.id.in_(
            select(-_fts.c.rowid).where(_fts_match(fts_query(query)), _fts.c.rowid < 0))
    return contains(FormerName.name, query)


def rebuild_search_index(connection: Connection) -> None:
    """Refill the SQLite FTS table from agencies and former names (after rows were written
    with the triggers missing, or to repair it); PostgreSQL indexes need nothing."""
    if connection.dialect.name != "sqlite":
        return

    def pairs(column: str) -> str:
        return (f"(SELECT group_concat(substr({column}, n, 2) || char(31), '') "
                f"FROM search_numbers WHERE n < length({column}))")

    connection.exec_driver_sql(f"DELETE FROM {FTS_TABLE}")
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, name, pairs) "
        f"SELECT id, name, {pairs('agencies.name')} FROM agencies")
    connection.exec_driver_sql(
        f"INSERT INTO {FTS_TABLE} (rowid, name, pairs) "
        f"SELECT -id, name, {pairs('agency_former_names.name')} FROM agency_former_names")
