"""The one CLI group: ``flask --app credit_service credit <command>``.

Commands live beside their feature (``<feature>/cli.py``) and are thin wrappers
over services.
"""

import click
from flask.cli import AppGroup


@click.group("credit", cls=AppGroup)
def credit() -> None:
    """人力资源市场信用监管服务的管理命令。"""
