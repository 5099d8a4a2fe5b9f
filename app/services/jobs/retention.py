"""R-JOB-2: itemised call records and EVN documents are kept 180 days, then deleted.

Deletes run in batches so that a backlog (say, after the scheduler was down for a
week at production volume) never holds one huge transaction; each batch commits.
Files of deleted documents are removed after their rows are committed, so a
failed commit never leaves a row without its file.
"""
from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select

from app.extensions import db
from app.models import CallRecord, Document
from app.models.enums import DocumentType
from app.models.mixins import utcnow
from app.services.documents import document_path

log = logging.getLogger("app.jobs.retention")
RETENTION = timedelta(days=180)
EVN_TYPES = (DocumentType.EVN_PDF, DocumentType.EVN_CSV)
BATCH = 5000
CALL_RECORD_BATCH = 100_000  # rows per transaction (P7: see purge_call_records)
RETENTION_SQLITE_CACHE_MB = 256  # default of the setting of the same name
RETENTION_PAUSE_SECONDS = 0.2  # default of the setting of the same name
CHECKPOINT_SECONDS = 2.0  # how long the checkpoint after a batch is retried
CHECKPOINT_RETRY_SECONDS = 0.005


def cutoff(now=None):
    """The moment before which call records and EVN documents are due for deletion."""
    return (now or utcnow()) - RETENTION


def purge_call_records(now=None, batch: int = CALL_RECORD_BATCH, pause: float | None = None) -> int:
    """Delete call records created more than 180 days ago; return how many.

    Each batch is one statement deleting the oldest due rows in the order of the
    `created_at` index, then a commit. Ordering by id made the database scan the whole
    table for every batch (189 s for 1,000,000 rows at dataset L). A batch that finds
    fewer rows than it may delete is the last one.

    Batch size (P7): a deleted row's entries in the customer and contract indexes lie at
    scattered pages, so any batch of tens of thousands of rows rewrites most leaves of
    those indexes (140 MB of WAL for 50,000 rows at dataset L, 170 MB for 100,000, 190 MB
    for 200,000) and small batches write the same pages again and again (job CPU for
    1,000,000 rows under the same load: 17.7 s in batches of 50,000, 15.0 s of 100,000,
    13.5 s of 200,000). On SQLite a batch holds the database's one write lock from its
    first deleted row to its commit, and any page that writes meanwhile waits for it:
    the session's last-seen time, once a minute per session (app/services/auth/
    user_sessions.py), waited up to 6.3 s behind a batch of 200,000 on a loaded machine.
    100,000 rows halve that wait for a tenth more CPU.

    Between batches (SQLite) a PASSIVE checkpoint copies the batch into the database
    without taking the write lock, then the job pauses `RETENTION_PAUSE_SECONDS` so that a
    writer that was waiting takes the lock (see _settle).

    The batches run on one connection of their own. On SQLite it gets a page cache of
    `RETENTION_SQLITE_CACHE_MB` for the run, so a batch's changed pages stay in memory
    instead of spilling into the WAL mid-transaction and being read back (500,000 rows:
    11.1 s of CPU with the jobs' 64 MB, 7.4 s with 256 MB); it is given back after the run.
    """
    limit = cutoff(now)
    total = 0
    config = current_app.config
    cache_mb = config.get("RETENTION_SQLITE_CACHE_MB", RETENTION_SQLITE_CACHE_MB)
    pause = config.get("RETENTION_PAUSE_SECONDS", RETENTION_PAUSE_SECONDS) if pause is None else pause
    with db.engine.connect() as connection, _sqlite_settings(connection, cache_mb):
        while True:
            due = (select(CallRecord.id).where(CallRecord.created_at < limit)
                   .order_by(CallRecord.created_at, CallRecord.id).limit(batch))
            started, cpu = time.perf_counter(), time.thread_time()
            deleted = connection.execute(
                delete(CallRecord).where(CallRecord.id.in_(due.scalar_subquery()))
            ).rowcount
            deleted_at = time.perf_counter()
            connection.commit()
            committed_at = time.perf_counter()
            total += deleted
            if deleted:
                copied = _settle(connection, pause)
                log.info("call records: %d deleted (delete %.2f s, commit %.2f s, checkpoint and pause %.2f s)",
                         deleted, deleted_at - started, committed_at - deleted_at,
                         time.perf_counter() - committed_at,
                         extra={"batch": dict(rows=deleted, start=started, delete=deleted_at - started,
                                              commit=committed_at - deleted_at,
                                              checkpoint=time.perf_counter() - committed_at,
                                              cpu=time.thread_time() - cpu, copied=copied)})
            if deleted < batch:
                return total


def _settle(connection, pause: float) -> bool | None:
    """On SQLite, after a batch's commit: copy the WAL into the database, then pause.

    Returns whether the whole WAL was copied (None elsewhere).

    Right at the commit, page reads that began before it still read the database file
    alone, and no checkpoint may write into the file under them: the commit's own
    checkpoint copied nothing then, and RESTART, which waited for those reads, held the
    write lock meanwhile (a page's write waited for it too). So the job's connection does
    not checkpoint at commit (wal_autocheckpoint 0, _sqlite_settings); PASSIVE is tried
    every few milliseconds instead (never waiting, never taking the write lock) and copies
    the batch as soon as those reads are over, usually within tens of milliseconds. Doing
    it at once matters: a page's write that commits first would run the 170 MB copy itself
    (its connection checkpoints at commit). A read that lasts (a long export) leaves the
    rest for the next batch after CHECKPOINT_SECONDS.

    Then the pause (`RETENTION_PAUSE_SECONDS`): a page's write that waited for the batch
    takes the lock (SQLite's busy handler retries every 100 ms at most).
    """
    if connection.dialect.name != "sqlite":
        return None
    deadline = time.perf_counter() + CHECKPOINT_SECONDS
    while True:
        busy, frames, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        connection.commit()
        done = frames == copied
        if done or time.perf_counter() >= deadline:
            break
        time.sleep(CHECKPOINT_RETRY_SECONDS)
    if pause > 0:
        time.sleep(pause)
    return done


@contextmanager
def _sqlite_settings(connection, cache_mb: int):
    """On SQLite: inside the block `connection` has a page cache of `cache_mb` MB and does not
    checkpoint at commit (_settle does); afterwards both are as before."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
    if cache_mb > 0:
        connection.exec_driver_sql(f"PRAGMA cache_size=-{int(cache_mb) * 1024}")
    connection.exec_driver_sql("PRAGMA wal_autocheckpoint=0")
    try:
        yield
    finally:
        connection.rollback()
        connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint={int(autocheckpoint)}")
        if cache_mb > 0:
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
