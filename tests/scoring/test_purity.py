"""scoring/ is pure: it must import neither Flask, SQLAlchemy nor credit_service."""

from __future__ import annotations

import ast
from pathlib import Path

import scoring

FORBIDDEN = ("flask", "sqlalchemy", "credit_service", "config")


def test_scoring_imports_no_framework_or_application_code():
    for path in Path(scoring.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            for name in names:
                assert name.split(".")[0] not in FORBIDDEN, f"{path.name} imports {name}"
