"""The accessibility and phone checks of one page, and the crawl that finds the pages (issue 17).

`crawl` starts at the pages a user is given (the start page, the Admin's menu) and follows every
link of the site, one page per endpoint of `app.url_map`: a page added later is reached through
the menu or a link and checked without editing a list here. Links that change something or
answer with a file (delete, actions, downloads, exports, sign-on, logout, language switch) are
never followed: they are not pages, and a crawl must not delete the demo data it walks through.

`check_loaded` runs axe-core (bundled with axe-playwright-python, no CDN) on the loaded page and
adds the product's own bars that axe rates below "serious" or cannot see: one `<main>`, one
`<h1>`, `<html lang>` in the page's language, the title "Page – e:service", nothing wider than
the phone, no scrolling table on a portal page at phone width, a navbar on one row at 1280 px.
"""
from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from axe_playwright_python.base import AXE_SCRIPT

PRODUCT = "e:service"
BLOCKING_IMPACTS = {"critical", "serious"}
# The WCAG 2.2 A/AA rules and axe's best practices; of the latter, the ones the issue names are
# held to as well whatever their impact (landmarks, headings, roles).
AXE_OPTIONS = {"resultTypes": ["violations"], "reporter": "no-passes",
               "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa",
                                                     "best-practice"]}}
HELD_RULES = {"landmark-one-main", "page-has-heading-one", "heading-order", "landmark-no-duplicate-main",
              "landmark-unique", "aria-allowed-role", "empty-heading", "empty-table-header"}

# Endpoints (method names of FAB views and of the product's own) that are not pages to look at.
NOT_A_PAGE = re.compile(
    r"\.(delete|download|action|action_post|export|view|sign_on|logout|customer_password|technical"
    r"|api_\w+|\w+_download)$|^LocaleView\.|^(AuthDBView|EServiceAuthView)\.logout$",
)
# /api/: the REST API and its swagger-ui documentation (FAB's bundled third-party UI, a developer tool,
# not a portal page; its own contrast and select labels are swagger-ui's, see README "API").
NOT_A_PAGE_PATH = re.compile(r"\.(csv|pdf|zip)$|/logout/?$|/lang/|^/api/")


@dataclass
class Visit:
    """One page found by the crawl: its URL and the endpoint it belongs to."""

    url: str
    endpoint: str


@dataclass
class Report:
    """Problems by page; a page with none is not listed."""

    problems: dict[str, list[str]] = field(default_factory=dict)
    pages: int = 0

    def add(self, where: str, found: list[str]) -> None:
        self.pages += 1
        if found:
            self.problems.setdefault(where, []).extend(found)

    def summary(self) -> str:
        lines = [f"{len(self.problems)} of {self.pages} pages fail:"]
        for where, found in self.problems.items():
            lines.append(f"- {where}")
            lines.extend(f"    {problem}" for problem in found)
        return "\n".join(lines)


def endpoint_of(app, url: str) -> str | None:
    """The endpoint a same-site URL is served by, or None when no GET route matches."""
    from werkzeug.exceptions import HTTPException

    parts = urlsplit(url)
    adapter = app.url_map.bind(parts.netloc or "localhost")
    try:
        endpoint, _args = adapter.match(parts.path, method="GET")
    except HTTPException:
        return None
    return endpoint


def _links(page, base_url: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.filter(a => !a.hasAttribute('download')).map(a => a.href)")
    out = []
    for href in hrefs:
        href = href.split("#", 1)[0]
        if href.startswith(base_url) and not NOT_A_PAGE_PATH.search(urlsplit(href).path):
            out.append(href)
    return out


def crawl(page, app, base_url: str, start: list[str], *, on_page=lambda visit: None,
          allowed=lambda endpoint: True, limit: int = 400) -> list[Visit]:
    """The pages reachable from `start` by links, one URL per endpoint, in the order found.

    `on_page(visit)` runs on each page while it is loaded (before its links are followed).
    `allowed(endpoint)` keeps the crawl inside an area. Pages that do not answer 200 as HTML
    are dropped (a role's 403 for a link it was never shown, a file).
    """
    queue = deque(start)
    seen_endpoints: set[str] = set()
    visits: list[Visit] = []
    while queue and len(visits) < limit:
        url = queue.popleft()
        endpoint = endpoint_of(app, url)
        if endpoint is None or endpoint in seen_endpoints or NOT_A_PAGE.search(endpoint) or not allowed(endpoint):
            continue
        seen_endpoints.add(endpoint)
        response = page.goto(url)
        if response is None or response.status != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        if endpoint_of(app, page.url) != endpoint:  # redirected elsewhere (e.g. the login page)
            continue
        visit = Visit(url=url, endpoint=endpoint)
        visits.append(visit)
        links = _links(page, base_url)
        on_page(visit)
        queue.extend(links)
    return visits


# jQuery 3 runs `$(fn)` handlers in timers after DOMContentLoaded, and these can come after the load event that
# page.goto waits for: FAB's ab.js makes the select2 pickers and link hints in one, menus.js names the pickers and
# gives the navbar links their own hints back in later ones. A handler added now runs after all of them.
JQUERY_READY_JS = "() => new Promise(done => window.jQuery ? window.jQuery(() => done(true)) : done(true))"

# What menus.js leaves once it has run: a table box that scrolls sideways is a focusable region, one that no
# longer scrolls is not. It runs again 100 ms after the last resize of the window.
SCROLL_REGIONS_JS = """() => [...document.querySelectorAll('.table-responsive')].every(box =>
  box.scrollWidth > box.clientWidth + 1 ? box.hasAttribute('tabindex') : !box.hasAttribute('data-scroll-region'))"""


def settle(page) -> None:
    """Wait for what a page does after it has loaded (its jQuery ready handlers) and what it loads after
    itself (the contract's technical panel) before judging it."""
    page.wait_for_function(JQUERY_READY_JS, timeout=15000)
    page.wait_for_function(
        "() => !document.querySelector('[data-technical-panel]:not([data-loaded=true]):not([data-loaded=failed])')",
        timeout=15000,
    )


def resize(page, viewport: dict) -> None:
    """Give the loaded page another size and wait for its resize handler (menus.js, 100 ms after the last
    resize) to have made the table boxes that now scroll sideways regions, and those that no longer do not."""
    page.set_viewport_size(viewport)
    page.wait_for_function(SCROLL_REGIONS_JS, timeout=15000)


def install_axe(context) -> None:
    """Load axe-core (bundled with axe-playwright-python) into every page of `context` as it opens.

    One script given to the browser once, instead of 570 KB sent over for each page checked.
    """
    context.add_init_script(script=AXE_SCRIPT)


def axe_problems(page) -> list[str]:
    """axe-core's critical and serious violations, plus the held rules at any impact."""
    results = page.evaluate("options => axe.run(document, options)", AXE_OPTIONS)
    found = []
    for violation in results["violations"]:
        if violation["impact"] not in BLOCKING_IMPACTS and violation["id"] not in HELD_RULES:
            continue
        targets = [", ".join(str(t) for t in node["target"]) for node in violation["nodes"][:4]]
        more = len(violation["nodes"]) - len(targets)
        found.append(f"axe {violation['id']} ({violation['impact']}): {violation['help']} at {targets}"
                     + (f" and {more} more" if more > 0 else ""))
    return found


STRUCTURE_JS = """() => {
  const headings = [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].filter(h => h.offsetParent !== null);
  return {
    lang: document.documentElement.getAttribute('lang'),
    title: document.title,
    mains: document.querySelectorAll('main, [role=main]').length,
    h1: headings.filter(h => h.tagName === 'H1').length,
    firstHeading: headings.length ? headings[0].tagName : null,
    badRoles: [...document.querySelectorAll('[role=header]')].length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  };
}"""

# Scrolling boxes on a phone: a table a user came for may not hide columns behind a sideways scroll.
SCROLLING_TABLES_JS = """() => [...document.querySelectorAll('table')]
  .filter(t => t.offsetParent !== null)
  .filter(t => { const box = t.parentElement; return box.scrollWidth > box.clientWidth + 1; })
  .map(t => t.id || t.className || 'table')"""

# At 1280 px the navbar's entries sit on one row.
NAVBAR_ROWS_JS = """() => new Set([...document.querySelectorAll('.navbar-collapse > .navbar-nav > li')]
  .filter(li => li.offsetParent !== null).map(li => Math.round(li.getBoundingClientRect().top))).size"""


def structure_problems(page, *, locale: str, phone: bool, portal: bool) -> list[str]:
    """The product's own page bars (see the module docstring)."""
    facts = page.evaluate(STRUCTURE_JS)
    found = []
    if facts["lang"] != locale:
        found.append(f"<html lang> is {facts['lang']!r}, the page speaks {locale!r}")
    title = facts["title"] or ""
    if not title.endswith(f" – {PRODUCT}") or not title[: -len(PRODUCT) - 3].strip():
        found.append(f"title {title!r} does not read 'Page – {PRODUCT}'")
    if facts["mains"] != 1:
        found.append(f"{facts['mains']} <main> landmarks")
    if facts["h1"] != 1 or facts["firstHeading"] != "H1":
        found.append(f"{facts['h1']} visible <h1>, first heading {facts['firstHeading']}")
    if facts["badRoles"]:
        found.append("role=header (not an ARIA role)")
    if phone:
        if facts["overflow"] > 0:
            found.append(f"{facts['overflow']} px wider than the phone (scrolls sideways)")
        if portal:
            scrolling = page.evaluate(SCROLLING_TABLES_JS)
            if scrolling:
                found.append(f"tables scroll sideways on the phone: {scrolling}")
    elif page.locator(".navbar-collapse").count():
        rows = page.evaluate(NAVBAR_ROWS_JS)
        if rows > 1:
            found.append(f"navbar wraps onto {rows} rows at desktop width")
    return found


def check_loaded(page, *, locale: str = "de", phone: bool, portal: bool) -> list[str]:
    """Every problem of the page loaded in `page` (empty when it passes)."""
    settle(page)
    return structure_problems(page, locale=locale, phone=phone, portal=portal) + axe_problems(page)
