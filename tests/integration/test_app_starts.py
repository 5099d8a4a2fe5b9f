"""The factory builds an app whose login page answers and whose home sends strangers to it."""
from tests.factories import make_customer, make_user
from app.security.roles import ADMIN, PORTAL_ADMIN


def test_login_page_answers_in_german(client):
    page = client.get("/login/")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.get_data(as_text=True)


def test_home_redirects_anonymous_visitors_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login/" in response.headers["Location"]


def test_backoffice_admin_signs_in(app_ctx, client, login):
    make_user(ADMIN, username="staff.admin")
    response = login("staff.admin", "Sicher#Kennwort42")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "/logout/" in home.get_data(as_text=True)


def test_portal_user_signs_in_and_sees_own_company(app_ctx, client, login):
    customer = make_customer(company_name="Müller Logistik GmbH")
    make_user(PORTAL_ADMIN, customer=customer, username="mueller.admin")
    assert login("mueller.admin", "Sicher#Kennwort42").status_code == 302
    assert "Müller Logistik GmbH" in client.get("/").get_data(as_text=True)


def test_sqlite_connections_use_wal_and_a_busy_timeout(app_ctx):
    """Readers keep reading while the scheduler writes (WAL); a writer waits for the lock."""
    import pytest
    from sqlalchemy import text

    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings; PostgreSQL connections are left alone")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 10000
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -2 * 1024  # web workers: SQLITE_CACHE_MB
        assert conn.execute(text("PRAGMA journal_size_limit")).scalar() == 64 * 1024 * 1024


def test_pool_pings_connections_on_postgresql_only(app_ctx):
    """A checkout pings PostgreSQL for dropped connections; a SQLite file has no server to drop them (issue 20)."""
    from app.extensions import db
    from app.sqlite import engine_options

    assert db.engine.pool._pre_ping is (db.engine.dialect.name != "sqlite")
    assert engine_options("sqlite:///x.db", {"pool_pre_ping": True, "echo": False}) == {"echo": False}
    assert engine_options("postgresql+psycopg://h/db", {"pool_pre_ping": True}) == {"pool_pre_ping": True}


def test_job_runners_get_the_larger_sqlite_cache(app):
    """P6/P7: web workers keep a 2 MB page cache; a process that runs jobs gets JOBS_SQLITE_CACHE_MB."""
    import pytest
    from sqlalchemy import text

    from app.extensions import db
    from app.jobs.scheduler import as_job_runner

    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite settings; PostgreSQL connections are left alone")
    try:
        as_job_runner(app)
        with app.app_context(), db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA cache_size")).scalar() == -64 * 1024
    finally:
        from app.sqlite import set_cache_size

        with app.app_context():
            set_cache_size(db.engine, app.config["SQLITE_CACHE_MB"])


# --- Safe default environment (DESIGN rule 9; QUALITY S11 Secure cookie, S14 no committed secret in use) ---
def _python(code: str, **env_overrides):
    """Run `code` in a fresh interpreter in the project root with a clean environment."""
    import os
    import subprocess
    import sys

    import config

    env = {k: v for k, v in os.environ.items()
           if k not in {"ESERVICE_ENV", "SECRET_KEY", "ENCRYPTION_KEY", "PBX_SSO_SECRET", "MESSAGE_ADAPTER", "FLASK_APP"}}
    env.update(env_overrides)
    return subprocess.run([sys.executable, "-c", code], cwd=config.BASE_DIR, env=env, capture_output=True,
                          text=True, timeout=120)


def test_nothing_set_means_production_and_the_app_refuses_to_start(tmp_path):
    """DESIGN rule 9, S14: `gunicorn run:app` with nothing set must not run on the committed development keys."""
    done = _python("import run", DATABASE_URL=f"sqlite:///{tmp_path / 'never.db'}")
    assert done.returncode != 0
    assert "refuses to start" in done.stderr and "SECRET_KEY and ENCRYPTION_KEY" in done.stderr
    assert "ESERVICE_ENV=development" in done.stderr  # says how to get a development server
    assert not (tmp_path / "never.db").exists()

    settings = _python("import config; c = config.Config; print(c.ENV_NAME, c.DEVELOPMENT, c.MESSAGE_ADAPTER,"
                       " c.SESSION_COOKIE_SECURE, c.SECRET_KEY, c.ENCRYPTION_KEY)")
    assert settings.stdout.split() == ["production", "False", "live", "True", "None", "None"]


def test_production_starts_with_its_secrets(tmp_path):
    """DESIGN rule 9: with SECRET_KEY, ENCRYPTION_KEY and PBX_SSO_SECRET set, production starts and sends for real."""
    from cryptography.fernet import Fernet

    done = _python("import run; print(run.app.config['ENV_NAME'], run.app.config['MESSAGE_ADAPTER'])",
                   SECRET_KEY="s" * 40, ENCRYPTION_KEY=Fernet.generate_key().decode(), PBX_SSO_SECRET="p" * 40,
                   DATABASE_URL=f"sqlite:///{tmp_path / 'prod.db'}", DOCUMENT_STORAGE_DIR=str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["production", "live"]


def test_development_only_on_request():
    """DESIGN rule 9: ESERVICE_ENV=development gets the fixed keys and console messaging."""
    done = _python("import config; c = config.Config; print(c.ENV_NAME, c.DEVELOPMENT, c.MESSAGE_ADAPTER,"
                   " bool(c.SECRET_KEY), bool(c.ENCRYPTION_KEY))", ESERVICE_ENV="development")
    assert done.stdout.split() == ["development", "True", "console", "True", "True"]


def test_makefile_runs_developer_targets_in_development():
    """`make run` on a fresh clone works with nothing set: the make targets export development."""
    import re

    import config

    makefile = (config.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    targets = re.search(r"^DEV_TARGETS\s*:=\s*(.+)$", makefile, re.M).group(1).split()
    assert {"run", "test", "test-pg", "migrate", "seed", "logins", "bench"} <= set(targets)
    assert re.search(r"^\$\(DEV_TARGETS\): export ESERVICE_ENV \?= development$", makefile, re.M)


def test_demo_seed_refuses_outside_development(app):
    """S14: the demo logins' passwords are published in the README: never load them into production."""
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import Customer

    app.config.update(DEVELOPMENT=False, ENV_NAME="production")
    try:
        result = app.test_cli_runner().invoke(args=["demo", "seed"])
    finally:
        app.config.update(DEVELOPMENT=True, ENV_NAME="test")
    assert result.exit_code != 0
    assert "development only" in result.output and "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Customer.id))) == 0


def test_web_servers_load_no_migration_tooling():
    """P6: `gunicorn run:app` builds the app without Flask-Migrate/Alembic (some 8 MB per worker);
    the `flask` command still has `flask db`."""
    served = _python("import sys, run; print('alembic' in sys.modules, 'migrate' in run.app.extensions)",
                     ESERVICE_ENV="development")
    assert served.stdout.split() == ["False", "False"], served.stderr[-2000:]
    cli = _python("import sys, run; print('migrate' in run.app.extensions)", ESERVICE_ENV="development",
                  FLASK_RUN_FROM_CLI="true")
    assert cli.stdout.split() == ["True"], cli.stderr[-2000:]
