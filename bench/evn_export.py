"""P6: the EVN CSV export of 1,000,000 call records streams in at most 10 s, with the
serving worker's peak RSS at most 150 MB.

The scenario gives the large customer 1,000,000 calls in the month before the dataset's
today (created recently, so no retention applies), settles the database, then downloads
the portal's export (`/portal/invoices/call-records.csv`) for that range as the signed-in
Portal Admin, reading the stream to its end. A sampler reads VmRSS of both gunicorn
workers every 20 ms; the figure is the highest value seen, next to the workers' RSS before
the download. The rows are removed afterwards (by id range), so the dataset stays as
generated; rows an interrupted run left behind are found by their zone and removed first.
"""
from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from bench import callrecords, report
from bench.common import log
from bench.dataset import BIG_CUSTOMER, DATASET_NOW

EXPORT_ROWS = {"L": 1_000_000, "S": 20_000}
P6_SECONDS = 10.0
P6_RSS_MB = 150.0
ZONE = "Festnetz (Messung P6)"  # marks the scenario's rows
LABEL = "EVN CSV of 1,000,000 call records"
EXPORT_RULE = "/portal/invoices/call-records.csv"  # the portal route under test


def export_rows(first_id: int, count: int, contracts: list[int]):
    """Calls of the large customer, one every 2 s over the weeks before the dataset's today."""
    start = DATASET_NOW - timedelta(days=40)
    created = DATASET_NOW - timedelta(days=5)
    for n in range(count):
        contract_id = contracts[n % len(contracts)]
        yield dict(id=first_id + n, customer_id=BIG_CUSTOMER, contract_id=contract_id,
                   started_at=start + timedelta(seconds=2 * n), caller=f"+49211{contract_id:08d}",
                   callee=f"+4989{n % 10_000_000:08d}", duration_seconds=n % 900, zone=ZONE,
                   charge=Decimal(n % 500) / 1000, created_at=created)


def _customer_contracts(app) -> list[int]:
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contract

    with app.app_context():
        ids = list(db.session.scalars(select(Contract.id).where(Contract.customer_id == BIG_CUSTOMER)
                                      .order_by(Contract.id)))
        db.session.remove()
    return ids


def _delete(app, *where) -> int:
    from sqlalchemy import delete

    from app.extensions import db
    from app.models import CallRecord

    with app.app_context():
        with db.engine.begin() as conn:
            deleted = conn.execute(delete(CallRecord.__table__).where(*where)).rowcount
        db.session.remove()
    return deleted


def _expected_rows(app, date_from, date_to) -> int:
    """Calls of the large customer in the range (the scenario's and the dataset's own)."""
    from datetime import datetime

    from sqlalchemy import func, select

    from app.extensions import db
    from app.models import CallRecord

    start = datetime.combine(date_from, datetime.min.time())
    end = datetime.combine(date_to + timedelta(days=1), datetime.min.time())
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(CallRecord).where(
            CallRecord.customer_id == BIG_CUSTOMER, CallRecord.started_at >= start, CallRecord.started_at < end))
        db.session.remove()
    return count


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers: processes whose parent is the master."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:
            pids.append(int(stat.parent.name))
    return sorted(pids)


def rss_mb(pid: int) -> float | None:
    """Resident set size of a process in MB (None once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class RssSampler(threading.Thread):
    """Highest RSS of each process, sampled every 20 ms until stopped."""

    def __init__(self, pids: list[int]):
        super().__init__(name="rss-sampler", daemon=True)
        self.pids, self.peak = pids, {pid: 0.0 for pid in pids}
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.is_set():
            for pid in self.pids:
                value = rss_mb(pid)
                if value is not None and value > self.peak[pid]:
                    self.peak[pid] = value
            self.stop_event.wait(0.02)

    def stop(self) -> dict[int, float]:
        self.stop_event.set()
        self.join()
        return self.peak


def download(base: str, path: str, cookie: str) -> dict:
    """GET `path` and read the body to its end: status, seconds to first byte and in all, bytes, lines."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    started = time.perf_counter()
    conn.request("GET", path, headers={"Cookie": cookie})
    response = conn.getresponse()
    first = None
    size = lines = 0
    while chunk := response.read(1 << 16):
        if first is None:
            first = time.perf_counter() - started
        size += len(chunk)
        lines += chunk.count(b"\n")  # every line ends in CRLF; a read may split the pair
    total = time.perf_counter() - started
    conn.close()
    return {"status": response.status, "type": response.getheader("Content-Type"), "seconds": round(total, 2),
            "first_byte_s": round(first or total, 3), "bytes": size, "lines": lines}


def measure_p6(app, scale: str, base: str, cookie: str, master_pid: int) -> list[dict]:
    """Rows for P6: seconds for the whole download and the workers' peak RSS."""
    count = EXPORT_ROWS[scale]
    label = LABEL if scale == "L" else f"EVN CSV of {count:,} call records (scale {scale})"
    from app.models import CallRecord

    leftover = _delete(app, CallRecord.zone == ZONE)
    if leftover:
        log(f"P6: removed {leftover:,} rows left by an earlier, interrupted run")
    contracts = _customer_contracts(app)
    if not contracts:
        return [report.entry("P6", label, None, "s", P6_SECONDS, False, "the large customer has no contract")]
    first = callrecords.insert(app, f"call records of customer {BIG_CUSTOMER}", count,
                               lambda first_id, n: export_rows(first_id, n, contracts))
    try:
        callrecords.settle(app)
        date_from, date_to = (DATASET_NOW - timedelta(days=40)).date(), DATASET_NOW.date()
        expected = _expected_rows(app, date_from, date_to)
        path = f"/portal/invoices/call-records.csv?from={date_from}&to={date_to}"
        workers = worker_pids(master_pid)
        before = {pid: rss_mb(pid) for pid in workers}
        log(f"P6: downloading {path} ({expected:,} calls); worker RSS before: "
            + ", ".join(f"{v:.0f} MB" for v in before.values() if v))
        sampler = RssSampler(workers)
        sampler.start()
        try:
            result = download(base, path, cookie)
        finally:
            peak = sampler.stop()
    finally:
        removed = _delete(app, CallRecord.id >= first, CallRecord.zone == ZONE)
        log(f"P6: removed the scenario's {removed:,} rows")
    peak_mb = round(max(peak.values()), 1) if peak else None
    rows_out = result["lines"] - 1  # the header
    complete = result["status"] == 200 and rows_out == expected
    log(f"P6: {result['status']} {result['type']}, {rows_out:,} rows, {result['bytes'] / 1e6:.1f} MB "
        f"in {result['seconds']} s (first byte after {result['first_byte_s']} s); peak worker RSS {peak_mb} MB")
    note = (f"{rows_out:,} of {expected:,} rows, {result['bytes'] / 1e6:.1f} MB, first byte after "
            f"{result['first_byte_s']} s" if complete else
            f"HTTP {result['status']}, {rows_out:,} of {expected:,} rows")
    before_text = ", ".join(f"{v:.0f}" for v in before.values() if v)
    grown = max((peak.get(pid, 0) - (before.get(pid) or 0) for pid in workers), default=0)
    return [
        report.entry("P6", label, result["seconds"], "s", P6_SECONDS,
                     complete and result["seconds"] <= P6_SECONDS, note),
        report.entry("P6", f"{label}: peak RSS of the serving worker", peak_mb, "MB", P6_RSS_MB,
                     complete and peak_mb is not None and peak_mb <= P6_RSS_MB,
                     f"worker RSS before the download: {before_text} MB, the export added at most {grown:.1f} MB; "
                     f"sampled every 20 ms"),
    ]
