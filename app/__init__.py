"""Application factory: `create_app(config)` binds extensions, views and commands."""
from __future__ import annotations

import logging

from flask import Flask
from flask_appbuilder import AppBuilder
from werkzeug.utils import import_string

from app.extensions import csrf, db, init_migrations


def create_app(config_object: object | str = "config.Config", migrations: bool = True) -> Flask:
    """Build a configured application.

    FAB keeps per-app state (views, menu) on its AppBuilder, so each app gets
    its own instance (stored as `app.appbuilder`); the test suite builds
    several apps in one process. `migrations=False` leaves out Flask-Migrate
    (the `flask db` commands): a web worker never migrates, and Alembic costs
    each worker some 8 MB of memory (QUALITY P6).
    """
    app = Flask(__name__, instance_relative_config=False)
    app.config.from_object(config_object)
    config_cls = import_string(config_object) if isinstance(config_object, str) else config_object
    config_cls.check()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # FAB logs every view and permission it sets up at INFO; keep the console readable.
    logging.getLogger("flask_appbuilder").setLevel(logging.WARNING)
    # Alembic announces each of its plugins at INFO whenever a flask command starts.
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

    from app import models as _models  # noqa: F401  - register every table before binding
    from app.services.listeners import register as register_listeners

    register_listeners()

    from app.sqlite import configure as configure_sqlite, engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    db.init_app(app)

    with app.app_context():
        configure_sqlite(db.engine, app.config.get("SQLITE_CACHE_MB", 2))
    if migrations:
        init_migrations(app)
    csrf.init_app(app)

    with app.app_context():
        appbuilder = AppBuilder(update_perms=False)
        appbuilder.init_app(app, db.session)
        from app.views import register_views

        register_views(appbuilder)
        appbuilder.post_init()
        from app.i18n import init_app as init_i18n

        init_i18n(app)

    from app.cli import register_cli
    from app.errors import register_error_handlers

    register_cli(app)
    register_error_handlers(app)
    from app.security.headers import init_app as init_security_headers

    init_security_headers(app)
    from app.security.session_cookie import init_app as init_session_cookie

    init_session_cookie(app)
    from app.security.request_context import init_app as init_request_context

    init_request_context(app)
    return app
