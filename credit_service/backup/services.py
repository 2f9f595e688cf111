"""Backups: a consistent copy of the database (and the document directory, if one is set).

SQLite uses the online backup API (consistent while the service runs); PostgreSQL uses
``pg_dump --format=custom`` (restore with ``pg_restore``). The audit log is part of the
database, so a backup keeps it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy.engine import make_url

from credit_service.audit.services import record_audit
from credit_service.core.db import transactional
from credit_service.core.errors import ValidationFailed


@dataclass(frozen=True)
class BackupResult:
    database_file: Path
    documents_file: Path | None


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def backup_database(target_dir: Path) -> Path:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    target_dir.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise ValidationFailed("内存数据库无法备份")
        out = target_dir / f"credit-{_stamp()}.sqlite3"
        source = sqlite3.connect(url.database)
        try:
            dest = sqlite3.connect(out)
            with dest:
                source.backup(dest)
            dest.close()
        finally:
            source.close()
        return out
    if url.get_backend_name() == "postgresql":
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise ValidationFailed("未找到 pg_dump，请安装 PostgreSQL 客户端（apt-get install postgresql-client）")
        out = target_dir / f"credit-{_stamp()}.pgdump"
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([pg_dump, "--format=custom", "--file", str(out), "--dbname", plain],
                       check=True, capture_output=True)
        return out
    raise ValidationFailed(f"不支持备份该数据库类型：{url.get_backend_name()}")


def backup_documents(target_dir: Path) -> Path | None:
    document_dir = current_app.config.get("DOCUMENT_DIR")
    if not document_dir or not Path(document_dir).is_dir():
        return None  # documents are stored in the database and copied with it
    out = target_dir / f"documents-{_stamp()}.tar.gz"
    with tarfile.open(out, "w:gz") as tar:
        tar.add(document_dir, arcname="documents")
    return out


@transactional
def make_backup(target_dir: Path, actor=None) -> BackupResult:
    result = BackupResult(backup_database(target_dir), backup_documents(target_dir))
    record_audit("backup.create", object_type="backup", object_id=result.database_file.name,
                 actor=actor, after={"database_file": str(result.database_file),
                                     "documents_file": str(result.documents_file or "")})
    return result
