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
        assert conn.execute(text("PRAGMA cache_size")).scalar() == -16 * 1024  # web workers: SQLITE_CACHE_MB
        assert conn.execute(text("PRAGMA journal_size_limit")).scalar() == 64 * 1024 * 1024


def test_job_runners_get_the_larger_sqlite_cache(app):
    """P6/P7: web workers keep a 16 MB page cache; a process that runs jobs gets JOBS_SQLITE_CACHE_MB."""
    import pytest
    from sqlalchemy import text

    from app.extensions import db
    from app.services.jobs.scheduler import as_job_runner

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
