"""R-JOB-2: itemised call records and EVN documents are kept 180 days, then deleted.

Deletes run in batches so that a backlog (say, after the scheduler was down for a
week at production volume) never holds one huge transaction; each batch commits.
Files of deleted documents are removed after their rows are committed, so a
failed commit never leaves a row without its file.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.models import CallRecord, Document
from app.models.enums import DocumentType
from app.models.mixins import utcnow
from app.services.documents import document_path

RETENTION = timedelta(days=180)
EVN_TYPES = (DocumentType.EVN_PDF, DocumentType.EVN_CSV)
BATCH = 5000
CALL_RECORD_BATCH = 200_000  # rows per transaction (P7: see purge_call_records)
RETENTION_SQLITE_CACHE_MB = 256  # default of the setting of the same name


def cutoff(now=None):
    """The moment before which call records and EVN documents are due for deletion."""
    return (now or utcnow()) - RETENTION


def purge_call_records(now=None, batch: int = CALL_RECORD_BATCH) -> int:
    """Delete call records created more than 180 days ago; return how many.

    Each batch is one statement deleting the oldest due rows in the order of the
    `created_at` index, then a commit. Ordering by id made the database scan the whole
    table for every batch (189 s for 1,000,000 rows at dataset L).

    Batch size (P7): a deleted row's entries in the customer and contract indexes lie at
    scattered pages, so any batch of tens of thousands of rows rewrites nearly every leaf
    of those indexes (about 160 MB at dataset L) and small batches write the same pages
    again and again: 1,000,000 rows took 19.4 s of the job's CPU in batches of 50,000 and
    11.4 s in batches of 250,000. A batch of 200,000 holds the write lock for a few
    seconds; other writers wait for it (busy timeout 10 s), readers do not.

    The batches run on one connection of their own. On SQLite it gets a page cache of
    `RETENTION_SQLITE_CACHE_MB` for the run, so a batch's changed pages stay in memory
    instead of spilling into the WAL mid-transaction and being read back (500,000 rows:
    11.1 s of CPU with the jobs' 64 MB, 7.4 s with 256 MB); it is given back after the run.
    """
    limit = cutoff(now)
    total = 0
    cache_mb = current_app.config.get("RETENTION_SQLITE_CACHE_MB", RETENTION_SQLITE_CACHE_MB)
    with db.engine.connect() as connection, _sqlite_cache(connection, cache_mb):
        while True:
            due = (select(CallRecord.id).where(CallRecord.created_at < limit)
                   .order_by(CallRecord.created_at, CallRecord.id).limit(batch))
            deleted = connection.execute(
                delete(CallRecord).where(CallRecord.id.in_(due.scalar_subquery()))
            ).rowcount
            connection.commit()
            _checkpoint(connection)
            if not deleted:
                return total
            total += deleted


def _checkpoint(connection) -> None:
    """On SQLite: copy the batch into the database and start the WAL over before the next one.

    The automatic checkpoint at commit stops at the snapshot of the oldest page still being
    read, so under steady page load the WAL grew by a whole batch each time (574 MB at
    dataset L), and every page a worker reads is looked up in it. RESTART waits (busy
    timeout) for the reads that began before the commit, a few milliseconds; afterwards
    pages read the database file alone until the next commit.
    """
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA wal_checkpoint(RESTART)")
        connection.commit()


@contextmanager
def _sqlite_cache(connection, cache_mb: int):
    """On SQLite: `connection`'s page cache is `cache_mb` MB inside the block, then as before."""
    if connection.dialect.name != "sqlite" or cache_mb <= 0:
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
    try:
        yield
    finally:
        connection.rollback()
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
        connection.exec_driver_sql("PRAGMA shrink_memory")  # the pooled connection keeps no 256 MB


def purge_evn_documents(now=None, batch: int = 500) -> int:
    """Delete EVN PDF/CSV documents created more than 180 days ago, with their files."""
    limit = cutoff(now)
    total = 0
    while True:
        documents = db.session.scalars(
            select(Document).where(Document.doc_type.in_(EVN_TYPES), Document.created_at < limit)
            .order_by(Document.id).limit(batch)
        ).all()
        if not documents:
            return total
        paths = [document_path(document) for document in documents]
        db.session.execute(
            delete(Document).where(Document.id.in_([d.id for d in documents]))
            .execution_options(synchronize_session=False)
        )
        db.session.commit()
        db.session.expunge_all()
        for path in paths:
            path.unlink(missing_ok=True)
        total += len(documents)
