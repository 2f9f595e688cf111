#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with its test extra.
# Re-running is cheap: pip only reinstalls when pyproject.toml changed since the last run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.credit-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || ! .venv/bin/python -c "import credit_service" 2>/dev/null; then
    echo "bootstrap: installing Python dependencies"
    .venv/bin/python -m pip install --quiet -e '.[test]'
    touch "$stamp"
else
    echo "bootstrap: Python dependencies up to date."
fi
