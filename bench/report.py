"""Turning measurements into bar verdicts (QUALITY P1-P8, issue 20 P9/P10), a printed table and latest.json."""
from __future__ import annotations

from typing import Iterable

from bench import inproc

P2_P95_MS = 50.0
P3_RATIO = 2.0
P4_KB = 150.0
P4_P95_MS = 150.0
P5_STATEMENTS = 15
P1_P95_MS = 100.0
P9_HELLO_SHARE = 0.10      # every portal page's req/s >= 10 % of the bare-Flask hello peer's, same run
P10_PORTAL_MS = 6.0        # in-process median of one portal page (dataset L)
P10_BACKOFFICE_MS = 15.0   # in-process median of one back-office list (dataset L)

NOT_MEASURABLE = "not measurable yet"
NOT_AVAILABLE = "not available yet"
NOT_JUDGED = "not judged"


def skipped(bar: str, page: str, unit: str, limit, why: str) -> dict:
    """A row for a bar that this run could not judge (e.g. --no-peers): no figure, listed apart."""
    row = entry(bar, page, None, unit, limit, False, f"{NOT_JUDGED}: {why}")
    row["skipped"] = True
    return row


def p9_row(name: str, rps: float | None, hello: dict | None, errors: int = 0, around: tuple = (),
           more_rounds: Iterable[dict] = ()) -> dict:
    """P9: a portal page's req/s as a share of the hello peer's req/s in the same run (pure).

    `around` holds the hello peer measured again right before and right after this page (the machine's speed
    drifts within minutes): when there, the page is judged against the higher of them, so a dip of one hello
    run passes no page; the note also gives the share against the run's first hello figure (`hello`).

    `more_rounds` are later sweeps over the portal pages, each `{"rps", "errors", "hello_before",
    "hello_after"}` (req/s figures): every round is judged the same way, against the higher hello run beside
    it, and the figure is the median of the rounds' shares. One 10 s run of the same code gave a page 0.072 in
    one run and 0.109 in the next (issue 20, eighth round): a single sample decides on noise, in both
    directions. A failed request in any round fails the page."""
    if not hello or hello.get("status") != "ok":
        return skipped("P9", name, "× hello req/s", P9_HELLO_SHARE, "hello peer not measured (--no-peers)")
    hello_rps = hello["load"]["rps"]
    adjacent = [h["load"]["rps"] for h in around if h and h.get("status") == "ok"]
    rounds = [(rps, adjacent)] + [
        (r.get("rps"), [h for h in (r.get("hello_before"), r.get("hello_after")) if h]) for r in more_rounds]
    errors += sum(r.get("errors", 0) for r in more_rounds)
    shares = [_ratio(page_rps, max(hellos) if hellos else hello_rps) for page_rps, hellos in rounds]
    if len(rounds) > 1:
        judged = [s if s is not None else 0.0 for s in shares]
        share = round(inproc.median(judged), 3)
        note = (f"median of {len(rounds)} rounds, each against the higher hello run right before and after it: "
                + "; ".join(f"{s} ({r} vs {max(h) if h else hello_rps} req/s)"
                            for s, (r, h) in zip(shares, rounds))
                + f"; round 1 against the run's first hello, {hello_rps} req/s: {_ratio(rps, hello_rps)}")
    elif adjacent:
        share = shares[0]
        note = (f"{rps} vs {max(adjacent)} req/s (the higher hello run of those right before and after this page: "
                f"{', '.join(str(a) for a in adjacent)}); {_ratio(rps, hello_rps)} against the run's first "
                f"hello, {hello_rps} req/s")
    else:
        share = shares[0]
        note = f"{rps} vs {hello_rps} req/s"
    if errors:
        note += f"; {errors} failed requests"
    return entry("P9", name, share, "× hello req/s", P9_HELLO_SHARE,
                 share is not None and share >= P9_HELLO_SHARE and errors == 0, note)


def p10_row(page: dict, scale: str = "L") -> dict:
    """P10: in-process median of one request of a portal page or back-office list (pure).

    `page["inproc"]`: {"median_ms", "p95_ms", "requests", "error"} from bench.inproc.measure_page.
    The bar is set for dataset L; at S the same limit is judged as an early warning.
    """
    name = f"{page['area']}: {page['label']}"
    limit = P10_PORTAL_MS if page["area"] == "portal" else P10_BACKOFFICE_MS
    figures = page.get("inproc")
    if not figures:
        return entry("P10", name, None, "ms median in-process", limit, False,
                     page.get("status") if page.get("status") not in (None, "ok") else NOT_MEASURABLE)
    if figures.get("error"):
        return entry("P10", name, None, "ms median in-process", limit, False, figures["error"])
    median = figures["median_ms"]
    note = f"{figures['requests']} requests after warm-up, p95 {figures['p95_ms']} ms"
    if scale != "L":
        note += f"; bar set for dataset L, at {scale} an early warning"
    return entry("P10", name, median, "ms median in-process", limit, median <= limit, note)


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


def evaluate(pages: list[dict], peers: dict[str, dict], pending: list[dict], scale: str = "L") -> list[dict]:
    """All rows of latest.json from page and peer measurements (pure; unit-tested).

    `pages`: dicts with key, label, area (portal|backoffice), kind, status, and when measured
    `load` (p50_ms, p95_ms, p99_ms, rps, errors, non2xx), optionally `latency` (the same
    figures from a run with one connection per worker: the latency bars P2/P4 are judged
    on it, throughput P3 on `load`), `bytes`, `statements`,
    `statements_small` (the same page with fewer rows shown) and `small_note`.
    `peers`: {"stock_fab": page-like dict, "hello": page-like dict}.
    `pending`: rows for bars whose feature is not there yet (P1, P6-P8) or measured apart.
    `inproc` (optional, per page): the in-process figures P10 judges (see `p10_row`); `scale`
    only words P10's note. Without the peers (--no-peers) P3 and P9 are "not judged" rows.
    """
    rows: list[dict] = []
    stock_measured = (peers.get("stock_fab") or {}).get("status") == "ok"
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
                rows.append(entry("P9", name, None, "× hello req/s", P9_HELLO_SHARE, False, status))
            else:
                rows.append(entry("P4", name, None, "ms p95", P4_P95_MS, False, status))
            rows.append(p10_row(page, scale))
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
            if page["kind"] == "list" and not stock_measured:
                rows.append(skipped("P3", name, "× stock FAB req/s", P3_RATIO,
                                    "stock FAB peer not measured (--no-peers)"))
            elif page["kind"] == "list":
                ratio = _ratio(load["rps"], fab_rps)
                rows.append(entry("P3", name, ratio, "× stock FAB req/s", P3_RATIO,
                                  ratio is not None and ratio >= P3_RATIO and errors == 0,
                                  f"{load['rps']} vs {fab_rps} req/s"))
            rows.append(entry("P5", name, statements, "statements", P5_STATEMENTS,
                              statements is not None and statements <= P5_STATEMENTS and not grows,
                              growth_note))
            rows.append(p9_row(name, load["rps"], peers.get("hello"), errors,
                               (page.get("hello_before"), page.get("hello_after")), page.get("p9_rounds", ())))
        else:
            kb = round(page["bytes"] / 1024, 1)
            rows.append(entry("P4", name, kb, "KB", P4_KB, kb <= P4_KB))
            rows.append(entry("P4", name, latency["p95_ms"], "ms p95", P4_P95_MS,
                              latency["p95_ms"] <= P4_P95_MS and errors == 0,
                              "; ".join(n for n in (error_note, latency_note) if n)))
            rows.append(entry("P5", name, statements, "statements", small, statements is not None and not grows,
                              growth_note or "back office: must not grow with rows shown"))
        rows.append(p10_row(page, scale))
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
    header = ("area", "page", "1 GET ms", "inproc ms", "p95 W ms", "p50 ms", "p95 ms", "p99 ms", "req/s", "×FAB", "×hello",
              "KB", "SQL", "err")
    lines = []
    widths = (10, 34, 8, 9, 9, 8, 8, 8, 8, 8, 7, 8, 9, 5)

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
            _fmt((page.get("inproc") or {}).get("median_ms")),
            _fmt((page.get("latency") or {}).get("p95_ms")), _fmt(load["p50_ms"]), _fmt(load["p95_ms"]), _fmt(load["p99_ms"]),
            _fmt(load["rps"]), _fmt(_ratio(load["rps"], fab_rps), 1), _fmt(_ratio(load["rps"], hello_rps), 3),
            _fmt(round(page["bytes"] / 1024, 1)), sql, str(load["errors"] + load["non2xx"]),
        )))
    return "\n".join(lines)


def bar_summary(rows: list[dict]) -> str:
    """One line per bar: how many rows pass, and the failing ones with figure and limit."""
    out = []
    for bar in ("P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9", "P10"):
        mine = [r for r in rows if r["bar"] == bar]
        if not mine:
            continue
        judged = [r for r in mine if not r.get("skipped")]
        if not judged:
            reasons = sorted({r.get("note", NOT_JUDGED) for r in mine})
            out.append(f"{bar}: NOT JUDGED ({len(mine)} rows; {'; '.join(reasons)})")
            continue
        passed = sum(r["pass"] for r in judged)
        verdict = "PASS" if passed == len(judged) else "FAIL"
        extra = f", {len(mine) - len(judged)} not judged" if len(judged) < len(mine) else ""
        out.append(f"{bar}: {verdict} ({passed}/{len(judged)}{extra})")
        for r in judged:
            if not r["pass"]:
                figure = "-" if r["figure"] is None else r["figure"]
                note = f"  [{r['note']}]" if r.get("note") else ""
                out.append(f"    {r['page']}: {figure} {r['unit']} (limit {r['limit']}){note}")
    return "\n".join(out)
