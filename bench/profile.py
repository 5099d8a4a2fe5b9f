"""`make profile`: where the time of one page goes, in-process under cProfile (issue 20 part 1).

Usage: python -m bench.profile PAGE [--n 200] [--user NAME] [--scale L|S] [--backend sqlite|postgres]
                                    [--top 25]

Builds or reuses the bench dataset of the scale (as `make bench` does), creates the product app in
this process against it, signs in through the real forms with Flask's test client (the SMS PIN is
read back from the outbox, as bench/run.py does), warms up, times N GETs without the profiler
(median / p95, the figure P10 judges), counts SQL statements per request, then runs N GETs under
cProfile and prints the hot spots grouped (template rendering, has_access, gettext, SQLAlchemy ...)
and the top functions by cumulative and by own time. Progress on stderr, the report on stdout,
the raw profile in bench/results/profile-<page>.pstats (for pstats or snakeviz).
"""
from __future__ import annotations

import argparse
import contextlib
import cProfile
import os
import pstats
import re
import sys
import sysconfig
import threading
import time

from bench import inproc, kept_sessions
from bench.common import ADMIN_USERS, BENCH_PASSWORD, RESULTS_DIR, ROOT, SCALES, bench_app, log, storage_dir

STDLIB = sysconfig.get_paths()["stdlib"]
STAFF_USERS = ADMIN_USERS + ("bench-service", "bench-sales") + tuple(f"bench-staff{n:02d}" for n in range(1, 21))

# Hot-spot groups, judged on stack samples: a sample counts for a group when a frame on its stack
# matches (callees included). Groups overlap (has_access called while a template renders counts
# for both); the own-time table by package (cProfile) is exclusive and adds up to 100 %.
GROUPS: tuple[tuple[str, object], ...] = (
    ("template rendering (Jinja, every template)",
     lambda f, n: f.endswith("flask/templating.py") and n == "_render"),
    ("permission checks (has_access & co.)",
     lambda f, n: ("/flask_appbuilder/security/" in f or "/app/security/" in f)
     and re.search(r"has_access|_has_view_access|is_item_public|get_user_permissions|_get_user_permission|"
                   r"get_user_roles", n) is not None),
    ("FAB menu", lambda f, n: "/flask_appbuilder/menu.py" in f),
    ("gettext & locale (Flask-Babel, Babel, Jinja i18n)",
     lambda f, n: "/flask_babel/" in f or "/babel/" in f or ("/jinja2/ext.py" in f and "gettext" in n)),
    ("SQLAlchemy (ORM, SQL, driver)", lambda f, n: "/sqlalchemy/" in f or "/flask_sqlalchemy/" in f),
    ("SQL in the database driver (execute, fetch)",
     lambda f, n: (f.endswith("sqlalchemy/engine/default.py") and n.startswith("do_execute"))
     or (f.endswith("sqlalchemy/engine/cursor.py") and n.startswith("fetch"))),
    ("Flask-Login (user loading)", lambda f, n: "/flask_login/" in f),
    ("WTForms / Flask-WTF (forms, CSRF)", lambda f, n: "/wtforms/" in f or "/flask_wtf/" in f),
    ("session cookie (Flask sessions, itsdangerous)",
     lambda f, n: f.endswith("flask/sessions.py") or "/itsdangerous/" in f),
    ("URL building (url_for)",
     lambda f, n: (n == "url_for" and f.endswith(("flask/app.py", "flask/helpers.py")))
     or "/werkzeug/routing/" in f),
)

PACKAGE_LABELS = (
    ("/flask_appbuilder/", "Flask-AppBuilder"), ("/jinja2/", "Jinja2 runtime"), ("/flask_babel/", "Babel"),
    ("/babel/", "Babel"), ("/sqlalchemy/", "SQLAlchemy"), ("/flask_sqlalchemy/", "SQLAlchemy"),
    ("/werkzeug/test.py", "test client (harness)"), ("/flask/testing.py", "test client (harness)"),
    ("/werkzeug/", "Werkzeug"), ("/flask/", "Flask"), ("/flask_login/", "Flask-Login"),
    ("/wtforms/", "WTForms"), ("/flask_wtf/", "WTForms"), ("/markupsafe/", "MarkupSafe"),
    ("/itsdangerous/", "itsdangerous"),
)


def package_of(filename: str, funcname: str) -> str:
    """Which package a profiled function belongs to, for the own-time table (pure)."""
    if filename == "~":
        if "sqlite3" in funcname or "psycopg" in funcname:
            return "database driver"
        return "builtins (C)"
    if filename.endswith((".html", ".txt", ".xml")) or filename.startswith("<template"):
        return "templates (compiled Jinja code)"
    for marker, label in PACKAGE_LABELS:
        if marker in filename:
            return label
    if filename.startswith(str(ROOT / "app") + "/"):
        return "product code (app/)"
    if filename.startswith(str(ROOT / "bench") + "/"):
        return "test client (harness)"
    if "site-packages/" in filename:
        return filename.split("site-packages/", 1)[1].split("/", 1)[0]
    if filename.startswith(STDLIB) or filename.startswith("<frozen"):
        return "Python stdlib"
    return "other"


def short_name(func: tuple[str, int, str]) -> str:
    """`package/module.py:line function` for a pstats key (pure)."""
    filename, line, name = func
    if filename == "~":
        return name
    if "site-packages/" in filename:
        filename = filename.split("site-packages/", 1)[1]
    elif filename.startswith(str(ROOT) + "/"):
        filename = filename[len(str(ROOT)) + 1:]
    elif filename.startswith(STDLIB + "/"):
        filename = filename[len(STDLIB) + 1:]
    return f"{filename}:{line} {name}"


class StackSampler:
    """A small sampling profiler: a thread that records the main thread's call stack every
    `interval` seconds (code objects only; classified afterwards, so a sample costs little).

    Used for the groups: a sample counts for a group when any frame on its stack belongs to it,
    which is exact inclusive time (statistically), with no double counting and none of
    cProfile's per-call overhead that inflates functions called thousands of times.
    """

    def __init__(self, interval: float = 0.0005):
        self.interval, self.stacks = interval, []
        self._target = threading.get_ident()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bench-sampler", daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            frame = sys._current_frames().get(self._target)
            stack = []
            while frame is not None:
                stack.append(frame.f_code)
                frame = frame.f_back
            self.stacks.append(tuple(stack))

    def __enter__(self) -> "StackSampler":
        self._switch = sys.getswitchinterval()
        sys.setswitchinterval(self.interval / 2)  # the sampler gets the GIL when its time comes
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join()
        sys.setswitchinterval(self._switch)

    def named_stacks(self) -> list[list[tuple[str, str]]]:
        """The samples as (filename, function name) frames, innermost first."""
        return [[(code.co_filename, code.co_name) for code in stack] for stack in self.stacks]


def in_request(filename: str, funcname: str) -> bool:
    """A frame that marks a sample taken while the app served a request."""
    return funcname == "wsgi_app" and filename.endswith("flask/app.py")


def stack_shares(stacks: list[list[tuple[str, str]]], groups=GROUPS, base=in_request) -> tuple[int, list]:
    """(samples inside a request, [(group label, share of those samples)]) (pure; unit-tested).

    A sample counts once for a group when at least one frame of its stack belongs to the group.
    """
    cache: dict[tuple[str, str], tuple[bool, ...]] = {}
    inside, hits = 0, [0] * len(groups)
    for stack in stacks:
        if not any(base(f, n) for f, n in stack):
            continue
        inside += 1
        seen = [False] * len(groups)
        for frame in stack:
            flags = cache.get(frame)
            if flags is None:
                flags = cache[frame] = tuple(bool(member(*frame)) for _label, member in groups)
            seen = [a or b for a, b in zip(seen, flags)]
        hits = [h + s for h, s in zip(hits, seen)]
    return inside, [(label, (h / inside if inside else 0.0)) for (label, _m), h in zip(groups, hits)]


def is_harness(func: tuple[str, int, str]) -> bool:
    """Frames of the test client and this module: not part of the page's cost."""
    return package_of(func[0], func[2]) == "test client (harness)" or func[2] in (
        "<method 'disable' of '_lsprof.Profiler' objects>",)


def summarise(stats: dict, requests: int, top: int = 25) -> dict:
    """Groups, packages and the top functions of a pstats dict, per request (pure; unit-tested)."""
    total = sum(tt for (_cc, _nc, tt, _ct, _callers) in stats.values()) or 1e-12
    harness = sum(v[2] for f, v in stats.items() if is_harness(f))
    page_total = max(total - harness, 1e-12)
    packages: dict[str, float] = {}
    for func, (_cc, _nc, tt, _ct, _callers) in stats.items():
        label = package_of(func[0], func[2])
        packages[label] = packages.get(label, 0.0) + tt

    def rows(key) -> list[dict]:
        chosen = sorted((f for f in stats if not is_harness(f)), key=key, reverse=True)[:top]
        return [{"function": short_name(f), "calls": stats[f][1] / requests,
                 "cum_ms": stats[f][3] * 1000 / requests, "own_ms": stats[f][2] * 1000 / requests,
                 "cum_share": stats[f][3] / page_total, "own_share": stats[f][2] / page_total} for f in chosen]

    return {
        "total_ms": total * 1000 / requests, "page_ms": page_total * 1000 / requests,
        "packages": [{"label": label, "ms": s * 1000 / requests, "share": s / total}
                     for label, s in sorted(packages.items(), key=lambda kv: kv[1], reverse=True)],
        "by_cumulative": rows(lambda f: stats[f][3]),
        "by_own": rows(lambda f: stats[f][2]),
    }


def render(summary: dict, head: list[str], groups: list[tuple[str, float]], samples: int,
           request_ms: float) -> str:
    """The printed report (pure)."""
    out = list(head)
    out.append("")
    out.append(f"Where the time goes ({samples} stack samples inside requests, no cProfile; a group's share "
               f"includes what it calls, so groups overlap; ms = share x {request_ms:.1f} ms mean request):")
    for label, share in groups:
        out.append(f"  {label:<52} {share * request_ms:7.2f} ms {share:7.1%}")
    out.append("")
    out.append("Own time by package under cProfile (exclusive, adds up to 100 %; cProfile's per-call cost "
               "inflates code called very often):")
    for p in summary["packages"]:
        out.append(f"  {p['label']:<52} {p['ms']:7.2f} ms {p['share']:7.1%}")
    for title, key in (("cumulative", "by_cumulative"), ("own", "by_own")):
        out.append("")
        out.append(f"Top {len(summary[key])} functions by {title} time under cProfile (per request):")
        out.append(f"  {'cum ms':>8} {'cum %':>6} {'own ms':>8} {'own %':>6} {'calls':>7}  function")
        for r in summary[key]:
            out.append(f"  {r['cum_ms']:8.2f} {r['cum_share']:6.1%} {r['own_ms']:8.2f} {r['own_share']:6.1%} "
                       f"{r['calls']:7.1f}  {r['function']}")
    return "\n".join(out)


# --- signing in through the real forms, in this process ------------------------------------


def sign_in_client(app, username: str):
    """A test client signed in as `username`: login form (CSRF token scraped), then the SMS PIN."""
    from bench.run import csrf_token, read_pin

    client = app.test_client()
    with inproc.quiet(app):
        page = client.get("/login/")
        answer = client.post("/login/", data={"csrf_token": csrf_token(page.data), "username": username,
                                              "password": BENCH_PASSWORD}, follow_redirects=True)
        if answer.request.path.startswith("/login/pin"):
            answer = client.post("/login/pin/", data={"csrf_token": csrf_token(answer.data),
                                                      "pin": read_pin(app, username)}, follow_redirects=True)
    if answer.request.path.startswith("/login"):
        raise SystemExit(f"sign-in as {username} failed (ended on {answer.request.path}, {answer.status_code})")
    return client


def is_portal_page(path: str) -> bool:
    """The portal's own pages are opened as the bench Portal Admin; everything else as staff."""
    return path == "/" or path.startswith("/portal")


def signed_in_client(app, path: str, username: str | None):
    """(client, username) that opens `path` with 200: the given user, or the bench user that fits.

    A session kept from an earlier run (bench/kept_sessions.py) is used again while the app accepts
    it; only then does the tool sign in, which costs the account one of its five PINs an hour (S4).
    """
    from bench.dataset import BIG_CUSTOMER
    from bench.run import pins_left, portal_user

    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    if username:
        fitting = [username]
    elif is_portal_page(path):
        fitting = [name for name in kept_sessions.kept_users(database_url) if is_big_portal_admin(name, BIG_CUSTOMER)]
    else:
        fitting = [name for name in kept_sessions.kept_users(database_url) if name in STAFF_USERS]
    for name in fitting:
        kept = kept_sessions.cookie(database_url, name)
        if not kept:
            continue
        client = inproc.client_with_cookie(app, kept)
        with inproc.quiet(app):
            response = client.get(path)
        if response.status_code == 200:
            log(f"using the kept session of {name} (no sign-in, no PIN)")
            kept_sessions.keep(database_url, name, session_cookie(client))
            return client, name
        kept_sessions.keep(database_url, name, None)  # timed out or ended: sign in anew below

    if username:
        candidates = [username]
    elif is_portal_page(path):
        candidates = [portal_user(app, BIG_CUSTOMER, spares=True)]
    else:
        # Staff sign in with an SMS PIN too (5 per account and hour, S4): the first with PINs left.
        candidates = [u for u in STAFF_USERS if pins_left(app, u) > 0]
        if not candidates:
            raise SystemExit("every bench staff account had 5 PINs this hour; wait or pass USER=...")
    last_error = ""
    for name in candidates:
        log(f"signing in as {name}")
        with contextlib.redirect_stdout(sys.stderr):  # the console SMS adapter prints the PIN message
            client = sign_in_client(app, name)
        with inproc.quiet(app):
            response = client.get(path)
        if response.status_code == 200:
            kept_sessions.keep(database_url, name, session_cookie(client), signed_in=True)
            return client, name
        last_error = f"{name}: GET {path} answered {response.status_code} {response.headers.get('Location', '')}"
        log(last_error)
    raise SystemExit(f"no bench user opens {path} with 200 ({last_error})")


def is_big_portal_admin(name: str, customer: int) -> bool:
    """One of the bench Portal Admins of `customer` (pa1000001, pa02-1000001, ...)."""
    number = 1_000_000 + customer
    return name == f"pa{number}" or re.fullmatch(rf"pa\d\d-{number}", name) is not None


def session_cookie(client) -> str | None:
    """The test client's current session cookie (refreshed by the app now and then)."""
    found = client.get_cookie(inproc.SESSION_COOKIE, domain="localhost")
    return found.value if found is not None else None


def run(args) -> int:
    """Profile one page; returns the exit code."""
    from bench.dataset import generate, resolve_database

    url, backend, cluster = resolve_database(args.scale, args.backend, os.environ.get("DATABASE_URL"))
    try:
        generate(args.scale, url, backend)
        app = bench_app(url, storage_dir(args.scale, backend))
        client, username = signed_in_client(app, args.page, args.user)

        log(f"warm-up ({inproc.WARMUP}) and {args.n} timed GETs of {args.page}, no profiler")
        times = inproc.time_gets(app, client, args.page, args.n)
        counter = inproc.SQLCounter(app)
        sample = min(args.n, 20)
        with inproc.quiet(app):
            for _ in range(sample):
                inproc.get_ok(client, args.page)
        statements = counter.count / sample
        counter.close()

        log(f"{args.n} GETs with a stack sampler (groups)")
        with inproc.quiet(app), StackSampler() as sampler:
            t0 = time.perf_counter()
            for _ in range(args.n):
                client.get(args.page)
            sampled_ms = (time.perf_counter() - t0) * 1000 / args.n
        samples, groups = stack_shares(sampler.named_stacks())

        log(f"{args.n} GETs under cProfile (functions, packages)")
        profiler = cProfile.Profile()
        with inproc.quiet(app):
            profiler.enable()
            for _ in range(args.n):
                client.get(args.page)
            profiler.disable()
        kept_sessions.keep(app.config["SQLALCHEMY_DATABASE_URI"], username, session_cookie(client))
        if cluster:
            cluster.stop()
            cluster = None
        stats = pstats.Stats(profiler)
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        dump = RESULTS_DIR / f"profile-{re.sub(r'[^A-Za-z0-9]+', '-', args.page).strip('-') or 'start'}.pstats"
        stats.dump_stats(dump)
        summary = summarise(stats.stats, args.n, args.top)
        head = [
            f"make profile: GET {args.page} as {username}, dataset {args.scale} on {backend}, "
            f"{args.n} requests after {inproc.WARMUP} warm-up, in-process (Flask test client)",
            f"  without profiler: median {inproc.median(times):.2f} ms, p95 {inproc.percentile(times, 95):.2f} ms"
            f" per request (P10 judges this median)",
            f"  SQL statements per request: {statements:g}",
            f"  under cProfile: {summary['total_ms']:.1f} ms per request profiled, of which the test client "
            f"{summary['total_ms'] - summary['page_ms']:.1f} ms (the top-function shares are of the rest)",
        ]
        print(render(summary, head, groups, samples, sampled_ms))
        print(f"\nraw profile: {dump.relative_to(ROOT)} (python -m pstats {dump.relative_to(ROOT)})")
        return 0
    finally:
        if cluster:
            cluster.stop()


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("page", help="path of the page, e.g. /portal/contracts/")
    parser.add_argument("--n", type=int, default=200, help="requests timed and profiled (default 200)")
    parser.add_argument("--user", default="", help="username to sign in as (default: the bench Portal Admin "
                                                   "of customer 1 for portal pages, bench-admin otherwise)")
    parser.add_argument("--scale", default=os.environ.get("SCALE", "L"), choices=sorted(SCALES))
    parser.add_argument("--backend", default=os.environ.get("BACKEND", "sqlite"), choices=["sqlite", "postgres"])
    parser.add_argument("--top", type=int, default=25, help="functions listed by cumulative and by own time")
    args = parser.parse_args(argv)
    if not args.page.startswith("/"):
        parser.error("PAGE must be a path starting with /")
    if args.n < 1:
        parser.error("--n must be at least 1")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
