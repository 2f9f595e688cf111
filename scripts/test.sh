#!/usr/bin/env bash
# THE test command: system packages, virtualenv and dependencies, then pytest.
# Extra arguments go to pytest, e.g. `bash scripts/test.sh tests/foundation -x`.
# SQLite by default; set TEST_DATABASE_URL=postgresql+psycopg://user@host:5432/db to run on
# PostgreSQL (the test session creates and drops its own uniquely named database there).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

bash scripts/install-system-deps.sh
bash scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"
