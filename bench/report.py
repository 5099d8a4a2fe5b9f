"""Turning measurements into bar verdicts (QUALITY P1-P8), a printed table and latest.json."""
from __future__ import annotations

from typing import Iterable

P2_P95_MS = 50.0
P3_RATIO = 2.0
P4_KB = 150.0
P4_P95_MS = 150.0
P5_STATEMENTS = 15
P1_P95_MS = 100.0

NOT_MEASURABLE = "not measurable yet"
NOT_AVAILABLE = "not available yet"


def entry(bar: str, page: str, figure, unit: str, limit, passed: bool, note: str = "") -> dict:
    """One row of latest.json."""
    row = {"bar": bar, "page": page, "figure": figure, "unit": unit, "limit": limit, "pass": bool(passed)}
    if note:
        row["note"] = note
    return row


def _ratio(value: float | None, base: float | None) -> float | None:
    if not value or not base:
        return None
    return round(value / base, 3)


def _latency_note(load: dict, latency: dict) -> str:
    """Where a latency figure comes from when a page had a separate latency run."""
    if latency is load or "connections" not in latency:
        return ""
    return (f"p95 at {latency['connections']} connections (one per worker); at {load.get('connections', '?')} "
            f"connections (saturated, req/s run) p95 {load['p95_ms']} ms, p50 {load['p50_ms']} ms")


def evaluate(pages: list[dict], peers: dict[str, dict], pending: list[dict]) -> list[dict]:
    """All rows of latest.json from page and peer measurements (pure; unit-tested).

    `pages`: dicts with key, label, area (portal|backoffice), kind, status, and when measured
    `load` (p50_ms, p95_ms, p99_ms, rps, errors, non2xx), optionally `latency` (the same
    figures from a run with one connection per worker: the latency bars P2/P4 are judged
    on it, throughput P3 on `load`), `bytes`, `statements`,
    `statements_small` (the same page with fewer rows shown) and `small_note`.
    `peers`: {"stock_fab": page-like dict, "hello": page-like dict}.
    `pending`: rows for bars whose feature is not there yet (P1, P6-P8) or measured apart.
    """
    rows: list[dict] = []
    fab_rps = (peers.get("stock_fab") or {}).get("load", {}).get("rps")
    hello_rps = (peers.get("hello") or {}).get("load", {}).get("rps")
    for name, peer in peers.items():
        label = peer["label"]
        if peer.get("status") != "ok":
            rows.append(entry("peer", label, None, "", None, False, peer.get("status", "")))
            continue
        load = peer["load"]
        rows.append(entry("peer", label, peer.get("single_ms"), "ms one GET", None, True))
        rows.append(entry("peer", label, load["p95_ms"], "ms p95", None, True))
        rows.append(entry("peer", label, load["rps"], "req/s", None, True))
        rows.append(entry("peer", label, round(peer["bytes"] / 1024, 1), "KB", None, True))
        if name != "hello":
            rows.append(entry("ratio", label, _ratio(load["rps"], hello_rps), "× hello req/s", None, True))

    for page in pages:
        name = f"{page['area']}: {page['label']}"
        if page.get("status") != "ok":
            status = page.get("status") or NOT_AVAILABLE
            if page["area"] == "portal":
                rows.append(entry("P2", name, None, "ms p95", P2_P95_MS, False, status))
                if page["kind"] == "list":
                    rows.append(entry("P3", name, None, "× stock FAB req/s", P3_RATIO, False, status))
                rows.append(entry("P5", name, None, "statements", P5_STATEMENTS, False, status))
            else:
                rows.append(entry("P4", name, None, "ms p95", P4_P95_MS, False, status))
            continue
        load = page["load"]
        latency = page.get("latency") or load
        errors = load["errors"] + load["non2xx"] + (
            latency["errors"] + latency["non2xx"] if latency is not load else 0)
        error_note = f"{errors} failed requests" if errors else ""
        latency_note = _latency_note(load, latency)
        rows.append(entry("errors", name, errors, "requests", 0, errors == 0, error_note))
        rows.append(entry("rps", name, load["rps"], "req/s", None, True))
        rows.append(entry("ratio", name, _ratio(load["rps"], fab_rps), "× stock FAB req/s", None, True))
        rows.append(entry("ratio", name, _ratio(load["rps"], hello_rps), "× hello req/s", None, True))
        statements, small = page.get("statements"), page.get("statements_small")
        grows = statements is not None and small is not None and statements > small
        growth_note = page.get("small_note", "")
        if page["area"] == "portal":
            rows.append(entry("P2", name, latency["p95_ms"], "ms p95", P2_P95_MS,
                              latency["p95_ms"] <= P2_P95_MS and errors == 0,
                              "; ".join(n for n in (error_note, latency_note) if n)))
            if page["kind"] == "list":
                ratio = _ratio(load["rps"], fab_rps)
                rows.append(entry("P3", name, ratio, "× stock FAB req/s", P3_RATIO,
                                  ratio is not None and ratio >= P3_RATIO and errors == 0,
                                  f"{load['rps']} vs {fab_rps} req/s"))
            rows.append(entry("P5", name, statements, "statements", P5_STATEMENTS,
                              statements is not None and statements <= P5_STATEMENTS and not grows,
                              growth_note))
        else:
            kb = round(page["bytes"] / 1024, 1)
            rows.append(entry("P4", name, kb, "KB", P4_KB, kb <= P4_KB))
            rows.append(entry("P4", name, latency["p95_ms"], "ms p95", P4_P95_MS,
                              latency["p95_ms"] <= P4_P95_MS and errors == 0,
                              "; ".join(n for n in (error_note, latency_note) if n)))
            rows.append(entry("P5", name, statements, "statements", small, statements is not None and not grows,
                              growth_note or "back office: must not grow with rows shown"))
    rows.extend(pending)
    return rows


def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if 0 < abs(value) < 1:
            return f"{value:.2g}"
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def table(pages: list[dict], peers: dict[str, dict]) -> str:
    """The per-page table printed at the end of a run."""
    fab_rps = (peers.get("stock_fab") or {}).get("load", {}).get("rps")
    hello_rps = (peers.get("hello") or {}).get("load", {}).get("rps")
    header = ("area", "page", "1 GET ms", "p95 W ms", "p50 ms", "p95 ms", "p99 ms", "req/s", "×FAB", "×hello",
              "KB", "SQL", "err")
    lines = []
    widths = (10, 34, 8, 9, 8, 8, 8, 8, 8, 7, 8, 9, 5)

    def line(cells: Iterable[str]) -> str:
        return " ".join(str(c)[:w].ljust(w) if i < 2 else str(c)[:w].rjust(w)
                        for i, (c, w) in enumerate(zip(cells, widths)))

    lines.append(line(header))
    lines.append(line("-" * w for w in widths))
    for page in list(peers.values()) + pages:
        if page.get("status") != "ok":
            lines.append(line((page["area"], page["label"])) + " " + page.get("status", NOT_AVAILABLE))
            continue
        load = page["load"]
        statements = page.get("statements")
        small = page.get("statements_small")
        sql = "-" if statements is None else (f"{small}/{statements}" if small is not None else str(statements))
        lines.append(line((
            page["area"], page["label"], _fmt(page.get("single_ms")),
            _fmt((page.get("latency") or {}).get("p95_ms")), _fmt(load["p50_ms"]), _fmt(load["p95_ms"]), _fmt(load["p99_ms"]),
            _fmt(load["rps"]), _fmt(_ratio(load["rps"], fab_rps), 1), _fmt(_ratio(load["rps"], hello_rps), 3),
            _fmt(round(page["bytes"] / 1024, 1)), sql, str(load["errors"] + load["non2xx"]),
        )))
    return "\n".join(lines)


def bar_summary(rows: list[dict]) -> str:
    """One line per bar: how many rows pass, and the failing ones with figure and limit."""
    out = []
    for bar in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"):
        mine = [r for r in rows if r["bar"] == bar]
        if not mine:
            continue
        passed = sum(r["pass"] for r in mine)
        verdict = "PASS" if passed == len(mine) else "FAIL"
        out.append(f"{bar}: {verdict} ({passed}/{len(mine)})")
        for r in mine:
            if not r["pass"]:
                figure = "-" if r["figure"] is None else r["figure"]
                note = f"  [{r['note']}]" if r.get("note") else ""
                out.append(f"    {r['page']}: {figure} {r['unit']} (limit {r['limit']}){note}")
    return "\n".join(out)
