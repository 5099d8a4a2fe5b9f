"""Shared settings of the benchmark: paths, scales, environment of the servers under test."""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
VAR_DIR = BENCH_DIR / "var"
RESULTS_DIR = BENCH_DIR / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
FLASK = [PYTHON, "-m", "flask", "--app", "run"]
GUNICORN = [PYTHON, "-m", "gunicorn"]

# Dataset L (QUALITY "Performance"); S is 1/50 of it.
SCALES = {"L": 1.0, "S": 1 / 50}

# One password for every generated account; hashed once by the generator.
BENCH_PASSWORD = "Bench#Kennwort42"

# Bump when the generator's output changes, so a stored dataset is rebuilt.
GENERATOR_VERSION = 7  # 5: ab_user.username_key; 6: English catalogue texts, invoice paid_on; 7: spare admins
ADMIN_USERS = ("bench-admin",) + tuple(f"bench-admin{n:02d}" for n in range(2, 6))


def log(message: str) -> None:
    """A progress line on stderr (stdout carries the result table)."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def dataset_name(scale: str, backend: str) -> str:
    """Directory/file stem of one generated dataset."""
    return f"{backend}-{scale}"


def sqlite_path(scale: str) -> Path:
    """Where the SQLite dataset of a scale lives."""
    return VAR_DIR / f"{dataset_name(scale, 'sqlite')}.db"


def storage_dir(scale: str, backend: str) -> Path:
    """DOCUMENT_STORAGE_DIR of a dataset (files are hard links to a few shared files)."""
    return VAR_DIR / f"{dataset_name(scale, backend)}-documents"


def app_env(database_url: str, documents: Path, extra: dict | None = None) -> dict:
    """Environment for the app's CLI and servers: the bench database, development keys unless given."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url
    env.setdefault("ESERVICE_ENV", "development")
    env["DOCUMENT_STORAGE_DIR"] = str(documents)
    # The PIN is read back from the outbox table; nothing leaves the machine.
    env["MESSAGE_ADAPTER"] = "console"
    env["PYTHONPATH"] = str(ROOT)
    env.pop("FLASK_APP", None)
    if extra:
        env.update(extra)
    return env


class Progress:
    """A one-line progress bar on stderr for a known number of rows."""

    def __init__(self, label: str, total: int):
        self.label, self.total, self.done = label, max(total, 1), 0
        self.started = self.last = time.monotonic()
        # On a terminal the bar redraws in place; in a log only the finished line is written.
        self.live = sys.stderr.isatty()
        if self.live:
            self._draw()

    def add(self, n: int) -> None:
        """Count n more rows; redraw at most a few times a second."""
        self.done += n
        now = time.monotonic()
        if self.live and (now - self.last >= 0.5 or self.done >= self.total):
            self.last = now
            self._draw()

    def _draw(self, final: bool = False) -> None:
        share = min(self.done / self.total, 1.0)
        bar = "#" * int(share * 30)
        rate = self.done / max(time.monotonic() - self.started, 1e-6)
        end = "\n" if final else "\r"
        sys.stderr.write(
            f"  {self.label:<20} [{bar:<30}] {share:6.1%} {self.done:>10,}/{self.total:,}"
            f" {rate:>9,.0f} rows/s{end}"
        )
        sys.stderr.flush()

    def close(self) -> float:
        """Finish the line; return the seconds it took."""
        self._draw(final=True)
        return time.monotonic() - self.started


def bench_app(database_url: str, documents: Path):
    """The product's app bound to the bench database, built in this process.

    The settings are passed as a Config subclass: `config.Config` reads the environment
    when first imported, so changing os.environ afterwards would silently keep another
    database. The final check makes that mistake impossible.
    """
    # The bench serves generated data with development keys unless real ones are given;
    # `config` reads the environment once, on first import.
    os.environ.setdefault("ESERVICE_ENV", "development")
    from config import Config

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = database_url
        DOCUMENT_STORAGE_DIR = str(documents)
        MESSAGE_ADAPTER = "console"

    from app import create_app

    app = create_app(BenchConfig)
    if app.config["SQLALCHEMY_DATABASE_URI"] != database_url:
        raise SystemExit("bench app is not bound to the bench database")
    return app
