"""The real migration chain: up from an empty database, down to base, up again, and no
drift between the models and the migrated schema (what ``flask db check`` reports)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.foundation.conftest import backends


def _tables(db) -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def _schema_diff(app, db) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    # The same options env.py gives autogenerate (compare_type, include_object, ...).
    opts = dict(app.extensions["migrate"].configure_args)
    opts.setdefault("compare_type", True)
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts=opts)
        return compare_metadata(context, db.metadata)


@pytest.mark.parametrize("backend", backends())
def test_migration_chain_up_down_up_without_drift(make_scratch_app, backend):
    from flask_migrate import check, downgrade, upgrade

    from credit_service.extensions import db

    app = make_scratch_app(backend, migrate=False)
    with app.app_context():
        assert _tables(db) == set()
        upgrade()
        model_tables = set(db.metadata.tables)
        assert model_tables <= _tables(db)
        assert _schema_diff(app, db) == []

        downgrade(revision="base")
        assert _tables(db) - {"alembic_version"} == set()

        upgrade()
        assert model_tables <= _tables(db)
        assert _schema_diff(app, db) == []
        # `flask db check` itself: exits non-zero (SystemExit) when it finds drift.
        check()


def test_migration_files_have_downgrades_and_a_single_head(make_scratch_app):
    from alembic.script import ScriptDirectory

    app = make_scratch_app("sqlite", migrate=False)
    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
        scripts = ScriptDirectory.from_config(config)
        assert len(scripts.get_heads()) == 1
        for revision in scripts.walk_revisions():
            with open(revision.path, encoding="utf-8") as handle:
                source = handle.read()
            downgrade_body = source.split("def downgrade", 1)[1]
            assert "op." in downgrade_body, f"{revision.path}: downgrade does nothing"
