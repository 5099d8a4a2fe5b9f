"""Driving one URL with wrk and reading its figures (percentiles via a Lua `done` hook)."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.common import VAR_DIR, log

LUA = r"""
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) non2xx = 0 end
function response(status, headers, body)
  if status < 200 or status > 299 then non2xx = non2xx + 1 end
end
function done(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do bad = bad + t:get("non2xx") end
  io.write(string.format(
    'BENCH_JSON {"p50_us":%.0f,"p95_us":%.0f,"p99_us":%.0f,"requests":%d,"duration_us":%.0f,' ..
    '"bytes":%d,"err_connect":%d,"err_read":%d,"err_write":%d,"err_timeout":%d,"non2xx":%d}\n',
    latency:percentile(50), latency:percentile(95), latency:percentile(99), summary.requests,
    summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.timeout, bad))
end
"""


@dataclass
class LoadResult:
    """Figures of one wrk run."""

    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    rps: float
    errors: int
    non2xx: int

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def ensure_wrk() -> str:
    """The wrk binary; installed from Debian's package when missing (we run as root in CI)."""
    found = shutil.which("wrk")
    if found:
        return found
    log("wrk not found: apt-get install -y wrk")
    subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
    if not shutil.which("wrk"):
        subprocess.run(["apt-get", "update", "-q"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("wrk")


def parse_output(stdout: str) -> LoadResult:
    """Read the BENCH_JSON line the Lua hook prints (pure; unit-tested)."""
    for line in stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            data = json.loads(line[len("BENCH_JSON "):])
            seconds = max(data["duration_us"] / 1e6, 1e-9)
            errors = data["err_connect"] + data["err_read"] + data["err_write"] + data["err_timeout"]
            return LoadResult(
                p50_ms=round(data["p50_us"] / 1000, 2), p95_ms=round(data["p95_us"] / 1000, 2),
                p99_ms=round(data["p99_us"] / 1000, 2), requests=data["requests"],
                rps=float(f"{data['requests'] / seconds:.4g}"), errors=errors, non2xx=data["non2xx"],
            )
    raise ValueError("wrk printed no BENCH_JSON line:\n" + stdout[-2000:])


def run(url: str, cookie: str | None, seconds: int, connections: int, threads: int = 2,
        timeout: int = 30) -> LoadResult:
    """Load `url` for `seconds` with `connections` keep-alive connections."""
    script = VAR_DIR / "bench.lua"
    if not script.exists() or script.read_text() != LUA:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        script.write_text(LUA)
    cmd = [ensure_wrk(), "-t", str(min(threads, connections)), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", f"{timeout}s", "-s", str(script)]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    cmd.append(url)
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + timeout + 120)
    return parse_output(done.stdout)
