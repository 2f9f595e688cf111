"""The fixed layering of SPEC.md §2: ``scoring/`` and ``publication/`` never import the
application (``credit_service``) or its settings; ``credit_service`` calls them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.append(node.module or "")
    return names


@pytest.mark.parametrize("package", ["scoring", "publication"])
def test_library_packages_do_not_import_the_application(package):
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    offending = [(path.name, name) for path in files for name in _imports(path)
                 if name.split(".")[0] in ("credit_service", "config", "flask", "flask_sqlalchemy")]
    assert offending == []


def test_the_check_would_see_an_application_import(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text("from credit_service.extensions import db\nimport config\n", encoding="utf-8")
    assert _imports(sample) == ["credit_service.extensions", "config"]
