"""Smoke test in Chromium: a back-office Admin signs in and opens every menu entry.

Each page must answer 200 without an error page, a stack trace, a JavaScript
exception or an access-denied message; a full-page screenshot of each lands in
tests/browser/artifacts/smoke/ for a human look. The login page and a list page
are also shot at phone size (390x844).
"""
from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest

from tests.auth_helpers import browser_login

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Text that only an error page or a crash shows (German and English).
ERROR_MARKERS = re.compile(
    r"Traceback \(most recent call last\)|Internal Server Error|Interner Serverfehler"
    r"|\b(?:Error code|Fehlercode)\s+\d{3}\b|404 Not Found|Not Found|Nicht gefunden"
    r"|Access is Denied|Zugriff verweigert"
)
# Menu links that leave the signed-in session or switch language: not pages to check.
SKIP_HREF = re.compile(r"/logout/?$|/lang/")
FAB_SECURITY_PATH = re.compile(r"/(users|roles|groups|permissions|viewmenus|permissionviews|userstatschartview)/")


def _slug(url: str) -> str:
    path = urlsplit(url).path.strip("/") or "home"
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-")[:80]


@pytest.fixture(scope="module")
def shots(artifacts_dir):
    """An empty tests/browser/artifacts/smoke/ for this run's screenshots."""
    target = artifacts_dir / "smoke"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    return target


def _new_page(browser, viewport):
    context = browser.new_context(locale="de-DE", viewport=viewport)
    page = context.new_page()
    page.set_default_timeout(15000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return context, page, errors


def _menu_links(page, base_url: str) -> list[tuple[str, str]]:
    """Every navbar entry with a real target, dropdown children included: (label, absolute URL)."""
    entries = page.eval_on_selector_all(
        ".navbar ul.nav a[href]",
        "els => els.map(a => [a.textContent.replace(/\\s+/g, ' ').trim(), a.getAttribute('href'), a.href])",
    )
    links, seen = [], set()
    for label, raw, absolute in entries:
        if not raw or raw.startswith(("#", "javascript:")) or SKIP_HREF.search(raw):
            continue
        if not absolute.startswith(base_url) or absolute in seen:
            continue
        seen.add(absolute)
        links.append((label, absolute))
    return links


def _problems(page, response, url: str, errors: list[str]) -> list[str]:
    """What is wrong with the page just loaded (empty when it is healthy)."""
    if response is None:
        return [f"{url}: no response"]
    found = []
    if response.status != 200:
        found.append(f"{url}: HTTP {response.status}")
    if "/login" in urlsplit(page.url).path:
        found.append(f"{url}: sent back to the login page ({page.url})")
    marker = ERROR_MARKERS.search(page.inner_text("body"))
    if marker:
        found.append(f"{url}: error text {marker.group(0)!r} on the page")
    if page.locator(".alert-danger").count():
        found.append(f"{url}: alert {page.inner_text('.alert-danger').strip()!r}")
    if errors:
        found.append(f"{url}: JavaScript errors {errors}")
    return found


def _assert_healthy(page, response, url: str, errors: list[str]) -> None:
    problems = _problems(page, response, url, errors)
    assert not problems, "\n".join(problems)


@pytest.mark.rule("R-BO-1")
def test_backoffice_admin_opens_every_menu_entry(chromium_browser, smoke_site, shots):
    context, page, errors = _new_page(chromium_browser, DESKTOP)
    try:
        browser_login(page, smoke_site.url, smoke_site.username, smoke_site.password, app=smoke_site.app)
        response = page.goto(f"{smoke_site.url}/")
        page.screenshot(path=str(shots / "00-home.png"), full_page=True)
        _assert_healthy(page, response, "/", errors)
        assert page.locator("#user-menu").count() == 1, "not signed in: no user menu on the start page"

        links = _menu_links(page, smoke_site.url)
        # The account entries are always there; the Admin also sees the back-office areas.
        assert len(links) >= 4, f"too few menu entries: {links}"
        problems, visited = [], []
        for n, (label, url) in enumerate(links, start=1):
            errors.clear()
            response = page.goto(url)
            page.screenshot(path=str(shots / f"{n:02d}-{_slug(url)}.png"), full_page=True)
            problems += _problems(page, response, f"{label} ({url})", errors)
            visited.append(url)
        # Every page is opened before failing, so one run lists every broken entry.
        broken = {p.split(": ", 1)[0] for p in problems}
        assert not problems, f"{len(broken)} of {len(links)} menu pages are broken:\n" + "\n".join(problems)
        assert visited == [url for _, url in links]
    finally:
        context.close()


def test_phone_sized_login_page(chromium_browser, smoke_site, shots):
    context, page, errors = _new_page(chromium_browser, PHONE)
    try:
        response = page.goto(f"{smoke_site.url}/login/")
        assert response.status == 200
        page.screenshot(path=str(shots / "phone-login.png"), full_page=True)
        assert page.locator("#username").is_visible() and page.locator("#sign-in").is_visible()
        assert not errors, f"JavaScript errors {errors}"
        # The page fits the phone: nothing forces sideways scrolling.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"login page is {overflow}px wider than a 390px phone"
    finally:
        context.close()


def test_phone_sized_list_page(chromium_browser, smoke_site, shots):
    context, page, errors = _new_page(chromium_browser, PHONE)
    try:
        browser_login(page, smoke_site.url, smoke_site.username, smoke_site.password, app=smoke_site.app)
        page.goto(f"{smoke_site.url}/")
        links = [url for _, url in _menu_links(page, smoke_site.url)]
        # A list page (FAB lists end in /list/), a product one before FAB's security lists.
        lists = [url for url in links if "/list" in urlsplit(url).path]
        assert lists, f"no list page among the menu entries: {links}"
        target = next((url for url in lists if not FAB_SECURITY_PATH.match(urlsplit(url).path)), lists[0])
        errors.clear()
        response = page.goto(target)
        page.screenshot(path=str(shots / f"phone-{_slug(target)}.png"), full_page=True)
        _assert_healthy(page, response, target, errors)
    finally:
        context.close()


def test_relation_picker_speaks_german(chromium_browser, smoke_site, shots):
    """The select2 picker's own texts are German (no "No results found"/"Searching…")."""
    context, page, errors = _new_page(chromium_browser, DESKTOP)
    try:
        browser_login(page, smoke_site.url, smoke_site.username, smoke_site.password, app=smoke_site.app)
        response = page.goto(f"{smoke_site.url}/contracts/add")
        _assert_healthy(page, response, "/contracts/add", errors)
        page.locator("#customer + .select2-container .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").fill("keine-solche-firma-xyz")
        message = page.locator(".select2-results__message")
        message.filter(has_text="Keine Treffer gefunden").wait_for()
        page.screenshot(path=str(shots / "picker-german.png"), full_page=True)
        assert "No results" not in page.inner_text("body")
        assert not errors, f"JavaScript errors {errors}"
    finally:
        context.close()
