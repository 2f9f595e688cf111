"""The README's run and test commands, exercised as far as possible without starting a
server: `scripts/run.sh --check` does everything up to the point of starting processes."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = ["scripts/install-system-deps.sh", "scripts/bootstrap.sh", "scripts/run.sh",
           "scripts/test.sh", ".ci/run"]


def run(args, env=None, timeout=600) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout, check=False)


@pytest.mark.parametrize("script", SCRIPTS)
def test_scripts_are_valid_bash(script):
    result = run(["bash", "-n", script])
    assert result.returncode == 0, result.stderr
    assert "set -euo pipefail" in (ROOT / script).read_text()


def _fake_tools(tmp_path: Path, installed: bool, uid: int) -> dict:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    status = "install ok installed" if installed else ""
    (bin_dir / "dpkg-query").write_text(f"#!/bin/sh\nprintf '%s' '{status}'\n")
    (bin_dir / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho apt-get \"$@\" >> \"$APT_LOG\"\n")
    for tool in bin_dir.iterdir():
        tool.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}:{os.environ['PATH']}",
               APT_LOG=str(tmp_path / "apt.log"))
    return env


def test_system_deps_as_non_root_print_the_exact_sudo_command(tmp_path):
    result = run(["bash", "scripts/install-system-deps.sh"], _fake_tools(tmp_path, False, 1000))
    assert result.returncode == 1
    assert ("sudo apt-get update && sudo apt-get install -y --no-install-recommends "
            "python3 python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 "
            "fonts-noto-cjk chromium "
            "poppler-utils wrk") in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_system_deps_as_root_install_only_what_is_missing(tmp_path):
    env = _fake_tools(tmp_path, False, 0)
    result = run(["bash", "scripts/install-system-deps.sh"], env)
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "apt.log").read_text()
    assert "install -y --no-install-recommends python3 python3-venv libpango-1.0-0" in log
    assert "wrk" in log


def test_system_deps_present_means_nothing_to_do(tmp_path):
    result = run(["bash", "scripts/install-system-deps.sh"], _fake_tools(tmp_path, True, 1000))
    assert result.returncode == 0
    assert "all system packages present" in result.stdout


def test_bootstrap_refuses_a_python_older_than_3_11(tmp_path):
    old = tmp_path / "python3.9"
    old.write_text("#!/bin/sh\n[ \"$1\" = --version ] && echo 'Python 3.9.2' && exit 0\nexit 1\n")
    old.chmod(0o755)
    result = run(["bash", "scripts/bootstrap.sh"], dict(os.environ, PYTHON=str(old)))
    assert result.returncode == 1
    assert "Python >= 3.11 is required" in result.stderr and "Python 3.9.2" in result.stderr


def test_run_script_check_mode_migrates_and_loads_the_demo_once(tmp_path):
    instance = tmp_path / "instance"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "SECRET_KEY", "TEST_DATABASE_URL")}
    env.update(CREDIT_ENV="development", CREDIT_INSTANCE_PATH=str(instance))
    first = run(["bash", "scripts/run.sh", "--check"], env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "run --check: OK" in first.stdout
    assert "gunicorn --workers 2 --bind 127.0.0.1:5000" in first.stdout
    assert "scheduler command: .venv/bin/flask --app credit_service credit scheduler" in first.stdout
    assert "已加载 150 家机构" in first.stdout and "demo-admin-2026" in first.stdout
    with sqlite3.connect(instance / "credit.sqlite3") as conn:
        assert conn.execute("SELECT COUNT(*) FROM agencies").fetchone()[0] == 150
        assert conn.execute("SELECT COUNT(*) FROM alembic_version").fetchone()[0] == 1
    assert (instance / "secret_key").exists()

    second = run(["bash", "scripts/run.sh", "--check"], env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "跳过演示数据加载" in second.stdout


def test_ci_runs_the_readme_test_command_on_both_databases_and_checks_drift():
    ci = (ROOT / ".ci/run").read_text()
    assert ci.count("bash scripts/test.sh") == 2
    assert "TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test" in ci
    assert "db upgrade" in ci and "db check" in ci
    readme = (ROOT / "README.md").read_text()
    assert "bash scripts/run.sh" in readme and "bash scripts/test.sh" in readme
