"""The jobs, their intervals, and running one of them as a unit of work (R-JOB-1..4).

Every job is idempotent: it acts only on rows that are due at the moment it runs
(expired, older than the retention, queued and due), so running it twice, or late,
does no harm.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Callable

from app.extensions import db
from app.services.auth import pins, reset_requests, throttle, tokens
from app.services.jobs import retention
from app.services.option_order import drafts
from app.services.notifications import delivery

log = logging.getLogger("app.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    interval_seconds: int
    run: Callable[[], object]


def _deliver_outbox():
    # Forgot-password requests the server never got to after its response become emails first.
    worked = reset_requests.work_pending(limit=500)
    return dict(delivery.deliver_due(limit=500), reset_requests=worked)


def _expire_links():
    return tokens.expire_stale()


def _purge_pins():
    return pins.purge_stale()


def _purge_auth_failures():
    return throttle.purge_old()


def _purge_call_records():
    return retention.purge_call_records()


def _purge_evn_documents():
    return retention.purge_evn_documents()


def _purge_order_drafts():
    return drafts.purge_expired()


def _purge_sessions():
    from app.services.auth import user_sessions

    return user_sessions.purge_stale()


def _release_usernames():
    from app.services.auth import erasure

    return erasure.release_usernames()


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("deliver-outbox", "R-JOB-3: send queued emails and SMS (and forgot-password requests left waiting), retry failed ones", 30, _deliver_outbox),
        Job("expire-links", "R-JOB-1: void one-time links older than 24 h", 300, _expire_links),
        Job("purge-pins", "R-JOB-1: delete stale SMS PIN challenges", 3600, _purge_pins),
        Job("purge-auth-failures", "S6: delete sign-in failure counters older than a day", 3600,
            _purge_auth_failures),
        Job("purge-call-records", "R-JOB-2: delete call records older than 180 days", 6 * 3600,
            _purge_call_records),
        Job("purge-evn-documents", "R-JOB-2: delete EVN documents older than 180 days", 6 * 3600,
            _purge_evn_documents),
        Job("purge-order-drafts", "R-WIZ-7: delete option orders left unfinished past ORDER_DRAFT_HOURS, with their "
            "uploads", 3600, _purge_order_drafts),
        Job("purge-sessions", "S8: delete session records past their idle or absolute timeout", 3600,
            _purge_sessions),
        Job("release-usernames", "R-AUTH-10: free the usernames of accounts deactivated more than 90 days ago",
            24 * 3600, _release_usernames),
    )
}


def run_job(name: str):
    """Run one job in its own transaction; a failure is rolled back, logged and re-raised."""
    job = JOBS[name]
    started = time.monotonic()
    try:
        result = job.run()
        db.session.commit()
    except Exception:
        db.session.rollback()
        log.exception("Job %s failed", name)
        raise
    finally:
        db.session.remove()
    worked = any(result.values()) if isinstance(result, dict) else bool(result)
    # Only runs that did something are worth a line in the console.
    log.log(logging.INFO if worked else logging.DEBUG, "Job %s done in %.2f s: %s", name,
            time.monotonic() - started, result)
    return result
