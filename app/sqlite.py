"""Connection settings for SQLite, the embedded default database.

- WAL journal: pages are read while the scheduler or a form writes (one writer, many
  readers), instead of readers waiting for every write to finish;
- synchronous=NORMAL: in WAL mode a commit is durable after the next checkpoint's sync,
  which is SQLite's recommended setting for WAL;
- a 64 MB page cache per connection: index pages of large tables (call records at
  production volume) stay in memory across the batches of a job;
- a busy timeout, so a writer waits for the lock instead of failing at once;
- a 64 MB limit on the WAL file left behind by a checkpoint: one large write (a retention
  backlog, an import) would otherwise keep its size on disk for good.

PostgreSQL connections are left alone.
"""
from __future__ import annotations

from sqlalchemy import event

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA cache_size=-65536",
    "PRAGMA busy_timeout=10000",
    "PRAGMA journal_size_limit=67108864",
)


def configure(engine) -> None:
    """Apply the settings to every new connection of a SQLite `engine` (no-op otherwise)."""
    if engine.dialect.name != "sqlite" or getattr(engine, "_eservice_pragmas", False):
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    engine._eservice_pragmas = True
    engine.dispose()  # connections opened before now get the settings too
