"""Test fixtures: the app from the factory, a real database, factories, login.

The schema is built once per run by Alembic (`flask db upgrade`), so every
run also proves the migrations. SQLite by default; `TEST_DATABASE_URL` points
the suite at PostgreSQL (`make test-pg`). After each test every row outside
FAB's permission tables is deleted, so tests never see each other's data.
"""
from __future__ import annotations

import os
import re

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

import config
from app import create_app
from app.extensions import db

KEEP_TABLES = {
    "alembic_version", "ab_permission", "ab_view_menu", "ab_permission_view", "ab_role",
    "ab_permission_view_role", "permission_version",
}


def pytest_sessionstart(session):
    """Build missing or outdated catalogs (.mo) first, so a plain pytest run sees German."""
    from app.i18n import compile_stale_catalogs

    compile_stale_catalogs(config.BASE_DIR / "translations")


def _test_config(tmp_dir: str):
    class _Config(config.TestConfig):
        DOCUMENT_STORAGE_DIR = os.path.join(tmp_dir, "documents")

    if not os.environ.get("TEST_DATABASE_URL"):
        _Config.SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.path.join(tmp_dir, 'test.db')}"
    return _Config


def _drop_everything() -> None:
    """Leave an empty PostgreSQL schema behind from any earlier run."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """One migrated app for the whole run, roles synced."""
    tmp_dir = str(tmp_path_factory.mktemp("eservice"))
    application = create_app(_test_config(tmp_dir))
    with application.app_context():
        _drop_everything()
        upgrade(directory=str(config.BASE_DIR / "migrations"))
        from app.security.roles import sync_roles

        sync_roles(application.appbuilder)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def scratch_app(tmp_path):
    """A second app on its own empty SQLite file, for tests that run migrations up and down."""
    class ScratchConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'scratch.db'}"
        DOCUMENT_STORAGE_DIR = str(tmp_path / "documents")

    application = create_app(ScratchConfig)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(autouse=True)
def _clean_db(request):
    """Delete every row written by a test (only for tests that use the app)."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.remove()
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name not in KEEP_TABLES]
        with db.engine.begin() as conn:
            for table in tables:
                conn.execute(table.delete())
            _drop_composed_roles(conn)


def _drop_composed_roles(conn) -> None:
    """Roles are kept between tests (seeded once); those a test composed (R-BO-4) go."""
    from flask_appbuilder.security.sqla.models import Role, assoc_permissionview_role

    from app.services.staff_roles import DECLARED_ROLES

    composed = select(Role.id).where(Role.name.notin_(DECLARED_ROLES))
    conn.execute(assoc_permissionview_role.delete().where(assoc_permissionview_role.c.role_id.in_(composed)))
    conn.execute(Role.__table__.delete().where(Role.id.in_(composed)))


@pytest.fixture
def app_ctx(app):
    """An application context with a request context, for service-level tests."""
    with app.test_request_context():
        yield app
        db.session.rollback()


@pytest.fixture
def client(app):
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in a page."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture
def login(client):
    """Sign a user in through the real login form: login(username, password).

    For Portal Admin, Accounting and staff (R-AUTH-6, issue 19) it also passes the PIN step,
    reading the PIN from the real outbox row; a PIN-role user without a
    mobile number gets a test number first. Returns the final response
    (302 once signed in).
    """
    from tests.auth_helpers import complete_login_with_pin

    def _login(username: str, password: str):
        return complete_login_with_pin(client, username, password)

    return _login
