"""Scheduled jobs (R-JOB-1..4): retention, link expiry, idempotence, one scheduler."""
from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from app.extensions import db
from app.models import CallRecord, Document, OneTimeToken
from app.models.enums import DocumentType, TokenPurpose
from app.models.mixins import utcnow
from app.services.jobs.registry import JOBS, run_job
from app.services.jobs.retention import purge_call_records, purge_evn_documents
from app.jobs.scheduler import LockBusy, scheduler_lock
from tests.factories import make_contract, make_customer, make_user


def _call(contract, created_at):
    record = CallRecord(
        customer_id=contract.customer_id, contract=contract, started_at=created_at - timedelta(hours=1),
        caller="+49211550070", callee="+49301234567", duration_seconds=60, zone="Festnetz", charge=0.02,
        created_at=created_at,
    )
    db.session.add(record)
    return record


@pytest.mark.rule("R-JOB-2", "R-INV-3", "R-JOB-4", "R4")
def test_call_records_older_than_180_days_are_deleted_newer_kept(app_ctx):
    """R-JOB-2, and running it again changes nothing (R-JOB-4)."""
    contract = make_contract(make_customer())
    now = utcnow()
    old = [_call(contract, now - timedelta(days=181, minutes=i)) for i in range(3)]
    kept = [_call(contract, now - timedelta(days=179)), _call(contract, now)]
    db.session.commit()
    kept_ids = {r.id for r in kept}

    assert purge_call_records(batch=2) == len(old)
    assert set(db.session.scalars(db.select(CallRecord.id))) == kept_ids
    assert purge_call_records() == 0


@pytest.mark.rule("R-JOB-2", "R-INV-3")
def test_evn_documents_older_than_180_days_go_with_their_files(app_ctx):
    from app.services.documents import create_document, document_path

    customer = make_customer()
    now = utcnow()

    def _doc(doc_type, age_days):
        document = create_document(
            customer_id=customer.id, doc_type=doc_type, title="EVN", filename="evn.csv", mime_type="text/csv",
            data=b"Datum;Ziel\n", document_date=(now - timedelta(days=age_days)).date(),
        )
        document.created_at = now - timedelta(days=age_days)
        return document

    old_pdf, old_csv = _doc(DocumentType.EVN_PDF, 200), _doc(DocumentType.EVN_CSV, 181)
    young_csv, old_invoice = _doc(DocumentType.EVN_CSV, 10), _doc(DocumentType.INVOICE, 400)
    db.session.commit()
    old_paths = [document_path(old_pdf), document_path(old_csv)]
    kept = {young_csv.id, old_invoice.id}
    assert all(path.exists() for path in old_paths)

    assert purge_evn_documents() == 2
    assert set(db.session.scalars(db.select(Document.id))) == kept
    assert not any(path.exists() for path in old_paths)
    assert purge_evn_documents() == 0


@pytest.mark.rule("R-JOB-1")
def test_expire_links_job_voids_only_expired_links(app_ctx):
    """R-JOB-1: a link past its 24 h is voided, a fresh one stays usable."""
    user = make_user("Sales")
    now = utcnow()
    expired = OneTimeToken(user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, token_hash="a" * 64,
                           created_at=now - timedelta(hours=25), expires_at=now - timedelta(hours=1))
    fresh = OneTimeToken(user_id=user.id, purpose=TokenPurpose.PASSWORD_RESET, token_hash="b" * 64,
                         created_at=now, expires_at=now + timedelta(hours=24))
    db.session.add_all([expired, fresh])
    db.session.commit()
    expired_id, fresh_id = expired.id, fresh.id

    assert run_job("expire-links") == 1
    assert db.session.get(OneTimeToken, expired_id).voided_at is not None
    assert db.session.get(OneTimeToken, fresh_id).voided_at is None
    assert run_job("expire-links") == 0


def test_every_job_runs_on_an_empty_database(app_ctx):
    for name in JOBS:
        run_job(name)


@pytest.mark.rule("R-JOB-4")
def test_only_one_scheduler_holds_the_lock(app):
    """R-JOB-4: a second scheduler process cannot take the lock while the first holds it."""
    probe = (
        "import sys; from app import create_app; import config\n"
        "from app.jobs.scheduler import scheduler_lock, LockBusy\n"
        "class C(config.TestConfig):\n"
        f"    SQLALCHEMY_DATABASE_URI = {app.config['SQLALCHEMY_DATABASE_URI']!r}\n"
        "a = create_app(C)\n"
        "with a.app_context():\n"
        "    try:\n"
        "        with scheduler_lock(a):\n"
        "            print('acquired')\n"
        "    except LockBusy:\n"
        "        print('busy')\n"
    )

    def _other_process():
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1]

    with app.app_context():
        with scheduler_lock(app):
            assert _other_process() == "busy"
            with pytest.raises(LockBusy):
                with scheduler_lock(app):
                    pass
        assert _other_process() == "acquired"


def test_jobs_cli_lists_and_runs(app):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0
    for name in JOBS:
        assert name in listing.output
    assert runner.invoke(args=["jobs", "run", "expire-links"]).exit_code == 0
    unknown = runner.invoke(args=["jobs", "run", "no-such-job"])
    assert unknown.exit_code != 0 and "unknown job" in unknown.output


def test_scheduler_runs_at_lower_cpu_priority(app, tmp_path):
    """P7: `jobs serve` lowers its own priority by JOBS_NICE, so a retention backlog takes
    the CPU the web workers leave; job threads started later inherit it."""
    probe = (
        "import os, threading\n"
        "from app import create_app; import config\n"
        "from app.jobs import scheduler\n"
        "class C(config.TestConfig):\n"
        f"    SQLALCHEMY_DATABASE_URI = {'sqlite:///' + str(tmp_path / 'jobs.db')!r}\n"
        "    JOBS_NICE = 7\n"
        "a = create_app(C)\n"
        "before = os.getpriority(os.PRIO_PROCESS, 0)\n"
        "class Stop(Exception): pass\n"
        "def echo(message):\n"
        "    if message.startswith('Scheduler running'):\n"
        "        seen = []\n"
        "        t = threading.Thread(target=lambda: seen.append(os.getpriority(os.PRIO_PROCESS, 0)))\n"
        "        t.start(); t.join()\n"
        "        print(before, os.getpriority(os.PRIO_PROCESS, 0), seen[0], flush=True)\n"
        "        raise Stop()\n"
        "try:\n"
        "    scheduler.serve(a, echo=echo)\n"
        "except Stop:\n"
        "    pass\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    before, after, thread = map(int, done.stdout.split())
    assert after == min(before + 7, 19) and thread == after


def test_lower_priority_of_one_thread_leaves_the_process_alone():
    """The bench's retention thread gets the scheduler's niceness without slowing the runner."""
    import os
    import threading

    from app.jobs.scheduler import lower_priority

    before = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []
    worker = threading.Thread(target=lambda: seen.append(lower_priority(3, thread=True)))
    worker.start()
    worker.join()
    assert seen == [min(before + 3, 19)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == before
    assert lower_priority(0) == before


@pytest.mark.rule("P7", "R-JOB-2")
def test_retention_checkpoints_each_batch_and_gives_its_settings_back(app_ctx):
    """P7: on SQLite the WAL is copied into the database after every batch (it no longer grows
    by a batch at each commit under page load), the job's connection checkpoints only then, not
    at commit, and its large page cache and that setting last for its run only."""
    from app.services.jobs.retention import _sqlite_settings

    contract = make_contract(make_customer())
    now = utcnow()
    for i in range(5):
        _call(contract, now - timedelta(days=181, minutes=i))
    db.session.commit()
    assert purge_call_records(batch=2, pause=0) == 5
    assert db.session.scalar(db.select(db.func.count(CallRecord.id))) == 0
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.connect() as connection:
        busy, frames, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
        assert busy == 0 and frames == copied
        before = connection.exec_driver_sql("PRAGMA cache_size").scalar()
        autocheckpoint = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
        with _sqlite_settings(connection, 256):
            assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == -256 * 1024
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        assert connection.exec_driver_sql("PRAGMA cache_size").scalar() == before
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == autocheckpoint

