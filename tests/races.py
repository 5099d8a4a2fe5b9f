"""Running the same work in several threads at once, each with its own app context and database session
(QUALITY R3 and the single-use rules S4/S5): what each racer returned or raised, for the test to inspect."""
from __future__ import annotations

import threading

from app.extensions import db


def race(app, work, parties: int = 2, *, in_request: bool = False, timeout: float = 60) -> list:
    """Run `work(i)` in `parties` threads at once; `in_request` gives each a request context of its own."""
    results: list = [None] * parties

    def run(i):
        with (app.test_request_context() if in_request else app.app_context()):
            try:
                results[i] = work(i)
            except Exception as exc:  # noqa: BLE001 - the test inspects what each racer got
                results[i] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(parties)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results
