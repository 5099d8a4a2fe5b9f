"""Configuration: one `Config` read from the environment, plus `TestConfig`.

Production is the default: with `ESERVICE_ENV` unset (e.g. a bare `gunicorn run:app`)
the app refuses to start without `SECRET_KEY`, `ENCRYPTION_KEY` and `PBX_SSO_SECRET`
and sends real email and SMS. Only `ESERVICE_ENV=development` (which `make run`,
`make test` and the other make targets export) gets the fixed development keys and
console messaging, so `make run` still works with nothing set.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

from flask_appbuilder.const import AUTH_DB

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"

# Fixed development keys: only ever used when ESERVICE_ENV=development.
_DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
_DEV_ENCRYPTION_KEY = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzJieXRlcyE="
# Never the session key: whoever holds the PBX secret (the PBX operator) could otherwise
# forge session cookies and everything else signed with SECRET_KEY.
_DEV_PBX_SSO_SECRET = "dev-only-pbx-sso-secret-shared-with-the-test-pbx"


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def normalise_database_url(url: str) -> str:
    """Accept the usual "postgres://" / "postgresql://" spellings; we drive psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{INSTANCE_DIR / 'eservice.db'}"


class Config:
    """Settings for every environment, read from the process environment."""

    # Unset means production: development keys and console messaging only on request.
    ENV_NAME = os.environ.get("ESERVICE_ENV", "").strip() or "production"
    DEVELOPMENT = ENV_NAME == "development"

    SECRET_KEY = os.environ.get("SECRET_KEY") or (_DEV_SECRET_KEY if DEVELOPMENT else None)
    # Fernet key (urlsafe base64, 32 bytes) for hotline/SIP/DSL passwords at rest.
    ENCRYPTION_KEY = os.environ.get("ENCRYPTION_KEY") or (
        _DEV_ENCRYPTION_KEY if DEVELOPMENT else None
    )

    SQLALCHEMY_DATABASE_URI = _database_url()
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    # A ping on every pool checkout finds connections a PostgreSQL server dropped; a SQLite file
    # has no server to drop them, so the app factory leaves the ping out there (app/sqlite.py).
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    # --- Flask-AppBuilder -------------------------------------------------
    APP_NAME = "e:service"
    APP_THEME = ""
    AUTH_TYPE = AUTH_DB
    AUTH_ROLE_ADMIN = "Admin"
    AUTH_ROLE_PUBLIC = "Public"
    AUTH_USER_REGISTRATION = False
    # Alembic alone owns the schema; permissions are synced by `flask roles sync`
    # (run by `make run` after migrating), never implicitly at import/start.
    FAB_CREATE_DB = False
    FAB_UPDATE_PERMS = False
    FAB_ADD_SECURITY_API = False
    FAB_API_SWAGGER_UI = False
    FAB_PASSWORD_HASH_METHOD = "scrypt"
    FAB_SECURITY_MANAGER_CLASS = "app.security.manager.EServiceSecurityManager"
    FAB_INDEX_VIEW = "app.views.home.HomeView"
    FAB_BASE_TEMPLATE = "eservice_base.html"
    FAB_SAFE_REDIRECT_HOSTS = [
        h.strip() for h in os.environ.get("SAFE_REDIRECT_HOSTS", "127.0.0.1,localhost").split(",")
        if h.strip()
    ]
    PAGE_SIZE = 25

    # --- Language -----------------------------------------------------------
    BABEL_DEFAULT_LOCALE = "de"
    BABEL_DEFAULT_TIMEZONE = "Europe/Berlin"
    # FAB would append a relative "translations" that resolves inside app/.
    BABEL_TRANSLATION_DIRECTORIES = str(BASE_DIR / "translations")
    LANGUAGES = {
        "de": {"flag": "de", "name": "Deutsch"},
        "en": {"flag": "gb", "name": "English"},
    }

    # --- Sessions and forms ---------------------------------------------------
    WTF_CSRF_ENABLED = True
    WTF_CSRF_TIME_LIMIT = None  # token lives as long as the session
    SESSION_COOKIE_NAME = "eservice_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", not DEVELOPMENT)
    # Strict-Transport-Security max-age in seconds; 0 sends none (development serves plain http).
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", 0 if DEVELOPMENT else 365 * 24 * 3600))
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024))

    # --- Sign-in, sessions and throttling (QUALITY S4-S8) ------------------
    SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", 30)))
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", 12)))
    PIN_LIFETIME = timedelta(minutes=10)
    PIN_MAX_WRONG = 5
    PIN_MAX_SENDS_PER_HOUR = 5
    PIN_RESEND_INTERVAL = timedelta(seconds=int(os.environ.get("PIN_RESEND_SECONDS", 30)))
    LINK_LIFETIME = timedelta(hours=24)
    LOCKOUT_THRESHOLD = 10
    LOCKOUT_WINDOW = timedelta(minutes=15)
    LOCKOUT_DURATION = timedelta(minutes=15)
    # Per client IP, counted in the database so every worker agrees.
    IP_FAILURE_LIMIT = int(os.environ.get("IP_FAILURE_LIMIT", 50))
    IP_FAILURE_WINDOW = timedelta(minutes=15)
    IP_FORGOT_LIMIT = int(os.environ.get("IP_FORGOT_LIMIT", 10))
    IP_FORGOT_WINDOW = timedelta(hours=1)
    # How many reverse proxies (the TLS proxy, a load balancer) stand in front of the app and set
    # X-Forwarded-For/-Proto/-Host; 0 ignores these headers (a client could forge them).
    TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
    # Links in emails are built from this, never from the request's Host header.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/")

    # --- Email and SMS delivery (outbox) -----------------------------------------
    # "console" prints every message to the server console (development);
    # "live" sends email by SMTP and SMS through the HTTP gateway.
    MESSAGE_ADAPTER = os.environ.get("MESSAGE_ADAPTER", "console" if DEVELOPMENT else "live")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    # Implicit TLS from the first byte (SMTPS, port 465); otherwise plain SMTP upgraded by STARTTLS.
    SMTP_SSL = _env_bool("SMTP_SSL", False)
    SMTP_PORT = int(os.environ.get("SMTP_PORT", 465 if SMTP_SSL else 25))
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", not DEVELOPMENT)
    # TLS certificates are always verified, against the system CAs or this PEM file (a private CA).
    SMTP_CA_FILE = os.environ.get("SMTP_CA_FILE") or None
    SMTP_USER = os.environ.get("SMTP_USER") or None
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD") or None
    SMTP_TIMEOUT = float(os.environ.get("SMTP_TIMEOUT", 10))
    MAIL_FROM = os.environ.get("MAIL_FROM", "e:service <noreply@ecotel.de>")
    SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL") or None
    SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN") or None
    SMS_SENDER = os.environ.get("SMS_SENDER", "ecotel")
    OUTBOX_MAX_ATTEMPTS = int(os.environ.get("OUTBOX_MAX_ATTEMPTS", 20))
    # Send right after the request's commit; the delivery job retries what failed.
    OUTBOX_DELIVER_IMMEDIATELY = _env_bool("OUTBOX_DELIVER_IMMEDIATELY", True)
    # Seconds after which a request's messages go out even if the server never closed its
    # response (werkzeug's development server sometimes does not); 0 waits for the close only.
    OUTBOX_CLOSE_FALLBACK_SECONDS = float(os.environ.get("OUTBOX_CLOSE_FALLBACK_SECONDS", 1.0))

    # --- Option-order wizard (R-WIZ-7, R-WIZ-6) --------------------------------
    # A draft nobody touched for this long is gone, with its uploads (the cleanup job deletes it).
    ORDER_DRAFT_LIFETIME = timedelta(hours=int(os.environ.get("ORDER_DRAFT_HOURS", 24)))
    # Wrong customer passwords at a submit, per account within LOCKOUT_WINDOW, before submits are refused.
    HOTLINE_PASSWORD_FAILURE_LIMIT = int(os.environ.get("HOTLINE_PASSWORD_FAILURE_LIMIT", 5))
    # Issue 19: requests per API key and minute (a fixed window counted in the database).
    API_RATE_LIMIT_PER_MINUTE = int(os.environ.get("API_RATE_LIMIT_PER_MINUTE", 120))

    # --- Scheduled jobs (R-JOB) ---------------------------------------------
    # CPU niceness of the scheduler process: on a host it shares with the web
    # workers, a retention backlog takes spare CPU and pages keep theirs (P7).
    JOBS_NICE = int(os.environ.get("JOBS_NICE", 5))
    # SQLite page cache per connection, in MB: web workers keep SQLite's default (the
    # OS file cache serves their few pages; a big cache only adds to every worker's
    # memory, P6); the scheduler's batches over large tables want more (P7).
    SQLITE_CACHE_MB = int(os.environ.get("SQLITE_CACHE_MB", 2))
    JOBS_SQLITE_CACHE_MB = int(os.environ.get("JOBS_SQLITE_CACHE_MB", 64))
    # The retention job's connection, for its run only (P7): a batch's changed pages fit.
    RETENTION_SQLITE_CACHE_MB = int(os.environ.get("RETENTION_SQLITE_CACHE_MB", 256))
    # Pause between its batches (P7): a page waiting to write takes the lock, the batch is checkpointed.
    RETENTION_PAUSE_SECONDS = float(os.environ.get("RETENTION_PAUSE_SECONDS", 0.2))

    # --- Files ---------------------------------------------------------------
    DOCUMENT_STORAGE_DIR = os.environ.get(
        "DOCUMENT_STORAGE_DIR", str(INSTANCE_DIR / "documents")
    )

    # --- Product facts shown to users (R-AUTH-6, R-CON-1) -------------------
    HOTLINE_PHONE = os.environ.get("HOTLINE_PHONE", "0800 032 68 35")
    ACCOUNTING_PHONE = os.environ.get("ACCOUNTING_PHONE", "0211 550 07-332")
    SERVICE_EMAIL = os.environ.get("SERVICE_EMAIL", "service@ecotel.de")
    # Where customers' new tickets and replies are emailed (R-TIC-5); empty: SERVICE_EMAIL.
    TICKET_TEAM_EMAIL = os.environ.get("TICKET_TEAM_EMAIL", "")
    # The Sales team's address, told of every offer accepted in the portal besides its advisor (R-ORD-4).
    SALES_TEAM_EMAIL = os.environ.get("SALES_TEAM_EMAIL", "vertrieb@ecotel.de")
    HELP_URL = os.environ.get("HELP_URL", "https://www.ecotel.de/hilfe-service/")
    PBX_URL = os.environ.get("PBX_URL", "https://cloudpbx.ecotel.de")

    # --- cloud.phone single sign-on (R-PBX-1) ---------------------------------
    # Shared with the PBX, which verifies the token (README "cloud.phone sign-on"). A secret of
    # its own, required outside development and never equal to SECRET_KEY (see check()).
    PBX_SSO_SECRET = os.environ.get("PBX_SSO_SECRET") or (_DEV_PBX_SSO_SECRET if DEVELOPMENT else None)
    PBX_SSO_TOKEN_SECONDS = int(os.environ.get("PBX_SSO_TOKEN_SECONDS", 60))

    # --- Technical data from the network (R-CON-4) ----------------------------
    # A class "package.module.Class"; the default simulates the network systems.
    PROVISIONING_ADAPTER = os.environ.get("PROVISIONING_ADAPTER") or None
    # Simulated back end only: seconds per answer, "2" or a range "1-3".
    PROVISIONING_LATENCY_SECONDS = os.environ.get("PROVISIONING_LATENCY_SECONDS", "1-3")
    PROVISIONING_FAILURE_RATE = float(os.environ.get("PROVISIONING_FAILURE_RATE", 0))
    # Longest wait for the network systems per request, enforced for every adapter (P1):
    # after it the panel shows "unavailable, try again" and the worker is free again.
    PROVISIONING_TIMEOUT_SECONDS = float(os.environ.get("PROVISIONING_TIMEOUT_SECONDS", 8))

    @classmethod
    def check(cls) -> None:
        """Refuse to start outside development without the required secrets."""
        missing = [k for k in ("SECRET_KEY", "ENCRYPTION_KEY", "PBX_SSO_SECRET") if not getattr(cls, k)]
        if missing:
            raise RuntimeError(
                "e:service refuses to start: ESERVICE_ENV=%s needs %s set in the environment "
                "(see README, Configuration). For a local development server set "
                "ESERVICE_ENV=development, as `make run` does."
                % (cls.ENV_NAME, " and ".join(missing))
            )
        if cls.PBX_SSO_SECRET == cls.SECRET_KEY:
            raise RuntimeError("PBX_SSO_SECRET must differ from SECRET_KEY: it is handed to the PBX operator.")


class TestConfig(Config):
    """Settings for the test suite. CSRF stays on: tests post real tokens."""

    TESTING = True
    # The suite behaves the same whatever ESERVICE_ENV the shell has: development
    # keys, console messaging, no STARTTLS (tests that need more set it themselves).
    ENV_NAME = "test"
    DEVELOPMENT = True
    MESSAGE_ADAPTER = "console"
    SMTP_STARTTLS = False
    SECRET_KEY = _DEV_SECRET_KEY
    ENCRYPTION_KEY = _DEV_ENCRYPTION_KEY
    PBX_SSO_SECRET = _DEV_PBX_SSO_SECRET
    # The test fixtures point this at a throwaway SQLite file, or at the
    # PostgreSQL cluster given by TEST_DATABASE_URL (`make test-pg`).
    SQLALCHEMY_DATABASE_URI = normalise_database_url(
        os.environ.get("TEST_DATABASE_URL", "sqlite://")
    )
    SESSION_COOKIE_SECURE = False
    HSTS_SECONDS = 0  # the test servers speak plain http, like development
    PROVISIONING_LATENCY_SECONDS = "0"
    # Tests run jobs in the test process (`jobs run`); it must not lower its own priority.
    JOBS_NICE = 0
    # The test client does not always close responses: no delivery from a timer thread in the
    # middle of another test (tests/security/test_auth_outbox.py turns it on where it is tested).
    OUTBOX_CLOSE_FALLBACK_SECONDS = 0.0
