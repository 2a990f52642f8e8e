"""Buurtpeiling: ask residents which activities they want in their neighbourhood."""

from __future__ import annotations

import secrets
from pathlib import Path

from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app: defaults, then ``instance/config.py``, then ``SURVEY_*`` variables, then tests."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object("survey.config")
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("SURVEY")
    if test_config:
        app.config.from_mapping(test_config)
    _fill_instance_defaults(app)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**app.config["ENGINE_DEFAULTS"], **app.config["SQLALCHEMY_ENGINE_OPTIONS"]}
    if app.config["TRUSTED_PROXIES"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = int(app.config["TRUSTED_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)

    from . import accounts, admin, canvassing, dashboards, errors, main, responses, security
    from .audit import models as _audit_models  # noqa: F401  (the table, for migrations)
    from .cli import register_commands
    from .extensions import babel, csrf, db, limiter, login_manager, migrate
    from .i18n import select_locale

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(app.root_path, "migrations")), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)
    login_manager.init_app(app)
    _sqlite_pragmas(app)

    for feature in (main, responses, accounts, admin, canvassing, dashboards, errors, security):
        feature.init_app(app)
    register_commands(app)
    return app


def _fill_instance_defaults(app: Flask) -> None:
    """Default to SQLite in the instance folder and a secret key generated there once."""
    instance = Path(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        instance.mkdir(parents=True, exist_ok=True)
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{instance / 'buurtpeiling.sqlite'}"
    if not app.config.get("SECRET_KEY"):
        instance.mkdir(parents=True, exist_ok=True)
        key_file = instance / "secret_key"
        if not key_file.exists():
            key_file.write_text(secrets.token_hex(32))
            key_file.chmod(0o600)
        app.config["SECRET_KEY"] = key_file.read_text().strip()


def _sqlite_pragmas(app: Flask) -> None:
    """SQLite: write-ahead logging so readers never block the writer, and foreign keys enforced."""
    from sqlalchemy import event

    from .extensions import db

    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        if ":memory:" not in app.config["SQLALCHEMY_DATABASE_URI"]:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
