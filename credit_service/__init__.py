"""人力资源市场信用监管服务 — the Flask application.

``create_app`` is a short list of named steps (cookiecutter-flask style). Feature
packages plug in by convention: ``credit_service/<feature>/routes.py`` exposing
``bp`` (a Blueprint) and ``credit_service/<feature>/cli.py`` exposing
``register(group)`` for the ``flask credit`` command group.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from pathlib import Path

from flask import Flask

# Feature packages in registration order.
FEATURES = (
    "auth",
    "audit",
    "agencies",
    "records",
    "grading",
    "lists",
    "cases",
    "disclosures",
    "documents",
    "feed",
    "jobs",
    "inspections",
    "statistics",
    "imports",
    "backup",
    "admin",
    "staff",
    "public",
    "api",
    "demo",
)


def create_app(config: str | object | None = None) -> Flask:
    app = Flask(__name__, instance_path=os.environ.get("CREDIT_INSTANCE_PATH") or None)
    load_settings(app, config)
    register_extensions(app)
    load_catalog(app)
    load_rules(app)
    register_request_context(app)
    register_error_handlers(app)
    register_features(app)
    register_cli(app)
    register_template_helpers(app)
    trust_proxies(app)
    return app


def load_settings(app: Flask, config) -> None:
    from config import load_config

    instance = Path(app.instance_path)
    if config is None or isinstance(config, str):
        config = load_config(config, instance)
    app.config.from_object(config)
    if isinstance(config, dict):  # tests may pass overrides as a dict
        app.config.update(config)
    app.json.ensure_ascii = False


def trust_proxies(app: Flask) -> None:
    """``PROXY_FIX_X_FOR`` proxies' X-Forwarded-For entries become ``remote_addr`` (rate
    limits, audit). Outermost layer, so everything behind it sees the client's address."""
    x_for = int(app.config.get("PROXY_FIX_X_FOR") or 0)
    if x_for > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=x_for, x_proto=0, x_host=0)


def register_extensions(app: Flask) -> None:
    from credit_service import models  # noqa: F401  (complete metadata)
    from credit_service.core.db import configure_sqlite
    from credit_service.extensions import csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)


def load_catalog(app: Flask) -> None:
    from credit_service.core.catalog import load_catalog as _load

    app.extensions["credit_catalog"] = _load(app.config["CATALOG_PATH"])


def load_rules(app: Flask) -> None:
    """Every rule-set version, validated now: a broken rule file stops start-up."""
    from credit_service.grading.services import load_rules as _load

    _load(app)


def register_request_context(app: Flask) -> None:
    from credit_service.audit.context import bind_request_context

    bind_request_context(app)


def register_error_handlers(app: Flask) -> None:
    from credit_service.core.web import register_error_handlers as _register
    from credit_service.core.web import register_security_headers

    _register(app)
    register_security_headers(app)


def _feature_module(feature: str, module: str):
    name = f"credit_service.{feature}.{module}"
    if importlib.util.find_spec(name) is None:
        return None
    return importlib.import_module(name)


def register_features(app: Flask) -> None:
    for feature in FEATURES:
        routes = _feature_module(feature, "routes")
        if routes is not None and hasattr(routes, "init_app"):
            routes.init_app(app)
        elif routes is not None and hasattr(routes, "bp"):
            app.register_blueprint(routes.bp)


def register_cli(app: Flask) -> None:
    from credit_service.cli import credit

    for feature in FEATURES:
        cli = _feature_module(feature, "cli")
        if cli is not None:
            cli.register(credit)
    app.cli.add_command(credit)


def register_template_helpers(app: Flask) -> None:
    from credit_service.core.web import register_template_helpers as _register

    _register(app)
