"""``flask credit backup``."""

from pathlib import Path

import click
from flask import current_app


def register(group: click.Group) -> None:
    @group.command("backup")
    @click.option("--to", "target", type=click.Path(file_okay=False, path_type=Path),
                  default=None, help="备份目录（默认 instance/backups）")
    def backup_command(target: Path | None) -> None:
        """备份数据库（以及已配置的文书目录）。"""
        from credit_service.audit.context import acting_as
        from credit_service.backup.services import make_backup

        target = target or Path(current_app.instance_path) / "backups"
        with acting_as("cli"):
            result = make_backup(target)
        click.echo(f"数据库已备份到 {result.database_file}")
        if result.documents_file:
            click.echo(f"文书目录已备份到 {result.documents_file}")
