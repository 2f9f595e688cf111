#!/usr/bin/env bash
# THE run command. On a fresh Debian machine it:
#   1. installs the system packages WeasyPrint needs and a CJK font (scripts/install-system-deps.sh),
#   2. creates .venv and installs the Python dependencies (scripts/bootstrap.sh),
#   3. migrates the database (flask db upgrade),
#   4. loads the demo data set when the database is empty (flask credit demo --if-empty),
#   5. starts the web server on 127.0.0.1:5000 (gunicorn, 2 workers)
#      and the one scheduler process (flask credit scheduler),
#   6. prints the URL and the demo logins, and stops both processes on Ctrl-C.
#
# `bash scripts/run.sh --check` does steps 1-4 and checks that the server and scheduler
# commands are available, without starting anything (used by the tests and CI).
# Environment: CREDIT_HOST / CREDIT_PORT (default 127.0.0.1 / 5000), CREDIT_WORKERS (2),
# plus the app settings documented in README.md (DATABASE_URL, CREDIT_INSTANCE_PATH, ...).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

CHECK_ONLY=0
if [ "${1:-}" = "--check" ]; then
    CHECK_ONLY=1
fi

HOST="${CREDIT_HOST:-127.0.0.1}"
PORT="${CREDIT_PORT:-5000}"
WORKERS="${CREDIT_WORKERS:-2}"
export FLASK_APP=credit_service

bash scripts/install-system-deps.sh
bash scripts/bootstrap.sh

FLASK=(.venv/bin/flask --app credit_service)

echo "run: migrating the database"
"${FLASK[@]}" db upgrade
echo "run: loading demo data if the database is empty"
"${FLASK[@]}" credit demo --if-empty

WEB=(.venv/bin/gunicorn --workers "$WORKERS" --bind "$HOST:$PORT" --access-logfile - "credit_service:create_app()")
SCHEDULER=("${FLASK[@]}" credit scheduler)
# Both commands must exist before anything is started (a half-started service is worse than none).
.venv/bin/gunicorn --version >/dev/null
"${SCHEDULER[@]}" --help >/dev/null

if [ "$CHECK_ONLY" -eq 1 ]; then
    echo "run --check: web server command: ${WEB[*]}"
    echo "run --check: scheduler command: ${SCHEDULER[*]}"
    echo "run --check: OK"
    exit 0
fi

pids=()
cleanup() {
    trap - INT TERM EXIT
    echo
    echo "run: stopping (${pids[*]:-})"
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

"${WEB[@]}" &
pids+=($!)
"${SCHEDULER[@]}" &
pids+=($!)

sleep 1
echo
echo "======================================================================"
echo " 人力资源市场信用监管服务已启动 / the service is running"
echo "   公开网站 / public site:   http://$HOST:$PORT/"
echo "   工作人员 / staff:         http://$HOST:$PORT/staff/"
echo "   API:                      http://$HOST:$PORT/api/v1/openapi.json"
"${FLASK[@]}" credit demo --show-logins
echo " 按 Ctrl-C 停止 / press Ctrl-C to stop"
echo "======================================================================"

# Exit (and stop the other process) as soon as either process ends.
wait -n "${pids[@]}"
