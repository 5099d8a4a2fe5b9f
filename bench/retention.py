"""P7: the retention job deletes 1,000,000 expired call records in batches, in at most 60 s,
while portal pages stay within P2.

The scenario adds the expired rows (200 days older than the dataset's today), then runs the
product's own retention function (`purge_call_records`, what `flask jobs run
purge-call-records` runs) in a thread of the runner at the scheduler's CPU niceness
(`JOBS_NICE`, as `jobs serve` applies it), against the bench database, while wrk
loads a portal page with one connection per worker in 5 s slices until the job is done.
The cutoff is taken from the dataset's clock, so only the added rows are due and the
dataset stays reusable.

In production, expired rows were written half a year before the job deletes them: long
checkpointed, with fresh planner statistics. So after adding them the scenario settles the
database the same way (SQLite: a WAL checkpoint that truncates the log; PostgreSQL:
CHECKPOINT and ANALYZE) and loads the page for one slice before the job starts (after an
unreported warm-up slice); that slice is reported as the baseline, not judged.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from datetime import timedelta
from decimal import Decimal

from bench import callrecords, report, wrk
from bench.common import log
from bench.dataset import DATASET_NOW, Sizes, contract_customer, pick_contract

EXPIRED_ROWS = {"L": 1_000_000, "S": 20_000}
P7_SECONDS = 60.0
SLICE_SECONDS = 5
LABEL = "retention of 1,000,000 call records"


def expired_rows(first_id: int, count: int, sizes: Sizes):
    """Call records created 200 days before the dataset's today, ids from `first_id`."""
    created = DATASET_NOW - timedelta(days=200)
    for rid in range(first_id, first_id + count):
        cid = pick_contract(rid, sizes, 0)
        yield dict(id=rid, customer_id=contract_customer(cid, sizes), contract_id=cid,
                   started_at=created - timedelta(seconds=rid % 86400), caller=f"+49211{cid:08d}",
                   callee=f"+4930{rid % 10_000_000:08d}", duration_seconds=rid % 900, zone="Festnetz national",
                   charge=Decimal(rid % 500) / 1000, created_at=created)


def measure_p7(app, scale: str, sizes: Sizes, base: str, cookie: str, page: dict, workers: int) -> list[dict]:
    """Rows for P7: the job's duration and the portal page's p95 while it ran."""
    from app.extensions import db
    from app.services.jobs.retention import purge_call_records
    from app.jobs.scheduler import as_job_runner

    count = EXPIRED_ROWS[scale]
    label = LABEL if scale == "L" else f"retention of {count:,} call records (scale {scale})"
    with app.app_context():  # rows left by an interrupted run would be counted twice
        leftover = purge_call_records(now=DATASET_NOW)
        db.session.remove()
    if leftover:
        log(f"P7: removed {leftover:,} expired rows left by an earlier, interrupted run")
    callrecords.insert(app, "expired call records", count, lambda first, n: expired_rows(first, n, sizes))
    callrecords.settle(app)
    # Workers that served nothing yet (a run with --only retention) compile templates and
    # fill their page caches first: one slice unreported, then the baseline.
    wrk.run(base + page["url"], cookie, SLICE_SECONDS, workers, timeout=30)
    baseline = wrk.run(base + page["url"], cookie, SLICE_SECONDS, workers, timeout=30).as_dict()
    log(f"P7: baseline p95 {baseline['p95_ms']} ms before the job")
    result: dict = {}
    with app.app_context():
        database = db.engine.url.database if db.engine.dialect.name == "sqlite" else None
    wal = WalWatch(f"{database}-wal" if database else None)

    def purge() -> None:
        # As `jobs serve` runs it: lower CPU priority (JOBS_NICE), the jobs' SQLite page cache.
        result["nice"] = as_job_runner(app, thread=True)
        with app.app_context():
            started, cpu = time.perf_counter(), time.thread_time()
            try:
                if os.environ.get("P7_PAUSE"):
                    app.config["RETENTION_PAUSE_SECONDS"] = float(os.environ["P7_PAUSE"])
                kwargs = {"batch": int(os.environ["P7_BATCH"])} if os.environ.get("P7_BATCH") else {}
                result["deleted"] = purge_call_records(now=DATASET_NOW, **kwargs)
            except Exception as exc:  # reported as the bar's note
                result["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                result["seconds"] = round(time.perf_counter() - started, 1)
                result["cpu"] = round(time.thread_time() - cpu, 1)
                db.session.remove()

    log(f"P7: deleting {count:,} expired call records while loading {page['url']} "
        f"({workers} connections, {SLICE_SECONDS} s slices)")
    job = threading.Thread(target=purge, name="retention", daemon=True)
    load_before = os.getloadavg()[0]
    batches = BatchLog(wal.path)
    logging.getLogger("app.jobs.retention").addHandler(batches)
    logging.getLogger("app.jobs.retention").setLevel(logging.INFO)
    probe = LockProbe(database) if database and os.environ.get("P7_PROBE") else None
    wal.start()
    t0 = time.perf_counter()
    if probe:
        probe.t0 = t0
        probe.start()
    job.start()
    slices = []
    while job.is_alive():
        at = time.perf_counter() - t0
        slices.append(dict(wrk.run(base + page["url"], cookie, SLICE_SECONDS, workers, timeout=30).as_dict(),
                           at=round(at, 1)))
    job.join()
    job_end = result.get("seconds")
    wal.stop()
    if probe:
        log(f"P7: {probe.stop()}")
        probe.dump(os.environ["P7_PROBE"])
    logging.getLogger("app.jobs.retention").removeHandler(batches)
    for b in batches.batches:
        log(f"P7 batch at {b['start'] - t0:6.1f} s: {b['rows']:>7} rows, delete {b['delete']:.2f} s, "
            f"commit {b['commit']:.2f} s, checkpoint+pause {b['checkpoint']:.2f} s (all copied: {b['copied']}), "
            f"CPU {b['cpu']:.2f} s, WAL {b['wal_mb']:.0f} MB")
    for s in slices:
        log(f"P7 slice at {s['at']:6.1f} s: p50 {s['p50_ms']} p95 {s['p95_ms']} p99 {s['p99_ms']} ms, "
            f"{s['requests']} requests")
    log(f"P7 job ended at {job_end} s")
    seconds, deleted = result.get("seconds"), result.get("deleted")
    # What the job itself cost, to compare runs on a machine others load: its thread's CPU
    # time, the WAL's largest size and the load average before and after.
    costs = (f"job CPU {result.get('cpu')} s; WAL at most {wal.max_mb:.0f} MB; "
             f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after")
    log(f"P7: {deleted} rows deleted in {seconds} s ({costs})"
        + (f" ({result['error']})" if "error" in result else ""))
    job_ok = "error" not in result and deleted == count and seconds <= P7_SECONDS
    note = result.get("error") or (f"{deleted:,} of {count:,} rows deleted in batches of the job "
                                   f"(niceness {result.get('nice')}, JOBS_NICE); {costs}")
    rows = [report.entry("P7", label, seconds, "s", P7_SECONDS, job_ok, note)]
    if slices:
        worst = max(s["p95_ms"] for s in slices)
        errors = sum(s["errors"] + s["non2xx"] for s in slices)
        rows.append(report.entry(
            "P7", f"portal: {page['label']} during retention", worst, "ms p95 (worst 5 s slice)",
            report.P2_P95_MS, worst <= report.P2_P95_MS and errors == 0,
            f"baseline p95 {baseline['p95_ms']} ms; {len(slices)} slices, p95 per slice: "
            f"{', '.join(str(s['p95_ms']) for s in slices)}"
            + (f"; {errors} failed requests" if errors else "")))
    return rows


class LockProbe(threading.Thread):
    """Diagnosis (P7_PROBE=file): how long a page's write would wait for the database's
    write lock while the job runs (`BEGIN IMMEDIATE` every 100 ms on SQLite, rolled back),
    as the session's last-seen time does once a minute per session."""

    def __init__(self, database: str):
        super().__init__(name="p7-lock-probe", daemon=True)
        self.database, self.t0, self.samples = database, 0.0, []
        self._done = threading.Event()

    def run(self) -> None:
        import sqlite3
        threading.Thread(target=self._states, name="p7-states", daemon=True).start()
        connection = sqlite3.connect(self.database, timeout=30, isolation_level=None)
        while not self._done.wait(0.1):
            started = time.perf_counter()
            connection.execute("BEGIN IMMEDIATE")
            self.samples.append((round(started - self.t0, 2), round((time.perf_counter() - started) * 1000, 1)))
            connection.execute("ROLLBACK")
        connection.close()

    def _states(self) -> None:
        """Every 10 ms the scheduler state of the web workers' threads (grandchildren of this
        process): how often one waits for I/O (D) rather than runs (R) or sleeps (S)."""
        me = str(os.getpid())
        children = {pid for pid in os.listdir("/proc") if pid.isdigit() and _ppid(pid) == me}
        workers = [pid for pid in os.listdir("/proc") if pid.isdigit() and _ppid(pid) in children]
        self.states: list[tuple[float, str]] = []
        while not self._done.wait(0.01):
            at = round(time.perf_counter() - self.t0, 2)
            letters = ""
            for pid in workers:
                try:
                    for tid in os.listdir(f"/proc/{pid}/task"):
                        with open(f"/proc/{pid}/task/{tid}/stat") as stat:
                            letters += stat.read().rsplit(")", 1)[1].split()[0]
                except OSError:
                    pass
            self.states.append((at, letters))

    def stop(self) -> str:
        """Stop; the longest wait and the share of waits over 100 ms."""
        self._done.set()
        self.join()
        waits = [ms for _, ms in self.samples] or [0.0]
        return f"write lock waits: longest {max(waits):.0f} ms, {sum(w > 100 for w in waits)} of {len(waits)} over 100 ms"

    def dump(self, path: str) -> None:
        with open(path, "w") as out:
            out.writelines(f"{at} {ms}\n" for at, ms in self.samples)
        with open(path + ".states", "w") as out:
            out.writelines(f"{at} {letters}\n" for at, letters in getattr(self, "states", []))


def _ppid(pid: str) -> str | None:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[1]
    except OSError:
        return None


class BatchLog(logging.Handler):
    """Keeps the per-batch figures the retention job logs (and the WAL's size at that moment)."""

    def __init__(self, wal_path: str | None = None):
        super().__init__(logging.INFO)
        self.batches: list[dict] = []
        self.wal_path = wal_path

    def emit(self, record: logging.LogRecord) -> None:
        batch = getattr(record, "batch", None)
        if batch is not None:
            self.batches.append(dict(batch, wal_mb=_size_mb(self.wal_path)))


def _size_mb(path: str | None) -> float:
    try:
        return os.path.getsize(path) / 2**20 if path else 0.0
    except OSError:
        return 0.0


class WalWatch(threading.Thread):
    """Samples the size of SQLite's WAL file while the job runs (nothing on PostgreSQL)."""

    def __init__(self, path: str | None, every: float = 0.25):
        super().__init__(name="wal-watch", daemon=True)
        self.path, self.every, self.max_mb = path, every, 0.0
        self._done = threading.Event()

    def run(self) -> None:
        while self.path and not self._done.wait(self.every):
            try:
                self.max_mb = max(self.max_mb, os.path.getsize(self.path) / 2**20)
            except OSError:
                pass

    def stop(self) -> None:
        self._done.set()
        self.join()
