"""Adding call records for a scenario (P6, P7) in bulk, and settling the database afterwards."""
from __future__ import annotations

from collections.abc import Callable, Iterator

from bench.common import Progress
from bench.dataset import BATCH


def insert(app, label: str, count: int, rows_from: Callable[[int, int], Iterator[dict]]) -> int:
    """Add `count` call records made by `rows_from(first_id, count)` in batches, in one transaction.

    Returns the first id used; the rows get consecutive ids from there.
    """
    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import CallRecord

    table = CallRecord.__table__
    with app.app_context():
        with db.engine.begin() as conn:
            first = (conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
            progress = Progress(label, count)
            batch: list[dict] = []
            for row in rows_from(first, count):
                batch.append(row)
                if len(batch) >= BATCH:
                    conn.execute(table.insert(), batch)
                    progress.add(len(batch))
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
                progress.add(len(batch))
            progress.close()
        db.session.remove()
    return first


def settle(app) -> None:
    """Bring the database to the state production has: checkpointed, analysed."""
    from sqlalchemy import text

    from app.extensions import db
    from app.models import CallRecord

    table = CallRecord.__table__.name
    with app.app_context():
        with db.engine.connect() as conn:
            if db.engine.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.exec_driver_sql(f"ANALYZE {table}")
            else:
                conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                conn.execute(text("CHECKPOINT"))
                conn.execute(text(f"ANALYZE {table}"))
        db.session.remove()
