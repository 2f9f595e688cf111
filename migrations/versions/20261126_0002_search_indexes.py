"""Search indexes for partial-name agency search (SPEC.md §9: p95 < 30 ms at 100k agencies).

Current and former names are indexed; USCC and licence numbers keep their b-tree indexes.
The objects live outside the ORM metadata and are named ``search_*`` (tables, triggers,
functions) or ``trgm_*`` (indexes), which ``credit_service.core.db.migration_include_name``
leaves out of autogenerate / ``flask db check``.

PostgreSQL
  * pg_trgm GIN indexes on ``agencies.name`` and ``agency_former_names.name`` serve
    ``LIKE/ILIKE '%q%'`` for fragments of 3+ characters. pg_trgm only takes trigrams from
    "word" characters of the database's LC_CTYPE; on this server (C.UTF-8, glibc) CJK
    ideographs are word characters: ``show_trgm('济源人力资源')`` gives 7 trigrams.
    Under a plain ``C`` LC_CTYPE they would be dropped and the index would be useless for
    Chinese (tests/public/test_search_index.py checks ``show_trgm`` on the test server).
  * Trigrams cannot serve a 2-character fragment (the most common Chinese search: a
    字号 such as "宏瑞"), so a GIN index on ``search_bigrams(name)`` — the array of the
    name's lower-cased 2-character substrings — serves ``search_bigrams(name) @> ARRAY[q]``.

SQLite
  * One FTS5 table ``search_agency_names`` (trigram tokenizer): rowid = agency id for a
    current name, minus the former-name id for a former name. Column ``name`` serves
    fragments of 3+ characters (a phrase query of the fragment's trigrams matches exactly
    the names containing it); column ``pairs`` holds every 2-character substring followed
    by U+001F ("宏瑞\x1f瑞人\x1f..."), so the single trigram "宏瑞\x1f" matches exactly the
    names containing "宏瑞" (the trigram tokenizer cannot match fewer than 3 characters).
  * Kept in sync by triggers on agencies / agency_former_names; ``search_numbers`` (1..200,
    the names' maximum length) lets a trigger list the 2-character substrings without a
    recursive CTE (not allowed inside triggers).
  * NOTE for later migrations: a batch ("move and copy") ALTER of ``agencies`` or
    ``agency_former_names`` on SQLite drops and recreates the table, which drops these
    triggers; such a migration must recreate them (tests/public/test_search_index.py
    checks they exist at head).

Fragments of 1 character use no index (a bounded scan in name order, see
``credit_service/public/search_index.py``).

Revision ID: 0002_search_indexes
Revises: 0001
Create Date: 2026-11-26 08:55:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "0002_search_indexes"
down_revision = "0001"
branch_labels = None
depends_on = None

MAX_NAME = 200


def _pairs(column: str) -> str:
    # Order inside group_concat does not matter: each pair is its own trigram.
    return (f"(SELECT group_concat(substr({column}, n, 2) || char(31), '') "
            f"FROM search_numbers WHERE n < length({column}))")


SQLITE_UP = [
    "CREATE TABLE search_numbers (n INTEGER PRIMARY KEY)",
    "INSERT INTO search_numbers (n) WITH RECURSIVE r(n) AS "
    f"(SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < {MAX_NAME}) SELECT n FROM r",
    "CREATE VIRTUAL TABLE search_agency_names USING fts5("
    "name, pairs, tokenize = 'trigram', columnsize = 0)",
    # Agencies: rowid = agency id.
    "CREATE TRIGGER search_agencies_ai AFTER INSERT ON agencies BEGIN "
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"VALUES (new.id, new.name, {_pairs('new.name')}); END",
    "CREATE TRIGGER search_agencies_au AFTER UPDATE OF id, name ON agencies "
    "WHEN old.name IS NOT new.name OR old.id IS NOT new.id BEGIN "
    "DELETE FROM search_agency_names WHERE rowid = old.id; "
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"VALUES (new.id, new.name, {_pairs('new.name')}); END",
    "CREATE TRIGGER search_agencies_ad AFTER DELETE ON agencies BEGIN "
    "DELETE FROM search_agency_names WHERE rowid = old.id; END",
    # Former names: rowid = -(former name id); deleted with their agency by ON DELETE
    # CASCADE, which fires this table's DELETE trigger.
    "CREATE TRIGGER search_former_names_ai AFTER INSERT ON agency_former_names BEGIN "
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"VALUES (-new.id, new.name, {_pairs('new.name')}); END",
    "CREATE TRIGGER search_former_names_au AFTER UPDATE OF id, name ON agency_former_names "
    "WHEN old.name IS NOT new.name OR old.id IS NOT new.id BEGIN "
    "DELETE FROM search_agency_names WHERE rowid = -old.id; "
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"VALUES (-new.id, new.name, {_pairs('new.name')}); END",
    "CREATE TRIGGER search_former_names_ad AFTER DELETE ON agency_former_names BEGIN "
    "DELETE FROM search_agency_names WHERE rowid = -old.id; END",
    # Rows already there.
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"SELECT id, name, {_pairs('agencies.name')} FROM agencies",
    "INSERT INTO search_agency_names (rowid, name, pairs) "
    f"SELECT -id, name, {_pairs('agency_former_names.name')} FROM agency_former_names",
]

SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS search_former_names_ad",
    "DROP TRIGGER IF EXISTS search_former_names_au",
    "DROP TRIGGER IF EXISTS search_former_names_ai",
    "DROP TRIGGER IF EXISTS search_agencies_ad",
    "DROP TRIGGER IF EXISTS search_agencies_au",
    "DROP TRIGGER IF EXISTS search_agencies_ai",
    "DROP TABLE IF EXISTS search_agency_names",
    "DROP TABLE IF EXISTS search_numbers",
]

POSTGRESQL_UP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # IMMUTABLE so it can be indexed: depends on its argument only (lower() is immutable).
    "CREATE FUNCTION search_bigrams(t text) RETURNS text[] "
    "LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ "
    "SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}') "
    "FROM generate_series(1, char_length(t) - 1) AS i $$",
    "CREATE INDEX trgm_agencies_name ON agencies USING gin (name gin_trgm_ops)",
    "CREATE INDEX trgm_agency_former_names_name ON agency_former_names "
    "USING gin (name gin_trgm_ops)",
    "CREATE INDEX trgm_agencies_bigrams ON agencies USING gin (search_bigrams(name))",
    "CREATE INDEX trgm_agency_former_names_bigrams ON agency_former_names "
    "USING gin (search_bigrams(name))",
]

POSTGRESQL_DOWN = [
    "DROP INDEX IF EXISTS trgm_agency_former_names_bigrams",
    "DROP INDEX IF EXISTS trgm_agencies_bigrams",
    "DROP INDEX IF EXISTS trgm_agency_former_names_name",
    "DROP INDEX IF EXISTS trgm_agencies_name",
    "DROP FUNCTION IF EXISTS search_bigrams(text)",
    # The pg_trgm extension stays: other objects of the database may use it.
]


def _statements(up: bool) -> list[str]:
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        return POSTGRESQL_UP if up else POSTGRESQL_DOWN
    if dialect == "sqlite":
        return SQLITE_UP if up else SQLITE_DOWN
    raise NotImplementedError(f"search indexes for {dialect}")


def upgrade():
    for statement in _statements(up=True):
        op.execute(statement)


def downgrade():
    for statement in _statements(up=False):
        op.execute(statement)
