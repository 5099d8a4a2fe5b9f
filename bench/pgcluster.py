"""A throwaway PostgreSQL cluster for the benchmark, kept under bench/var/ so a dataset can be reused.

Used when no DATABASE_URL is given and `--backend postgres` is asked for. Runs the
server binaries of Debian's `postgresql` package as the `postgres` user when we are root
(initdb refuses root).
"""
from __future__ import annotations

import glob
import os
import shutil
import subprocess
import time
from pathlib import Path

from bench.common import VAR_DIR, log

PORT = int(os.environ.get("BENCH_PG_PORT", "55433"))


def _bin(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not candidates:
        raise SystemExit("PostgreSQL server binaries not found: apt-get install postgresql")
    return candidates[-1]


def _as_owner(cmd: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--"] + cmd
    return cmd


class Cluster:
    """One cluster directory; `start()` returns a DATABASE_URL, `stop()` shuts it down."""

    def __init__(self, scale: str):
        self.base = VAR_DIR / f"pg-{scale}"
        self.data = self.base / "data"
        self.sock = self.base / "sock"
        self.started_here = False

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{PORT}/eservice_bench"

    def _chown(self, path: Path) -> None:
        if os.geteuid() == 0:
            shutil.chown(path, "postgres", "postgres")

    def start(self) -> str:
        """Create the cluster if needed, start it, create the database; return its URL."""
        self.base.mkdir(parents=True, exist_ok=True)
        self.sock.mkdir(exist_ok=True)
        for p in (VAR_DIR, self.base, self.sock):
            os.chmod(p, 0o755)
        self._chown(self.base)
        self._chown(self.sock)
        if not (self.data / "PG_VERSION").exists():
            log(f"creating PostgreSQL cluster in {self.data}")
            subprocess.run(_as_owner([_bin("initdb"), "-D", str(self.data), "-U", "postgres",
                                      "--auth=trust", "-E", "UTF8", "--no-sync"]),
                           check=True, stdout=subprocess.DEVNULL)
        status = subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "status"]),
                                capture_output=True)
        if status.returncode != 0:
            opts = (f"-p {PORT} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=off"
                    " -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB"
                    " -c max_wal_size=4GB -c maintenance_work_mem=256MB")
            subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-l",
                                      str(self.base / "server.log"), "-o", opts, "-w", "start"]),
                           check=True, stdout=subprocess.DEVNULL)
            self.started_here = True
        for _ in range(50):
            if subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-Atc",
                               "select 1"], capture_output=True).returncode == 0:
                break
            time.sleep(0.2)
        exists = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-Atc",
                                 "select 1 from pg_database where datname='eservice_bench'"],
                                capture_output=True, text=True).stdout.strip()
        if not exists:
            subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-qc",
                            "create database eservice_bench"], check=True)
        return self.url

    def drop_database(self) -> None:
        """Drop and recreate the bench database (forced regeneration)."""
        for sql in ("drop database if exists eservice_bench", "create database eservice_bench"):
            subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(PORT), "-U", "postgres", "-qc", sql],
                           check=True)

    def stop(self) -> None:
        """Stop the server if this process started it."""
        if self.started_here:
            subprocess.run(_as_owner([_bin("pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"]),
                           stdout=subprocess.DEVNULL)
            self.started_here = False
