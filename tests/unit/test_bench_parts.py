"""The benchmark's pure parts: wrk output, page matching, bar verdicts (QUALITY P2-P5, P7)."""
from __future__ import annotations

import pytest

from bench import pages, report, wrk
from bench.dataset import Sizes, contract_customer, invoice_customer, options_of, pick_contract, same_database


def test_wrk_output_is_read_from_the_lua_line():
    out = ("Running 3s test @ http://127.0.0.1:1/\n"
           'BENCH_JSON {"p50_us":1500,"p95_us":42000,"p99_us":61000,"requests":300,"duration_us":3000000,'
           '"bytes":1000,"err_connect":0,"err_read":1,"err_write":0,"err_timeout":2,"non2xx":4}\n')
    result = wrk.parse_output(out)
    assert (result.p50_ms, result.p95_ms, result.p99_ms) == (1.5, 42.0, 61.0)
    assert result.rps == 100.0
    assert (result.errors, result.non2xx) == (3, 4)


def test_wrk_output_without_figures_is_an_error():
    with pytest.raises(ValueError):
        wrk.parse_output("unable to connect to 127.0.0.1:1 Connection refused")


def _route(rule, view, method, module="app.views.portal.contracts", args=()):
    return pages.Route(rule=rule, endpoint=f"{view}.{method}", arguments=args, module=module,
                       view_name=view, method=method)


def test_portal_templates_pick_the_list_and_detail_routes_and_skip_neighbours():
    routes = [
        _route("/", "HomeView", "index", module="app.views.home"),
        _route("/portal/contracts/", "ContractsView", "list"),
        _route("/portal/contracts/<int:pk>", "ContractsView", "show", args=("pk",)),
        _route("/portal/contracts/<int:pk>/options/", "ContractOptionsView", "list", args=("pk",)),
        _route("/portal/contracts/export.csv", "ContractsView", "export"),
        _route("/backoffice/contracts/list/", "ContractAdmin", "list", module="app.views.backoffice.x"),
    ]
    by_key = {p.key: p for p in pages.PORTAL_PAGES}
    assert [r.rule for r in pages.portal_candidates(by_key["start"], routes)] == ["/"]
    assert [r.rule for r in pages.portal_candidates(by_key["contracts"], routes)] == ["/portal/contracts/"]
    detail = pages.portal_candidates(by_key["contract_detail"], routes)
    assert [r.rule for r in detail] == ["/portal/contracts/<int:pk>"]
    assert pages.portal_candidates(by_key["invoices"], routes) == []
    assert pages.fill_rule(detail[0].rule, {"pk": 7}) == "/portal/contracts/7"
    assert pages.detail_value("contract_number", 7, "V000000007") == "V000000007"
    assert pages.detail_value("pk", 7, "V000000007") == 7


def test_backoffice_pages_are_the_list_links_of_the_menu():
    routes = [
        _route("/contractadmin/list/", "ContractAdmin", "list", module="app.views.backoffice.contracts"),
        _route("/contractadmin/show/<pk>", "ContractAdmin", "show", module="app.views.backoffice.contracts",
               args=("pk",)),
        _route("/portal/contracts/", "ContractsView", "list"),
    ]
    html = ('<ul class="nav"><li><a href="/contractadmin/list/">Verträge</a></li>'
            '<li><a href="/contractadmin/list/">again</a></li><li><a href="/portal/contracts/">p</a></li>'
            '<li><a href="https://elsewhere.example/x/list/">x</a></li><li><a href="#">#</a></li></ul>')
    found = pages.backoffice_list_pages(html, routes)
    assert [(p.url, p.label, p.view_name) for p in found] == [("/contractadmin/list/", "Verträge", "ContractAdmin")]


def _page(area, kind, p95, rps, kb=10, statements=5, small=5, label="x"):
    return {"key": label, "label": label, "area": area, "kind": kind, "status": "ok", "bytes": kb * 1024,
            "statements": statements, "statements_small": small,
            "load": {"p50_ms": p95 / 2, "p95_ms": p95, "p99_ms": p95, "rps": rps, "errors": 0, "non2xx": 0}}


def _peers(fab_rps=100.0):
    return {"hello": _page("peer", "peer", 2, 5000, label="hello"),
            "stock_fab": _page("peer", "peer", 900, fab_rps, kb=1400, label="stock")}


def _verdicts(rows, bar):
    return [(r["page"], r["figure"], r["pass"]) for r in rows if r["bar"] == bar]


def test_bars_pass_and_fail_on_their_limits():
    portal_ok = _page("portal", "list", 40, 250, label="contracts")
    portal_slow = _page("portal", "list", 51, 150, statements=16, label="orders")
    growing = _page("portal", "detail", 20, 400, statements=12, small=8, label="detail")
    bo = _page("backoffice", "list", 150, 50, kb=151, statements=9, small=9, label="bo")
    rows = report.evaluate([portal_ok, portal_slow, growing, bo], _peers(), [])
    assert _verdicts(rows, "P2") == [("portal: contracts", 40, True), ("portal: orders", 51, False),
                                     ("portal: detail", 20, True)]
    assert _verdicts(rows, "P3") == [("portal: contracts", 2.5, True), ("portal: orders", 1.5, False)]
    assert _verdicts(rows, "P4") == [("backoffice: bo", 151.0, False), ("backoffice: bo", 150, True)]
    assert _verdicts(rows, "P5") == [("portal: contracts", 5, True), ("portal: orders", 16, False),
                                     ("portal: detail", 12, False), ("backoffice: bo", 9, True)]
    assert all(set(r) >= {"bar", "page", "figure", "unit", "limit", "pass"} for r in rows)


def test_failed_requests_fail_the_latency_bar_and_missing_pages_are_reported():
    broken = _page("portal", "list", 10, 900, label="tickets")
    broken["load"]["non2xx"] = 3
    missing = {"key": "invoices", "label": "invoices", "area": "portal", "kind": "list",
               "status": report.NOT_AVAILABLE}
    rows = report.evaluate([broken, missing], _peers(), [])
    assert ("portal: tickets", 10, False) in _verdicts(rows, "P2")
    assert ("portal: invoices", None, False) in _verdicts(rows, "P2")
    assert any(r["bar"] == "P3" and r["page"] == "portal: invoices" and r["note"] == report.NOT_AVAILABLE
               for r in rows)
    assert "portal: invoices" in report.bar_summary(rows)


def test_dataset_shape_gives_one_big_customer_and_consistent_owners():
    sizes = Sizes.for_scale("S")
    assert (sizes.customers, sizes.contracts, sizes.calls, sizes.documents, sizes.tickets) == \
        (1000, 3000, 40_000, 4_000, 2_000)
    large = Sizes.for_scale("L")
    assert (large.customers, large.contracts, large.calls, large.documents, large.tickets) == \
        (50_000, 150_000, 2_000_000, 200_000, 100_000)
    assert all(contract_customer(c, sizes) == 1 for c in range(1, 121))
    assert {contract_customer(c, sizes) for c in range(121, sizes.contracts + 1)} == set(range(2, 1001))
    assert all(1 <= pick_contract(i, sizes, 150) <= sizes.contracts for i in range(5000))
    assert invoice_customer(1, sizes) == 1 and invoice_customer(151, sizes) == 2
    assert (options_of(1, 4), options_of(2, 4), options_of(3, 4)) == (50, 1, 4)


def test_latency_bars_use_the_run_with_one_connection_per_worker():
    """P2/P4 are latency bars: judged on the run at 2 connections; P3 stays on the saturated run."""
    page = _page("portal", "list", 180, 300, label="contracts")
    page["load"]["connections"] = 8
    page["latency"] = {"p50_ms": 12, "p95_ms": 30, "p99_ms": 41, "rps": 90, "errors": 0, "non2xx": 0,
                       "connections": 2}
    bo = _page("backoffice", "list", 400, 40, label="bo")
    bo["latency"] = {"p50_ms": 60, "p95_ms": 160, "p99_ms": 170, "rps": 20, "errors": 0, "non2xx": 1,
                     "connections": 2}
    rows = report.evaluate([page, bo], _peers(), [])
    assert _verdicts(rows, "P2") == [("portal: contracts", 30, True)]
    assert _verdicts(rows, "P3") == [("portal: contracts", 3.0, True)]
    p2 = next(r for r in rows if r["bar"] == "P2")
    assert "180" in p2["note"] and "2 connections" in p2["note"]
    # A failed request in the latency run fails the bar too.
    assert ("backoffice: bo", 160, False) in _verdicts(rows, "P4")
    assert "p95 W" in report.table([page, bo], _peers())


def test_p7_rows_are_due_for_retention_and_the_dataset_rows_are_not():
    """P7 adds rows older than 180 days on the dataset's clock; the job must find only those."""
    from datetime import timedelta

    from bench.dataset import DATASET_NOW, Generator
    from bench.retention import expired_rows

    from app.services.jobs.retention import cutoff

    sizes = Sizes.for_scale("S")
    rows = list(expired_rows(40_001, 1000, sizes))
    assert [r["id"] for r in rows] == list(range(40_001, 41_001))
    assert all(r["created_at"] < cutoff(DATASET_NOW) for r in rows)
    assert all(r["customer_id"] == contract_customer(r["contract_id"], sizes) for r in rows)
    dataset = [r["created_at"] for r in Generator("S", sizes).call_records()]
    assert min(dataset) >= cutoff(DATASET_NOW) and min(dataset) >= DATASET_NOW - timedelta(days=171)


# --- issue 20: P9, P10, the in-process harness and `make profile` --------------------------------


def test_p9_judges_each_portal_page_against_the_hello_peer_of_the_same_run():
    fast = _page("portal", "list", 20, 600, label="contracts")
    slow = _page("portal", "detail", 20, 400, label="detail")
    bo = _page("backoffice", "list", 50, 30, label="bo")
    rows = report.evaluate([fast, slow, bo], _peers(), [])   # hello: 5,000 req/s
    assert _verdicts(rows, "P9") == [("portal: contracts", 0.12, True), ("portal: detail", 0.08, False)]
    assert next(r for r in rows if r["bar"] == "P9")["limit"] == report.P9_HELLO_SHARE
    assert "P9: FAIL (1/2)" in report.bar_summary(rows)
    # A failed request fails the page's P9 as it fails P2.
    fast["load"]["errors"] = 1
    assert report.p9_row("portal: contracts", 600, _peers()["hello"], errors=1)["pass"] is False


def test_p9_judges_a_page_against_the_higher_hello_run_right_before_and_after_it():
    # The machine's speed drifts within minutes: a page is judged against the hello runs of its own minutes,
    # the higher of the one before and the one after, and the note keeps the share against the run's first
    # hello figure too.
    page = _page("portal", "list", 20, 450, label="contracts")
    page["hello_before"] = _page("peer", "peer", 2, 4000, label="hello")   # the first hello: 5,000 req/s
    page["hello_after"] = _page("peer", "peer", 2, 3800, label="hello")
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.113, True)
    assert "450 vs 4000 req/s" in row["note"] and "0.09 against the run's first" in row["note"]
    # A dip of one hello run (half the ceiling) passes no page: the other run counts.
    page["hello_before"] = _page("peer", "peer", 2, 2000, label="hello")
    page["hello_after"] = _page("peer", "peer", 2, 5000, label="hello")
    page["load"]["rps"] = 400
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.08, False)
    # Only the run before it (the last page's after-run failed): judged against that one.
    page["hello_after"] = {"status": "error: GET / gave 502 at /"}
    page["hello_before"] = _page("peer", "peer", 2, 3600, label="hello")
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.111, True)


def test_p9_takes_the_median_of_the_rounds_each_against_its_own_hello_runs():
    # Round 1 is the page's main load run; later sweeps add rounds. Each round is judged against the higher
    # hello run beside it; the figure is the median, so one slow stretch costs a page one round, not more.
    page = _page("portal", "list", 20, 380, label="contracts")          # round 1: 380 / 4,000 = 0.095
    page["hello_before"] = _page("peer", "peer", 2, 4000, label="hello")
    page["hello_after"] = _page("peer", "peer", 2, 3000, label="hello")
    page["p9_rounds"] = [
        {"rps": 420, "errors": 0, "hello_before": 3000, "hello_after": 4000},   # 0.105
        {"rps": 600, "errors": 0, "hello_before": 5000, "hello_after": None},   # 0.12 (after-run failed)
    ]
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.105, True)
    assert "median of 3 rounds" in row["note"] and "0.095 (380 vs 4000 req/s)" in row["note"]
    # Two rounds under the bar fail the page, however high the third.
    page["p9_rounds"][0]["rps"] = 390                                       # 0.0975
    page["p9_rounds"][1]["rps"] = 2000                                      # 0.4
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.098, False)
    # A failed request in any round fails the page.
    page["p9_rounds"][0].update(rps=500, errors=2)
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert row["pass"] is False and "2 failed requests" in row["note"]
    # A round without any page figure counts as 0, not as a pass.
    page["p9_rounds"] = [{"rps": None, "errors": 0, "hello_before": 4000, "hello_after": 4000},
                         {"rps": 420, "errors": 0, "hello_before": 4000, "hello_after": 4000}]
    row = next(r for r in report.evaluate([page], _peers(), []) if r["bar"] == "P9")
    assert (row["figure"], row["pass"]) == (0.095, False)


def test_without_peers_p3_and_p9_are_not_judged_rather_than_failed():
    page = _page("portal", "list", 20, 600, label="contracts")
    skipped = {"status": "not measured (--no-peers)", "label": "x", "area": "peer", "kind": "peer"}
    rows = report.evaluate([page], {"hello": dict(skipped, key="hello"), "stock_fab": dict(skipped, key="s")}, [])
    for bar in ("P3", "P9"):
        mine = [r for r in rows if r["bar"] == bar]
        assert len(mine) == 1 and mine[0]["skipped"] and mine[0]["figure"] is None
        assert "--no-peers" in mine[0]["note"]
    summary = report.bar_summary(rows)
    assert "P9: NOT JUDGED" in summary and "P3: NOT JUDGED" in summary
    # A judged bar next to skipped rows counts only the judged ones.
    mixed = rows + [report.entry("P9", "portal: orders", 0.2, "× hello req/s", 0.1, True)]
    assert "P9: PASS (1/1, 1 not judged)" in report.bar_summary(mixed)


def test_p10_limits_portal_and_backoffice_medians_and_reports_failures():
    portal = _page("portal", "list", 20, 600, label="contracts")
    portal["inproc"] = {"median_ms": 5.9, "p95_ms": 7.5, "requests": 200, "error": None}
    detail = _page("portal", "detail", 20, 600, label="detail")
    detail["inproc"] = {"median_ms": 6.2, "p95_ms": 8.0, "requests": 200, "error": None}
    bo = _page("backoffice", "list", 50, 30, label="bo")
    bo["inproc"] = {"median_ms": 14.8, "p95_ms": 19.0, "requests": 200, "error": None}
    broken = _page("backoffice", "list", 50, 30, label="broken")
    broken["inproc"] = {"median_ms": None, "p95_ms": None, "requests": 0, "error": "GET /x/list/ answered 500"}
    unmeasured = _page("backoffice", "list", 50, 30, label="unmeasured")
    missing = {"key": "invoices", "label": "invoices", "area": "portal", "kind": "list",
               "status": report.NOT_AVAILABLE}
    rows = report.evaluate([portal, detail, bo, broken, unmeasured, missing], _peers(), [], scale="L")
    assert _verdicts(rows, "P10") == [
        ("portal: contracts", 5.9, True), ("portal: detail", 6.2, False), ("backoffice: bo", 14.8, True),
        ("backoffice: broken", None, False), ("backoffice: unmeasured", None, False),
        ("portal: invoices", None, False)]
    by_page = {r["page"]: r for r in rows if r["bar"] == "P10"}
    assert by_page["portal: contracts"]["limit"] == 6.0 and by_page["backoffice: bo"]["limit"] == 15.0
    assert "500" in by_page["backoffice: broken"]["note"]
    assert by_page["portal: invoices"]["note"] == report.NOT_AVAILABLE
    assert "dataset L" not in by_page["portal: contracts"]["note"]
    at_s = report.p10_row(portal, scale="S")
    assert at_s["pass"] and "at S an early warning" in at_s["note"]
    assert "inproc ms" in report.table([portal], _peers())


def test_in_process_statistics():
    from bench import inproc

    assert inproc.median([]) is None and inproc.percentile([], 95) is None
    assert inproc.median([3.0, 1.0, 2.0]) == 2.0 and inproc.median([4.0, 1.0, 2.0, 3.0]) == 2.5
    values = [float(v) for v in range(1, 201)]
    assert inproc.percentile(values, 95) == 190.0 and inproc.percentile(values, 100) == 200.0
    assert inproc.percentile([7.0], 95) == 7.0


def test_profile_groups_count_a_sample_once_per_group_and_only_inside_requests():
    from bench import profile

    render = ("/x/site-packages/flask/templating.py", "_render")
    wsgi = ("/x/site-packages/flask/app.py", "wsgi_app")
    babel = ("/x/site-packages/flask_babel/__init__.py", "gettext")
    jinja_call = ("/x/site-packages/jinja2/runtime.py", "call")
    access = ("/x/site-packages/flask_appbuilder/security/manager.py", "has_access")
    stacks = [
        # gettext inside Jinja inside gettext (jinja's ext calls back through Context.call): one sample
        [babel, jinja_call, ("/x/site-packages/jinja2/ext.py", "_gettext_alias"), render, wsgi],
        [access, render, wsgi],
        [("/x/site-packages/sqlalchemy/engine/default.py", "do_execute"), wsgi],
        [("/x/site-packages/werkzeug/test.py", "open")],          # outside a request: not counted
    ]
    inside, shares = profile.stack_shares(stacks)
    shares = dict(shares)
    assert inside == 3
    assert shares["template rendering (Jinja, every template)"] == pytest.approx(2 / 3)
    assert shares["gettext & locale (Flask-Babel, Babel, Jinja i18n)"] == pytest.approx(1 / 3)
    assert shares["permission checks (has_access & co.)"] == pytest.approx(1 / 3)
    assert shares["SQL in the database driver (execute, fetch)"] == pytest.approx(1 / 3)
    assert shares["SQLAlchemy (ORM, SQL, driver)"] == pytest.approx(1 / 3)


def test_profile_tables_per_request_by_package_and_function():
    from bench import profile
    from bench.common import ROOT

    view = (f"{ROOT}/app/views/portal/contracts.py", 35, "list")
    template = (f"{ROOT}/app/templates/portal/contracts.html", 4, "root")
    execute = ("~", 0, "<method 'execute' of 'sqlite3.Cursor' objects>")
    client = ("/x/site-packages/werkzeug/test.py", 1100, "open")
    # pstats layout: func -> (primitive calls, calls, own s, cumulative s, callers)
    stats = {
        client: (2, 2, 0.002, 0.100, {}),
        view: (2, 2, 0.010, 0.098, {client: (2, 2, 0.010, 0.098)}),
        template: (8, 8, 0.060, 0.060, {view: (8, 8, 0.060, 0.060)}),
        execute: (4, 4, 0.028, 0.028, {view: (4, 4, 0.028, 0.028)}),
    }
    summary = profile.summarise(stats, requests=2, top=3)
    assert summary["total_ms"] == pytest.approx(50.0) and summary["page_ms"] == pytest.approx(49.0)
    packages = {p["label"]: p["ms"] for p in summary["packages"]}
    assert packages == pytest.approx({"templates (compiled Jinja code)": 30.0, "database driver": 14.0,
                                      "product code (app/)": 5.0, "test client (harness)": 1.0})
    assert [r["function"] for r in summary["by_cumulative"]] == [
        "app/views/portal/contracts.py:35 list", "app/templates/portal/contracts.html:4 root",
        "<method 'execute' of 'sqlite3.Cursor' objects>"]
    assert summary["by_own"][0]["own_ms"] == pytest.approx(30.0) and summary["by_own"][0]["calls"] == 4
    assert profile.is_portal_page("/") and profile.is_portal_page("/portal/orders/")
    assert not profile.is_portal_page("/contracts/list/")
    text = profile.render(summary, ["head"], [("template rendering", 0.5)], 100, 20.0)
    assert "template rendering" in text and "10.00 ms" in text and "50.0%" in text


def test_a_dataset_reached_through_a_symlinked_folder_is_the_same_database(tmp_path):
    (tmp_path / "var").mkdir()
    (tmp_path / "var" / "sqlite-L.db").write_bytes(b"")
    (tmp_path / "other").symlink_to(tmp_path / "var")
    stored = f"sqlite:///{tmp_path}/var/sqlite-L.db"
    assert same_database(stored, stored)
    assert same_database(stored, f"sqlite:///{tmp_path}/other/sqlite-L.db")
    assert not same_database(stored, f"sqlite:///{tmp_path}/var/sqlite-S.db")
    assert not same_database(stored, "postgresql://bench@127.0.0.1/bench")
    assert not same_database(None, stored)


def test_kept_sessions_are_used_again_within_their_window_and_forgotten_when_ended(tmp_path, monkeypatch):
    from bench import kept_sessions
    from bench.profile import is_big_portal_admin

    monkeypatch.setattr(kept_sessions, "FILE", tmp_path / "sessions.json")
    url = "sqlite:////tmp/bench.db"
    assert kept_sessions.cookie(url, "pa1000001") is None
    kept_sessions.keep(url, "pa1000001", "refresh-without-sign-in")  # nothing kept yet: no sign-in time
    assert kept_sessions.cookie(url, "pa1000001") is None
    kept_sessions.keep(url, "pa1000001", "c1", signed_in=True)
    kept_sessions.keep(url, "bench-admin", "c2", signed_in=True)
    kept_sessions.keep("sqlite:////tmp/other.db", "pa02-1000001", "c3", signed_in=True)
    kept_sessions.keep(url, "pa1000001", "c1-refreshed")
    assert kept_sessions.cookie(url, "pa1000001") == "c1-refreshed"
    assert kept_sessions.kept_users(url) == ["pa1000001", "bench-admin"]
    kept_sessions.keep(url, "bench-admin", None)
    assert kept_sessions.kept_users(url) == ["pa1000001"]
    monkeypatch.setattr(kept_sessions.time, "time", lambda: 10 ** 10)  # long after the sign-in
    assert kept_sessions.cookie(url, "pa1000001") is None
    assert is_big_portal_admin("pa1000001", 1) and is_big_portal_admin("pa07-1000001", 1)
    assert not is_big_portal_admin("pa1000101", 1) and not is_big_portal_admin("pa07-1000101", 1)
