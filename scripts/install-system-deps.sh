#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the service needs, only those that are missing:
#   Python: python3 python3-venv (stock Debian has no ensurepip without python3-venv);
#   WeasyPrint: libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 (without the last one
#   CJK PDFs are 10-30x slower, silently); a CJK font: fonts-noto-cjk;
#   browser tests: chromium; PDF assertions: poppler-utils; HTTP benchmarks: wrk;
#   `flask credit backup` on PostgreSQL: postgresql-client (pg_dump).
# As root it uses apt-get; otherwise it prints the exact sudo command and exits 1.
set -euo pipefail

PACKAGES=(python3 python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk chromium poppler-utils wrk postgresql-client)

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-system-deps: not a Debian-based system (no dpkg-query)." >&2
    echo "Install these packages (or their equivalents) yourself: ${PACKAGES[*]}" >&2
    exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "install-system-deps: all system packages present."
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    echo "缺少系统软件包 / missing system packages: ${missing[*]}" >&2
    echo "请运行 / run:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
fi

echo "install-system-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
