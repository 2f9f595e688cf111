"""`flask credit backup` makes a restorable copy that contains the data and the audit row."""

import sqlite3

import sqlalchemy as sa

from credit_service.audit.models import AuditEvent


def test_backup_contains_committed_data_and_is_audited(committed_app, tmp_path, create_agency_committed):
    agency = create_agency_committed(name="备份测试人力资源有限公司")
    runner = committed_app.test_cli_runner()

    result = runner.invoke(args=["credit", "backup", "--to", str(tmp_path)])

    assert result.exit_code == 0, result.output
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    backup = files[0]
    if backup.suffix == ".sqlite3":
        with sqlite3.connect(backup) as conn:
            names = [r[0] for r in conn.execute("SELECT name FROM agencies")]
        assert agency.name in names
    else:  # PostgreSQL custom-format dump
        assert backup.read_bytes()[:5] == b"PGDMP"
    from credit_service.extensions import db

    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "backup.create")).all()
    assert len(audit) == 1 and audit[0].actor_label == "cli"
