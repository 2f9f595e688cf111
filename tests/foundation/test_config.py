"""Configuration per environment: production refuses to start without its secrets;
development generates a secret key once and keeps it."""

from __future__ import annotations

import stat

import pytest

from config import ConfigError, DevelopmentConfig, ProductionConfig, load_config


@pytest.mark.parametrize(
    ("env", "missing"),
    [({}, "DATABASE_URL、SECRET_KEY"),
     ({"SECRET_KEY": "s" * 32}, "DATABASE_URL"),
     ({"DATABASE_URL": "postgresql+psycopg://x@db/credit"}, "SECRET_KEY")],
)
def test_production_refuses_to_start_without_database_url_and_secret(monkeypatch, tmp_path,
                                                                      env, missing):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match=missing):
        ProductionConfig(tmp_path)


def test_create_app_refuses_production_without_secrets(monkeypatch, tmp_path):
    from credit_service import create_app

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("CREDIT_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError, match="refusing to start"):
        create_app("production")


def test_production_with_both_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@db/credit")
    monkeypatch.setenv("SECRET_KEY", "k" * 64)
    config = ProductionConfig(tmp_path)
    assert config.SQLALCHEMY_DATABASE_URI.startswith("postgresql")
    assert config.SESSION_COOKIE_SECURE


def test_development_secret_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    first = DevelopmentConfig(tmp_path).SECRET_KEY
    second = DevelopmentConfig(tmp_path).SECRET_KEY
    key_file = tmp_path / "secret_key"
    assert first == second == key_file.read_text().strip()
    assert len(first) >= 64
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert DevelopmentConfig(tmp_path).SQLALCHEMY_DATABASE_URI.endswith("credit.sqlite3")


def test_environment_secret_wins_in_development(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert DevelopmentConfig(tmp_path).SECRET_KEY == "from-the-environment"


def test_unknown_environment_name_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="未知的配置名称"):
        load_config("staging", tmp_path)
