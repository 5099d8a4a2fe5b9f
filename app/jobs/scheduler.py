"""The one scheduler process (R-JOB-4).

`flask --app run jobs serve` runs every job of `registry.JOBS` at its interval.
Several app servers may each start one; only the holder of the scheduler lock
runs jobs, the others wait and take over if it stops:

- on PostgreSQL a session-level advisory lock on a dedicated connection;
- on SQLite (one machine by nature) an exclusive `flock` on a file beside the database.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from sqlalchemy import text

from app.extensions import db
from app.services.jobs.registry import JOBS, run_job
from app.sqlite import set_cache_size

log = logging.getLogger("app.jobs")
ADVISORY_LOCK_KEY = 0x65736572  # "eser"


class LockBusy(Exception):
    """Another scheduler process holds the lock."""


def _sqlite_lock_path(app: Flask) -> Path:
    database = db.engine.url.database or ""
    if database and database != ":memory:":
        return Path(database).with_suffix(".scheduler.lock")
    return Path(app.instance_path) / "scheduler.lock"


@contextmanager
def scheduler_lock(app: Flask):
    """Hold the scheduler lock for the duration of the block, or raise LockBusy at once."""
    if db.engine.dialect.name == "postgresql":
        connection = db.engine.connect()
        try:
            acquired = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_LOCK_KEY}).scalar()
            connection.commit()
            if not acquired:
                raise LockBusy()
            try:
                yield
            finally:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_LOCK_KEY})
                connection.commit()
        finally:
            connection.close()
        return
    path = _sqlite_lock_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockBusy() from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


def _run_in_context(app: Flask, name: str) -> None:
    with app.app_context():
        try:
            run_job(name)
        except Exception:  # nosec B110  # logged by run_job; the scheduler keeps going
            pass


def lower_priority(niceness: int, thread: bool = False) -> int:
    """Raise this process's (or only this thread's) niceness by `niceness`; return the new value.

    Jobs are background work: on a host shared with the web workers they get the CPU
    the pages leave (P7). A niceness the system refuses is logged, not fatal.
    """
    if niceness <= 0:
        return os.getpriority(os.PRIO_PROCESS, 0)
    try:
        if thread:  # Linux: a thread id is a PRIO_PROCESS target of its own
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)
            return os.getpriority(os.PRIO_PROCESS, tid)
        return os.nice(niceness)
    except OSError as exc:
        log.warning("could not lower the scheduler's CPU priority: %s", exc)
        return os.getpriority(os.PRIO_PROCESS, 0)


def as_job_runner(app: Flask, thread: bool = False) -> int:
    """Settings of a process (or thread) that runs jobs: lower CPU priority (`JOBS_NICE`) and,
    on SQLite, the larger page cache of `JOBS_SQLITE_CACHE_MB`. Returns the niceness."""
    with app.app_context():
        set_cache_size(db.engine, app.config.get("JOBS_SQLITE_CACHE_MB", 64))
    return lower_priority(app.config.get("JOBS_NICE", 0), thread=thread)


def serve(app: Flask, echo=print, wait_seconds: float = 30.0) -> None:
    """Block forever: wait for the lock, then run every job at its interval."""
    as_job_runner(app)

    # APScheduler reports every run at INFO; the console is for PINs, links and problems.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    while True:
        try:
            with app.app_context(), scheduler_lock(app):
                echo(f"Scheduler running {len(JOBS)} jobs (Ctrl+C stops it).")
                scheduler = BlockingScheduler(timezone="UTC")
                for job in JOBS.values():
                    # Frequent jobs start right away; the rest after their first interval.
                    first = {"next_run_time": _soon()} if job.interval_seconds <= 600 else {}
                    scheduler.add_job(
                        _run_in_context, "interval", args=[app, job.name], id=job.name, name=job.name,
                        seconds=job.interval_seconds, max_instances=1, coalesce=True, **first,
                    )
                scheduler.start()
                return
        except LockBusy:
            echo(f"Another scheduler holds the lock; checking again in {wait_seconds:.0f} s.")
            time.sleep(wait_seconds)


def _soon():
    return datetime.now(timezone.utc) + timedelta(seconds=2)
