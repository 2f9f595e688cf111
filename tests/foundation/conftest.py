"""Scratch databases for tests that need their own schema or real commits outside the
shared rolled-back test transaction: migrations up/down and demo loads."""

from __future__ import annotations

import os

import pytest

from tests.conftest import _create_pg_database


def backends() -> list[str]:
    """SQLite always; PostgreSQL as well when the run targets it (TEST_DATABASE_URL)."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return ["sqlite", "postgresql"] if url.startswith("postgresql") else ["sqlite"]


@pytest.fixture
def make_scratch_app(tmp_path):
    """``make_scratch_app(backend, migrate=True)`` -> a Flask app on a brand-new empty
    database (temp SQLite file, or a uniquely named PostgreSQL database dropped afterwards)."""
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import db

    cleanups = []
    counter = iter(range(1000))

    def _make(backend: str = "sqlite", migrate: bool = True):
        n = next(counter)
        instance = tmp_path / f"instance-{n}"
        instance.mkdir()
        if backend == "postgresql":
            url, drop = _create_pg_database(os.environ["TEST_DATABASE_URL"])
        else:
            url, drop = f"sqlite:///{instance / 'scratch.sqlite3'}", None
        config = TestingConfig(instance)
        config.SQLALCHEMY_DATABASE_URI = url
        config.DOCUMENT_DIR = None
        app = create_app(config)
        if migrate:
            from flask_migrate import upgrade

            with app.app_context():
                upgrade()

        def cleanup():
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            if drop:
                drop()

        cleanups.append(cleanup)
        return app

    yield _make
    for cleanup in reversed(cleanups):
        cleanup()
