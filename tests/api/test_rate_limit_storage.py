"""Rate-limit storage and client addresses: Redis when REDIS_URL is set (counters shared by
every app instance), per-worker memory when Redis is unreachable (never a 500), and
X-Forwarded-For trusted only when PROXY_FIX_X_FOR says how many proxies to trust.

Redis runs at ``REDIS_URL_FOR_TESTS``; each test uses its own key prefix and deletes only
its own keys."""

from __future__ import annotations

import uuid

import pytest
import redis
from limits.storage import MemoryStorage, RedisStorage

REDIS_URL_FOR_TESTS = "redis://127.0.0.1:6379/0"
UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def limited_app(tmp_path):
    """``limited_app(storage_uri, **settings)`` → a new app with Flask-Limiter on and cases
    limited to 2 per minute. Flask-Limiter is one extension object bound to each new app, so
    afterwards its counters under this test's prefix are deleted and it is switched off."""
    from config import TestingConfig
    from credit_service import create_app
    from credit_service.extensions import db, limiter

    prefix = f"credit-test-{uuid.uuid4().hex}"
    apps = []

    def _make(storage_uri: str, **settings):
        config = TestingConfig(tmp_path)
        config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'unused.sqlite3'}"
        config.RATELIMIT_ENABLED = True
        config.RATELIMIT_STORAGE_URI = storage_uri
        config.RATELIMIT_STORAGE_OPTIONS = {**config.RATELIMIT_STORAGE_OPTIONS,
                                            "key_prefix": prefix}
        config.API_CASE_RATE_LIMIT = "2 per minute"
        for name, value in settings.items():
            setattr(config, name, value)
        app = create_app(config)
        apps.append(app)
        return app

    _make.prefix = prefix
    yield _make
    client = redis.Redis.from_url(REDIS_URL_FOR_TESTS)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()
    limiter.enabled = False
    limiter._storage_dead = False  # an unreachable-Redis test leaves the fallback engaged
    for app in apps:
        with app.app_context():
            db.engine.dispose()


def _submit(app, **headers):
    return app.test_client().post("/api/v1/cases", json={}, headers=headers).status_code


def test_redis_url_is_read_when_the_config_is_built(monkeypatch, tmp_path):
    from config import DevelopmentConfig, ProductionConfig, TestingConfig

    monkeypatch.setenv("REDIS_URL", REDIS_URL_FOR_TESTS)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    assert ProductionConfig(tmp_path).RATELIMIT_STORAGE_URI == REDIS_URL_FOR_TESTS
    assert DevelopmentConfig(tmp_path).RATELIMIT_STORAGE_URI == REDIS_URL_FOR_TESTS
    assert TestingConfig(tmp_path).RATELIMIT_STORAGE_URI == "memory://"
    monkeypatch.delenv("REDIS_URL")
    assert ProductionConfig(tmp_path).RATELIMIT_STORAGE_URI == "memory://"


def test_production_config_with_redis_url_selects_redis_storage(monkeypatch, tmp_path):
    from config import ProductionConfig
    from credit_service import create_app
    from credit_service.extensions import db, limiter

    monkeypatch.setenv("REDIS_URL", REDIS_URL_FOR_TESTS)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    app = create_app(ProductionConfig(tmp_path))
    try:
        assert isinstance(limiter.storage, RedisStorage)
        assert limiter.storage.check()  # it really talks to that Redis
    finally:
        limiter.enabled = False
        with app.app_context():
            db.engine.dispose()


def test_redis_counters_are_shared_between_app_instances(limited_app):
    from credit_service.extensions import limiter

    first = limited_app(REDIS_URL_FOR_TESTS)
    assert isinstance(limiter.storage, RedisStorage)
    assert [_submit(first), _submit(first)] == [422, 422]
    # A second app instance (another worker) builds its own storage client: it sees the
    # counter the first one wrote, because the counter lives in Redis.
    second = limited_app(REDIS_URL_FOR_TESTS)
    assert _submit(second) == 429
    keys = list(redis.Redis.from_url(REDIS_URL_FOR_TESTS).scan_iter(
        match=f"{limited_app.prefix}*"))
    assert keys, "the counter is stored in Redis under this test's prefix"


def test_memory_counters_are_not_shared_between_app_instances(limited_app):
    # the control for the test above: per-instance memory starts from zero
    from credit_service.extensions import limiter

    first = limited_app("memory://")
    assert isinstance(limiter.storage, MemoryStorage)
    assert [_submit(first), _submit(first)] == [422, 422]
    second = limited_app("memory://")
    assert _submit(second) == 422


def test_unreachable_redis_falls_back_to_memory_instead_of_a_500(limited_app):
    app = limited_app(UNREACHABLE_REDIS)
    # still limited (in this worker's memory), never a server error
    assert [_submit(app) for _ in range(3)] == [422, 422, 429]
    response = app.test_client().post("/api/v1/cases", json={})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


@pytest.mark.parametrize("x_for, expected", [(1, [422, 422, 422, 429]),
                                             (0, [422, 422, 429, 429])])
def test_x_forwarded_for_is_trusted_only_when_configured(limited_app, x_for, expected):
    app = limited_app("memory://", PROXY_FIX_X_FOR=x_for)
    a = {"X-Forwarded-For": "203.0.113.7"}
    b = {"X-Forwarded-For": "198.51.100.9"}
    # With one trusted proxy, two clients behind it have a limit each; without, the header
    # is ignored and everyone shares the proxy's (here the test client's) address.
    assert [_submit(app, **a), _submit(app, **a), _submit(app, **b), _submit(app, **a)] == expected


def test_proxy_fix_setting_comes_from_the_environment(monkeypatch, tmp_path):
    from config import ConfigError, TestingConfig

    assert TestingConfig(tmp_path).PROXY_FIX_X_FOR == 0
    monkeypatch.setenv("PROXY_FIX_X_FOR", "1")
    assert TestingConfig(tmp_path).PROXY_FIX_X_FOR == 1
    monkeypatch.setenv("PROXY_FIX_X_FOR", "one")
    with pytest.raises(ConfigError):
        TestingConfig(tmp_path)
