"""Test setup: a real database migrated with the real migration chain, and a
transaction per test that is rolled back afterwards (indico/Notify style).

SQLite by default; set TEST_DATABASE_URL (e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test)
to run against PostgreSQL. For PostgreSQL a fresh database with a unique name is created on
that server for the session and dropped at the end, so concurrent runs never collide.
"""

from __future__ import annotations

import os
import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.orm import scoped_session, sessionmaker

pytest_plugins = [
    "tests.fixtures.users",
    "tests.fixtures.agencies",
    "tests.fixtures.staff",
]


def _create_pg_database(base_url: str) -> tuple[str, callable]:
    url = make_url(base_url)
    name = f"credit_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    base = os.environ.get("TEST_DATABASE_URL")
    if base and base.startswith("postgresql"):
        url, drop = _create_pg_database(base)
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    from flask_migrate import upgrade

    from config import TestingConfig
    from credit_service import create_app

    instance = tmp_path_factory.mktemp("instance")
    config = TestingConfig(instance)
    config.SQLALCHEMY_DATABASE_URI = database_url
    config.DOCUMENT_DIR = None
    os.environ["CREDIT_INSTANCE_PATH"] = str(instance)
    app = create_app(config)
    with app.app_context():
        upgrade()
        from credit_service.extensions import db

        db.engine.dispose()
    yield app
    with app.app_context():
        from credit_service.extensions import db

        db.engine.dispose()


@pytest.fixture
def app(_app):
    """The app with an app context whose session lives inside one outer transaction
    that is rolled back after the test; service commits become savepoint releases."""
    from credit_service.extensions import db

    with _app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield _app
        finally:
            db.session.remove()
            db.session = original
            if outer.is_active:
                outer.rollback()
            connection.close()


@pytest.fixture
def db(app):
    from credit_service.extensions import db as _db

    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def committed_app(_app):
    """For tests that need real commits seen by other connections (concurrency,
    scheduler runs, the CLI). Every table is emptied afterwards."""
    from credit_service.extensions import db

    with _app.app_context():
        try:
            yield _app
        finally:
            db.session.remove()
            _truncate_all(db)


def _truncate_all(db) -> None:
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # audit_events refuses DELETE by trigger; TRUNCATE is not a row-level operation.
            conn.exec_driver_sql(
                "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
            )
        else:
            for table in tables:
                conn.exec_driver_sql(f'DELETE FROM "{table}"')


@pytest.fixture
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture(autouse=True)
def _fresh_profile_cache():
    # Rolling back a test's transaction flushes nothing, so remembered profile stamps (and
    # the JSON/HTML bodies cached under them) would outlive the rows they describe; each
    # test starts from an empty cache.
    from credit_service.api.cache import profiles

    profiles.clear()
    yield
    profiles.clear()
