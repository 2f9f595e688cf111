#!/usr/bin/env bash
# Creates .venv (if missing) and installs the project with its test extra.
# Re-running is cheap: pip runs again only when pyproject.toml or the set of top-level
# packages changed (an editable install records which packages exist when it runs).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"

if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "bootstrap: 需要 Python 3.11 或更高版本 / Python >= 3.11 is required;" \
         "'$PYTHON' is $("$PYTHON" --version 2>&1 || echo missing). Set PYTHON=/path/to/python3.11." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv with $("$PYTHON" --version)"
    "$PYTHON" -m venv .venv
fi

stamp=.venv/.credit-installed
want="$( (cat pyproject.toml; ls -d ./*/__init__.py) | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ] || ! .venv/bin/python -c "import credit_service" 2>/dev/null; then
    echo "bootstrap: installing Python dependencies"
    .venv/bin/python -m pip install --quiet -e '.[test]'
    echo "$want" > "$stamp"
else
    echo "bootstrap: Python dependencies up to date."
fi
