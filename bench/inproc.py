"""In-process figures: the product app in this process, requests through Flask's test client.

No server, no network, no profiler: what one request costs the app itself (Python, templates,
SQL). `make profile` (bench/profile.py) and the P10 bar of `make bench` share this harness, so
the profiler's "median ms" and P10's figure mean the same thing.
"""
from __future__ import annotations

import logging
import math
import time
from contextlib import contextmanager

SESSION_COOKIE = "eservice_session"
WARMUP = 20            # requests before timing: templates compiled, caches and the SQLite page cache warm
P10_REQUESTS = 200     # timed requests per page for P10 (after the warm-up)


def median(values: list[float]) -> float | None:
    """The median (mean of the two middle values for an even count); None for no values (pure)."""
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile (`share` 0-100) of `values`; None for no values (pure)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(share / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def client_with_cookie(app, cookie_value: str | None):
    """A test client carrying a session cookie made elsewhere (a sign-in against gunicorn, same keys)."""
    client = app.test_client()
    if cookie_value:
        client.set_cookie(SESSION_COOKIE, cookie_value, domain="localhost")
    return client


@contextmanager
def quiet(app):
    """No request logging while timing (a failing page is reported by its status instead)."""
    level = app.logger.level
    app.logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        app.logger.setLevel(level)


class RequestError(RuntimeError):
    """A timed GET did not answer 200 on its own URL."""


def get_ok(client, path: str):
    """One GET that must answer 200 without a redirect; returns the response."""
    response = client.get(path)
    if response.status_code != 200:
        where = response.headers.get("Location", "")
        raise RequestError(f"GET {path} answered {response.status_code}" + (f" (to {where})" if where else ""))
    return response


def time_gets(app, client, path: str, n: int, warmup: int = WARMUP) -> list[float]:
    """Milliseconds of each of `n` GETs of `path` after `warmup` untimed ones (RequestError on non-200)."""
    out = []
    with quiet(app):
        for _ in range(warmup):
            get_ok(client, path)
        for _ in range(n):
            t0 = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - t0) * 1000
            if response.status_code != 200:
                raise RequestError(f"GET {path} answered {response.status_code}")
            out.append(elapsed)
    return out


class SQLCounter:
    """Counts statements the app sends (a `before_cursor_execute` listener on its engine)."""

    def __init__(self, app):
        from sqlalchemy import event

        from app.extensions import db

        with app.app_context():
            self.engine = db.engine
        self.count = 0
        self._event = event
        event.listen(self.engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args) -> None:
        self.count += 1

    def close(self) -> None:
        """Remove the listener (timing without it afterwards)."""
        self._event.remove(self.engine, "before_cursor_execute", self._on_execute)


def measure_page(app, client, path: str, n: int = P10_REQUESTS, warmup: int = WARMUP) -> dict:
    """P10 figures of one page: median and p95 ms of `n` in-process GETs, n, and the first error."""
    try:
        times = time_gets(app, client, path, n, warmup)
    except RequestError as exc:
        return {"requests": 0, "median_ms": None, "p95_ms": None, "error": str(exc)}
    return {"requests": len(times), "median_ms": round(median(times), 2),
            "p95_ms": round(percentile(times, 95), 2), "error": None}
