"""Settings per environment, chosen by name (development, testing, production).

Secrets come from the environment. Development generates a secret key once and
keeps it under ``instance/`` so sessions survive restarts; production refuses
to start without ``DATABASE_URL`` and ``SECRET_KEY``.

Environment read when a config is built (``load_config``), not when this module is imported:

* ``REDIS_URL`` — rate-limit counters (Flask-Limiter) in Redis, shared by all workers and
  hosts; without it each worker counts in its own memory. If Redis becomes unreachable the
  limiter falls back to per-worker memory counters (and retries Redis with back-off) rather
  than failing requests.
* ``PROXY_FIX_X_FOR`` — number of reverse proxies in front of the app that append to
  ``X-Forwarded-For`` (default 0: the header is ignored). Set it to 1 behind one nginx, so
  rate limits and audit rows see the client's address instead of the proxy's; never set it
  when clients can reach the app directly, or they could choose their own address.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

CONFIG_DIR = Path(__file__).resolve().parent
CATALOG_PATH = CONFIG_DIR / "catalog" / "violations.toml"
RULES_DIR = CONFIG_DIR / "rules"


class ConfigError(RuntimeError):
    """Raised when the environment does not allow the app to start safely."""


class BaseConfig:
    ENV_NAME = "base"
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLALCHEMY_RECORD_QUERIES = False
    # Whole request limit (413 above it), sized for multipart import files (5 MiB each, see
    # api/imports.py) plus form overhead; JSON bodies have their own 1 MiB API_MAX_JSON_BYTES.
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 2 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None
    JSON_AS_ASCII = False
    TIMEZONE = "Asia/Shanghai"
    CATALOG_PATH = str(CATALOG_PATH)
    RULES_DIR = str(RULES_DIR)
    # Rate limits (Flask-Limiter). Storage: Redis when REDIS_URL is set, memory otherwise
    # (RATELIMIT_STORAGE_URI is set in __init__). An unreachable Redis must not turn a
    # submission into a 500: fall back to in-memory counters, and as a last resort let the
    # request through unlimited (logged) rather than fail it.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_ENABLED = True
    # werkzeug ProxyFix: how many proxies' X-Forwarded-For entries to trust (0 = off).
    PROXY_FIX_X_FOR = 0
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCKOUT_MINUTES = 15
    # Where generated documents live; None keeps them in the database.
    DOCUMENT_DIR: str | None = os.environ.get("DOCUMENT_DIR") or None
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    BUREAU_NAME = os.environ.get("BUREAU_NAME", "济源示范区人力资源和社会保障局")
    BUREAU_AREA_CODE = "419001"
    # flask-smorest / OpenAPI
    API_TITLE = "人力资源市场信用监管服务 API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = None  # the docs page is served from local assets by the api package
    API_SPEC_OPTIONS: dict = {}
    # The scheduler only ever runs inside `flask credit scheduler`.
    SCHEDULER_ENABLED = False

    def __init__(self, instance_path: Path | None = None):
        # Read at construction so that whoever builds the config (a worker, a test that
        # set the environment first) gets the environment as it is then.
        self.RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
        self.PROXY_FIX_X_FOR = _int_env("PROXY_FIX_X_FOR", 0)


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"环境变量 {name} 应为非负整数，实际为 {raw!r}") from None
    if value < 0:
        raise ConfigError(f"环境变量 {name} 应为非负整数，实际为 {raw!r}")
    return value


def _instance_secret(instance_path: Path) -> str:
    instance_path.mkdir(parents=True, exist_ok=True)
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"
    DEBUG = False

    def __init__(self, instance_path: Path):
        super().__init__(instance_path)
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _instance_secret(instance_path)
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "DATABASE_URL", f"sqlite:///{instance_path / 'credit.sqlite3'}"
        )


class TestingConfig(BaseConfig):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-secret-key-not-for-production"
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PUBLIC_BASE_URL = "http://localhost"

    def __init__(self, instance_path: Path):
        super().__init__(instance_path)
        # A developer's REDIS_URL must not leak into the suite; tests that want Redis set
        # RATELIMIT_STORAGE_URI themselves.
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TEST_DATABASE_URL", f"sqlite:///{instance_path / 'test.sqlite3'}"
        )


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True

    def __init__(self, instance_path: Path):
        missing = [k for k in ("DATABASE_URL", "SECRET_KEY") if not os.environ.get(k)]
        if missing:
            raise ConfigError(
                "生产环境缺少必需的环境变量：" + "、".join(missing)
                + "（production needs DATABASE_URL and SECRET_KEY; refusing to start）"
            )
        super().__init__(instance_path)
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True, "pool_size": 5}


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None, instance_path: Path) -> BaseConfig:
    name = name or os.environ.get("CREDIT_ENV", "development")
    try:
        cls = CONFIGS[name]
    except KeyError:
        raise ConfigError(f"未知的配置名称 {name!r}；可选：{', '.join(CONFIGS)}") from None
    return cls(instance_path)
