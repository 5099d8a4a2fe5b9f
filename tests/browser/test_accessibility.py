"""Issue 17 done-when: every page, at 1280 and 375 px, passes axe-core and the product's page bars.

On the demo data (`make run`): every page each portal role reaches from its start page, every
back-office page reachable from the Admin's menu (lists, and the show, add and edit pages they
link to), and the sign-in pages. The pages are found by following links (tests/browser/a11y.py),
one per endpoint, so a page added later is checked without editing this file. A page fails on
any critical or serious axe violation, on the landmark and heading rules the issue names, on a
title that is not "Page – e:service", on sideways scrolling at 375 px, on a portal table that
hides columns behind a scroll on a phone, and on a navbar that wraps at 1280 px.

Screenshots of the start, contracts, contract and invoice pages at both widths go to
tests/browser/artifacts/screenshots/ (named in the README).
"""
from __future__ import annotations

import shutil

import pytest

from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from app.services.demo.logins import DEMO_LOGINS
from tests.auth_helpers import browser_login
from tests.browser.a11y import Report, check_loaded, crawl, install_axe, resize

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
# The screenshots: the Portal Admin's start, contracts, contract and invoice pages.
SCREENSHOTS = {"HomeView.index": "start", "PortalContractView.list": "contracts",
               "PortalContractView.show": "contract", "PortalInvoiceView.list": "invoices"}


@pytest.fixture(scope="module")
def screenshots(artifacts_dir):
    target = artifacts_dir / "screenshots"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    return target


def _signed_in_page(browser, site, username, password):
    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    install_axe(context)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    # A script the Content-Security-Policy blocks (issue 19: no 'unsafe-inline') is an error of the page too.
    page.on("console", lambda message: page.errors.append(message.text)
            if "Content Security Policy" in message.text else None)
    if username:
        browser_login(page, site.url, username, password, app=site.app)
        assert "/login" not in page.url, f"{username} could not sign in"
    return context, page


def _check_everywhere(browser, site, username, password, start, *, portal, shots=None):
    """Crawl from `start`; check each page found at 1280 px, then the same page narrowed to 375 px.

    The page is narrowed in place rather than loaded again: the layout answers to the width through
    CSS media queries and resize handlers, exactly as on a phone, and the crawl takes half the time.
    """
    report = Report()
    context, page = _signed_in_page(browser, site, username, password)

    def both_widths(visit):
        for width, viewport in ((1280, DESKTOP), (375, PHONE)):
            if viewport is not DESKTOP:
                resize(page, viewport)  # and wait for the resize handler (scroll regions) to have run
            report.add(f"{width} {visit.url} ({visit.endpoint})",
                       check_loaded(page, phone=viewport is PHONE, portal=portal))
            if shots is not None and visit.endpoint in SCREENSHOTS:
                page.screenshot(path=str(shots / f"{SCREENSHOTS[visit.endpoint]}-{width}.png"), full_page=True)
        page.set_viewport_size(DESKTOP)

    try:
        visits = crawl(page, site.app, site.url, [site.url + path for path in start], on_page=both_widths)
        assert not page.errors, f"JavaScript errors: {page.errors}"
    finally:
        context.close()
    return visits, report


def _demo_login(role):
    return next(login for login in DEMO_LOGINS if login.role == role and login.customer_number == "9000001")


@pytest.mark.parametrize("role", [PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING])
def test_every_portal_page_of_every_portal_role(chromium_browser, smoke_site, screenshots, role):
    login = _demo_login(role)
    visits, report = _check_everywhere(
        chromium_browser, smoke_site, login.username, login.password, ["/"], portal=True,
        shots=screenshots if role == PORTAL_ADMIN else None)
    endpoints = {visit.endpoint for visit in visits}
    assert "HomeView.index" in endpoints and "AccountView.profile" in endpoints, endpoints
    if role == PORTAL_ADMIN:  # the crawl really reached the portal's pages and their details
        assert set(SCREENSHOTS) <= endpoints and {"PortalOrderView.show", "PortalTicketView.show"} <= endpoints
        assert "PortalOptionOrderView.start" in endpoints  # the wizard's step 1 (its other steps: the journey)
        assert sorted(p.name for p in screenshots.iterdir()) == sorted(
            f"{name}-{width}.png" for name in SCREENSHOTS.values() for width in (375, 1280))
    assert not report.problems, report.summary()


def test_every_backoffice_page_from_the_admin_menu(chromium_browser, smoke_site):
    visits, report = _check_everywhere(
        chromium_browser, smoke_site, smoke_site.username, smoke_site.password, ["/"], portal=False)
    endpoints = {visit.endpoint for visit in visits}
    # Lists, show, add and edit pages of the back office were all reached through the menu.
    for kind in ("list", "show", "add", "edit"):
        assert any(e.startswith("CustomerView.") and e.endswith(kind) for e in endpoints), (kind, endpoints)
    assert len(endpoints) > 60, endpoints
    assert not report.problems, report.summary()


def test_sign_in_pages(chromium_browser, smoke_site):
    visits, report = _check_everywhere(chromium_browser, smoke_site, None, None, ["/login/"], portal=True)
    assert len(visits) >= 2, visits  # the login page and the forgot-password page at least
    assert not report.problems, report.summary()


BAD_PAGE = """<!DOCTYPE html><html><head><title>e:service</title></head><body>
<h2>Liste</h2><button><i class="icon"></i></button>
<p style="color:#aaa">blass</p><div style="width:900px">breit</div></body></html>"""


def test_the_checks_catch_a_page_that_misses_the_bars(chromium_browser):
    """The crawl's checks are not empty promises: a page without lang, title, <main> and <h1>, with an
    unnamed button, pale text and a box wider than a phone fails each of them."""
    context = chromium_browser.new_context(viewport=PHONE)
    install_axe(context)
    page = context.new_page()
    try:
        page.route("http://bad.example/", lambda route: route.fulfill(body=BAD_PAGE, content_type="text/html"))
        page.goto("http://bad.example/")
        found = "\n".join(check_loaded(page, phone=True, portal=True))
    finally:
        context.close()
    for expected in ("<html lang> is None", "does not read 'Page – e:service'", "0 <main> landmarks",
                     "0 visible <h1>", "wider than the phone", "axe button-name (critical)",
                     "axe color-contrast (serious)", "axe html-has-lang (serious)"):
        assert expected in found, (expected, found)
