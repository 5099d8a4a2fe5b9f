"""Connection settings for SQLite, the embedded default database.

- WAL journal: pages are read while the scheduler or a form writes (one writer, many
  readers), instead of readers waiting for every write to finish;
- synchronous=NORMAL: in WAL mode a commit is durable after the next checkpoint's sync,
  which is SQLite's recommended setting for WAL;
- a page cache per connection of `SQLITE_CACHE_MB` (2 MB, SQLite's own default) in the web
  workers: pages read a few index pages each, which the operating system's file cache
  serves as fast; a larger cache fills to its limit over a worker's life and counts in its
  memory (QUALITY P6: at dataset L 16 MB took a worker from 139 to 153 MB, 64 MB to 190 MB,
  with no page measurably faster);
  the scheduler raises it to `JOBS_SQLITE_CACHE_MB` (64 MB), so the index pages of large
  tables (call records at production volume) stay in memory across a job's batches (P7);
- a busy timeout, so a writer waits for the lock instead of failing at once;
- a 64 MB limit on the WAL file left behind by a checkpoint: one large write (a retention
  backlog, an import) would otherwise keep its size on disk for good.

- no pre-ping on pool checkout (`engine_options`).

PostgreSQL connections are left alone (and keep the pre-ping).
"""
from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

BUSY_TIMEOUT_MS = 10000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA journal_size_limit=67108864",
)
DEFAULT_CACHE_MB = 2


def engine_options(url: str, options: dict) -> dict:
    """The engine options for `url`: without the pool's pre-ping on SQLite.

    The ping (a `SELECT 1` on every checkout, issue 20: ~0.1 ms of each request) finds
    connections a database server closed; a SQLite file has no server to close them.
    """
    if str(url).startswith("sqlite") and options.get("pool_pre_ping"):
        return {key: value for key, value in options.items() if key != "pool_pre_ping"}
    return dict(options)


def configure(engine, cache_mb: int = DEFAULT_CACHE_MB) -> None:
    """Apply the settings to every new connection of a SQLite `engine` (no-op otherwise)."""
    if engine.dialect.name != "sqlite":
        return
    engine._eservice_cache_mb = cache_mb
    if getattr(engine, "_eservice_pragmas", False):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
            cursor.execute(f"PRAGMA cache_size=-{int(engine._eservice_cache_mb) * 1024}")
        finally:
            cursor.close()

    engine._eservice_pragmas = True
    engine.dispose()  # connections opened before now get the settings too


def set_cache_size(engine, cache_mb: int) -> None:
    """Give this process's SQLite connections a page cache of `cache_mb` MB from now on."""
    if engine.dialect.name != "sqlite":
        return
    configure(engine, cache_mb)
    engine.dispose()  # pooled connections keep their old size; new ones get this one


@contextmanager
def without_waiting(connection):
    """Inside the block a write on `connection` fails at once (OperationalError "database is locked")
    when another connection holds SQLite's write lock, instead of waiting up to the busy timeout.
    For best-effort writes a page must not wait for, e.g. a session's last-seen stamp while the
    retention job's batch holds the lock for seconds (QUALITY P7). No-op on PostgreSQL, whose row
    locks do not make such a write wait for another table's writes."""
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
