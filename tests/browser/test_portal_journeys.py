"""Portal journeys in Debian's Chromium, one per customer role, with screenshots (issue: customer portal).

Also QUALITY P1: with the network back end at 2 s, the contract page is there at once and the
technical panel fills in afterwards; the panel's other states (R-CON-3/4): SIP table filled from
the network, the browser giving up after its timeout, a hung back end, a session that ended.

And the issue's done-when on the demo data (`app/services/demo`, as `make run` loads it): every
demo portal login of both demo customers, every page its role may use, in German, English once,
nothing of another demo customer, no page wider than a 375 px phone. Screenshots go to
tests/browser/artifacts/portal/.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN
from tests.auth_helpers import browser_login
from tests.browser.auth_server import chromium, live_url  # noqa: F401  - fixtures
from tests.portal.world import PASSWORD, build_world
from tests.leaks import leaked

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "portal"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def world(app):
    with app.app_context():
        return build_world()


@pytest.fixture
def new_page(chromium):
    contexts = []

    def _page(viewport=None):
        context = chromium.new_context(locale="de-DE", viewport=viewport or {"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        return page

    yield _page
    for context in contexts:
        context.close()


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _visit(page, base, path, name):
    response = page.goto(f"{base}{path}")
    assert response.status == 200, (path, response.status)
    _shot(page, name)
    return page


def test_portal_admin_journey(app, live_url, world, new_page):
    a, b = world["a"], world["b"]
    page = new_page()
    browser_login(page, live_url, a.users[PORTAL_ADMIN], PASSWORD, app=app)
    _shot(page, "portal-admin-01-start")
    assert "Firma a GmbH" in page.content() and "Firma b GmbH" not in page.content()
    page.click("#show-customer-password")
    page.wait_for_selector("#customer-password:not([hidden])")
    assert len(page.inner_text("#customer-password")) >= 8
    _visit(page, live_url, "/portal/contracts/", "portal-admin-02-contracts")
    assert "Verträge" in page.inner_text("h1")  # German by default
    page.click("#contract-list tbody tr:first-child a")
    page.wait_for_selector("#technical-panel[data-loaded=true]")
    assert page.locator("#sip-accounts").count() == 1
    _shot(page, "portal-admin-03-contract-detail")
    _visit(page, live_url, "/portal/orders/", "portal-admin-04-orders")
    page.click("a.sort-link[data-sort=number]")
    page.wait_for_load_state()
    assert "sort=number" in page.url and page.locator("th[aria-sort=ascending]").count() == 1
    page.goto(f"{live_url}/portal/orders/{a.ids['order'][0]}")
    page.click("#accept-offer button")
    page.wait_for_load_state()
    assert page.locator(".alert-success").count() == 1
    _shot(page, "portal-admin-05-offer-accepted")
    _visit(page, live_url, "/portal/invoices/", "portal-admin-06-invoices")
    _visit(page, live_url, "/portal/documents/", "portal-admin-07-documents")
    _visit(page, live_url, "/portal/tickets/", "portal-admin-08-tickets")
    # Another customer's contract is simply not there.
    assert page.goto(f"{live_url}/portal/contracts/{b.ids['contract'][0]}").status == 404
    # English on request, remembered.
    page.goto(f"{live_url}/lang/en?next=/portal/contracts/")
    page.goto(f"{live_url}/portal/contracts/")
    assert "Contracts" in page.inner_text("h1")
    _shot(page, "portal-admin-09-contracts-english")
    assert not page.errors, page.errors


def test_pbx_admin_journey(app, live_url, world, new_page):
    a = world["a"]
    page = new_page()
    browser_login(page, live_url, a.users[PBX_ADMIN], PASSWORD, app=app)
    assert page.locator("#cloud-phone-contracts").count() == 1
    _shot(page, "pbx-admin-01-landing")
    assert page.locator("a[href='/portal/contracts/']").count() == 0
    # R-PBX-1: a click signs on at the PBX with a token in the URL (the PBX is stubbed here).
    arrived = []
    page.route(f"{app.config['PBX_URL']}/sso*", lambda route: (
        arrived.append(route.request.url), route.fulfill(status=200, body="PBX", content_type="text/plain")))
    page.click("#cloud-phone-contracts button[type=submit]")
    page.wait_for_url(f"{app.config['PBX_URL']}/sso*")
    assert len(arrived) == 1 and "token=" in arrived[0]
    page.goto(f"{live_url}/")
    _visit(page, live_url, "/portal/tickets/", "pbx-admin-02-tickets")
    assert page.goto(f"{live_url}/portal/invoices/").status == 403
    assert not page.errors, page.errors


def test_accounting_journey_on_a_phone(app, live_url, world, new_page):
    a = world["a"]
    page = new_page(PHONE)
    browser_login(page, live_url, a.users[ACCOUNTING], PASSWORD, app=app)
    _shot(page, "accounting-01-start-phone")
    _visit(page, live_url, "/portal/invoices/", "accounting-02-invoices-phone")
    page.select_option("#type", "evn_csv")
    page.click(".portal-filter button")
    page.wait_for_load_state()
    assert page.locator(".document-download").count() == 1
    with page.expect_download() as download:
        page.click(".document-download")
    assert download.value.suggested_filename.endswith(".csv")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than the phone"
    assert page.goto(f"{live_url}/portal/orders/").status == 403
    assert not page.errors, page.errors


BACK_END_SECONDS = 4  # within PROVISIONING_TIMEOUT_SECONDS (8): the panel is filled, not given up on


@pytest.mark.rule("P1", "R-CON-4")
def test_p1_contract_page_does_not_wait_for_a_slow_network(app, live_url, world, new_page):
    """QUALITY P1: with a back end that takes 4 s the page comes long before it (not waiting for the network
    systems), the panel after it. The time the page takes is bench/'s to judge (P1, 100 ms p95): here the suites
    run side by side with a browser, and a first contract page once took 1.12 s on such a machine."""
    a = world["a"]
    page = new_page()
    browser_login(page, live_url, a.users[PORTAL_ADMIN], PASSWORD, app=app)
    app.config["PROVISIONING_LATENCY_SECONDS"] = str(BACK_END_SECONDS)
    app.extensions.pop("eservice_provisioning", None)
    try:
        started = time.monotonic()
        response = page.goto(f"{live_url}/portal/contracts/{a.ids['contract'][0]}", wait_until="domcontentloaded")
        page_seconds = time.monotonic() - started
        assert response.status == 200
        assert page_seconds < BACK_END_SECONDS / 2, f"contract page took {page_seconds:.2f} s"
        assert page.locator("#contract-terms").is_visible()
        assert page.locator("#technical-panel [data-state=loading]").is_visible()
        _shot(page, "p1-01-commercial-data-first")
        page.wait_for_selector("#technical-panel[data-loaded=true]", timeout=10000)
        panel_seconds = time.monotonic() - started
        assert panel_seconds >= BACK_END_SECONDS - 0.1, f"panel came after {panel_seconds:.2f} s"
        _shot(page, "p1-02-technical-panel-filled")
    finally:
        app.config["PROVISIONING_LATENCY_SECONDS"] = "0"
        app.extensions.pop("eservice_provisioning", None)


@pytest.mark.rule("R-CON-4")
def test_technical_panel_unavailable_then_retry(app, live_url, world, new_page):
    """R-CON-4: when the network systems fail the panel says so and offers a retry that works."""
    a = world["a"]
    page = new_page(PHONE)
    browser_login(page, live_url, a.users[PORTAL_ADMIN], PASSWORD, app=app)
    app.config["PROVISIONING_FAILURE_RATE"] = 1.0
    app.extensions.pop("eservice_provisioning", None)
    try:
        page.goto(f"{live_url}/portal/contracts/{a.ids['contract'][0]}")
        page.wait_for_selector("#technical-panel[data-loaded=failed]")
        assert page.locator("#technical-panel [data-state=failed]").is_visible()
        _shot(page, "contract-technical-unavailable-phone")
        app.config["PROVISIONING_FAILURE_RATE"] = 0.0
        app.extensions.pop("eservice_provisioning", None)
        page.click("#technical-panel [data-retry]")
        page.wait_for_selector("#technical-panel[data-loaded=true]")
        assert page.locator("#sip-accounts").is_visible()
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{overflow}px wider than the phone"
        _shot(page, "contract-technical-retried-phone")
    finally:
        app.config["PROVISIONING_FAILURE_RATE"] = 0.0
        app.extensions.pop("eservice_provisioning", None)
    assert not page.errors, page.errors


# --- the technical panel's states in the browser (R-CON-3, R-CON-4, P1) -----------------------------
def _contract_page(page, live_url, world):
    page.goto(f"{live_url}/portal/contracts/{world['a'].named['trunk']}")


@pytest.mark.rule("R-CON-3")
def test_technical_panel_fills_the_sip_table_from_the_network(app, live_url, world, new_page):
    """R-CON-3: usernames and proxy are on the page at once; registered/locked arrive with the panel."""
    page = new_page(PHONE)
    browser_login(page, live_url, world["a"].users[PORTAL_ADMIN], PASSWORD, app=app)
    _contract_page(page, live_url, world)
    page.wait_for_selector("#technical-panel[data-loaded=true]")
    row = page.locator("#sip-accounts tbody tr").first
    assert row.get_attribute("data-status-loaded") == "true"
    assert row.locator("td.sip-proxy").inner_text() == "sip.example"
    assert row.locator("td[data-field=registered]").inner_text() in ("ja", "nein")
    assert row.locator("td[data-field=locked]").inner_text() == "nein"
    assert page.locator("#sip-status-summary").is_visible()
    assert not page.errors, page.errors


@pytest.mark.rule("R-CON-4")
def test_technical_panel_gives_up_when_the_answer_never_comes(app, live_url, world, new_page):
    """The browser aborts after data-timeout-ms (server deadline + 2 s) and offers the retry."""
    page = new_page()
    browser_login(page, live_url, world["a"].users[PORTAL_ADMIN], PASSWORD, app=app)
    app.config["PROVISIONING_TIMEOUT_SECONDS"] = 0.5  # the page asks the browser to wait 2.5 s
    try:
        held = []
        page.route("**/technical", lambda route: held.append(route))  # the answer is lost on the way
        started = time.monotonic()
        _contract_page(page, live_url, world)
        assert page.get_attribute("#technical-panel", "data-timeout-ms") == "2500"
        username_cell = page.locator("#sip-accounts tbody tr td.sip-username").first
        assert username_cell.inner_text().startswith("sip-a-")  # the table does not wait for the network
        page.wait_for_selector("#technical-panel[data-loaded=failed]", timeout=10000)
        waited = time.monotonic() - started
        assert 2.4 <= waited < 8, f"gave up after {waited:.1f} s"
        assert page.locator("#technical-panel [data-state=failed]").is_visible()
        assert page.locator("#sip-accounts td[data-field=registered]").first.inner_text() == "–"
        _shot(page, "contract-technical-client-timeout")
        page.unroute("**/technical")
        page.click("#technical-panel [data-retry]")
        page.wait_for_selector("#technical-panel[data-loaded=true]")
    finally:
        app.config["PROVISIONING_TIMEOUT_SECONDS"] = 8
    assert not page.errors, page.errors


@pytest.mark.rule("R-CON-4")
def test_technical_panel_says_when_the_back_end_hangs(app, live_url, world, new_page):
    """A hung back end (simulated: latency "inf"): the server answers "unavailable" at its deadline."""
    page = new_page()
    browser_login(page, live_url, world["a"].users[PORTAL_ADMIN], PASSWORD, app=app)
    app.config.update(PROVISIONING_LATENCY_SECONDS="inf", PROVISIONING_TIMEOUT_SECONDS=1)
    app.extensions.pop("eservice_provisioning", None)
    try:
        started = time.monotonic()
        _contract_page(page, live_url, world)
        page.wait_for_selector("#technical-panel[data-loaded=failed]", timeout=10000)
        assert time.monotonic() - started < 2.9  # the server's 1 s, not the browser's 3 s
    finally:
        app.config.update(PROVISIONING_LATENCY_SECONDS="0", PROVISIONING_TIMEOUT_SECONDS=8)
        app.extensions.pop("eservice_provisioning", None)
    assert not page.errors, page.errors


@pytest.mark.rule("S8")
def test_technical_panel_after_the_session_ended(app, live_url, world, new_page):
    """A 401 in the panel: "session ended" with a link that signs in again and comes back."""
    page = new_page(PHONE)
    a = world["a"]
    browser_login(page, live_url, a.users[PORTAL_ADMIN], PASSWORD, app=app)

    def session_ends(route):  # the user signs out elsewhere (S8) between the page and its panel request
        from sqlalchemy import select

        from app.extensions import db
        from app.models import EServiceUser
        from app.services.auth.sessions import end_all

        with app.app_context():
            end_all(db.session.scalar(select(EServiceUser).where(EServiceUser.username == a.users[PORTAL_ADMIN])))
            db.session.commit()
        route.continue_()

    page.route("**/technical", session_ends)
    _contract_page(page, live_url, world)
    page.wait_for_selector("#technical-panel[data-loaded=expired]")
    expired = page.locator("#technical-panel [data-state=expired]")
    assert expired.is_visible() and "Sitzung ist abgelaufen" in expired.inner_text()
    assert page.locator("#technical-panel [data-state=body]").is_hidden()
    assert page.locator("#technical-panel form#login, #technical-panel #username").count() == 0
    _shot(page, "contract-technical-session-ended-phone")
    page.click("#technical-panel [data-sign-in]")
    page.wait_for_load_state()
    assert "/login/" in page.url and f"next=/portal/contracts/{a.named['trunk']}" in page.url.replace("%2F", "/")
    assert not page.errors, page.errors


# --- the demo data in the browser (issue done-when: each demo role sees its own company's pages in German,
# --- English works, a second demo customer's data never appears) ----------------------------------------
NARROW = {"width": 375, "height": 740}
GERMAN_TITLES = {
    "/portal/contracts/": "Verträge", "/portal/orders/": "Aufträge und Angebote",
    "/portal/invoices/": "Rechnungen & EVN", "/portal/documents/": "Vertragsunterlagen",
    "/portal/tickets/": "Support-Tickets", "/portal/cloud-phone/": "cloud.phone",
}


def _demo_markers(site):
    """{customer number: texts only that customer's pages may show} for every demo customer."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Contract, Customer, Invoice, Order, SipAccount, Ticket

    markers = {}
    with site.app.app_context():
        for customer in db.session.scalars(select(Customer)):
            texts = {customer.company_name, customer.hotline_password}
            for column in (Contract.contract_number, Order.order_number, Ticket.ticket_number,
                           Invoice.invoice_number, SipAccount.username):
                texts |= set(db.session.scalars(select(column).where(column.class_.customer_id == customer.id)))
            markers[customer.customer_number] = {t for t in texts if t}
        db.session.remove()
    return markers


def _check(page, foreign, name, german=None):
    """The page: 200, German (if given), nothing of another customer, no sideways scrolling at 375 px."""
    html = page.content()
    assert not leaked(foreign, html), (name, leaked(foreign, html))
    if german:
        assert german in page.inner_text("h1"), (name, page.inner_text("h1"))
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{name}: {overflow}px wider than 375 px"
    _shot(page, f"demo-{name}")


def _open(page, site, path, foreign, name):
    response = page.goto(f"{site.url}{path}")
    assert response.status == 200, (path, response.status)
    _check(page, foreign, name, GERMAN_TITLES.get(path.split("?")[0]))


def _first_href(page, selector):
    link = page.locator(selector).first
    assert link.count() == 1, selector
    return link.get_attribute("href")


def _download(page, foreign, click, name):
    with page.expect_download() as info:
        click()
    download = info.value
    body = Path(download.path()).read_bytes()
    assert body, name
    if download.suggested_filename.endswith(".csv"):
        text = body.decode("utf-8-sig")
        assert not leaked(foreign, text), (name, leaked(foreign, text))
    return download


def _portal_admin_pages(page, site, foreign, tag):
    _open(page, site, "/portal/orders/", foreign, f"{tag}-orders")
    page.goto(site.url + _first_href(page, "#order-list tbody a"))
    _check(page, foreign, f"{tag}-order-detail", "Auftrag")
    assert page.locator("#order-steps").count() == 1
    _open(page, site, "/portal/contracts/", foreign, f"{tag}-contracts")
    page.goto(site.url + _first_href(page, "#contract-list tbody a"))
    page.wait_for_selector("#technical-panel[data-loaded=true]")
    assert "Technische Daten" in page.inner_text("#technical-panel")
    _check(page, foreign, f"{tag}-contract-detail", "Vertrag")
    _open(page, site, "/portal/documents/", foreign, f"{tag}-documents")
    view = page.locator("#document-list a[href$='/view']").first
    shown = page.context.request.get(site.url + view.get_attribute("href"))
    assert shown.status == 200 and shown.headers["content-type"] == "application/pdf"
    assert shown.headers["content-disposition"].startswith("inline")
    _download(page, foreign, lambda: page.locator("#document-list .document-download").first.click(),
              f"{tag}-document-download")
    _open(page, site, "/portal/cloud-phone/", foreign, f"{tag}-cloud-phone")


def _invoice_pages(page, site, foreign, tag):
    _open(page, site, "/portal/invoices/", foreign, f"{tag}-invoices")
    invoice = _download(page, foreign, lambda: page.locator("#invoice-list .invoice-download").first.click(),
                        f"{tag}-invoice-download")
    assert invoice.suggested_filename.startswith("invoice_") and invoice.suggested_filename.endswith(".pdf")
    _open(page, site, "/portal/invoices/?type=evn_csv", foreign, f"{tag}-call-records")
    export = _download(page, foreign, lambda: page.click("#call-record-export button[type=submit]"),
                       f"{tag}-call-record-export")
    assert export.suggested_filename.startswith("EVN_")
    rows = Path(export.path()).read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Vertrag;Datum;Uhrzeit") and len(rows) > 1


@pytest.mark.rule("S1")
def test_every_demo_login_sees_only_its_own_company_in_german(chromium, smoke_site):
    """Issue done-when, on the demo data (`make run`): every demo portal login of both demo customers,
    PIN from the outbox, every page its role may use, German, nothing of any other demo customer,
    no page wider than a 375 px phone; English once."""
    from app.roles import PORTAL_ROLES
    from app.services.demo.logins import DEMO_LOGINS

    assert smoke_site.seeded_by == "demo"
    markers = _demo_markers(smoke_site)
    logins = [login for login in DEMO_LOGINS if login.role in PORTAL_ROLES]
    assert {login.customer_number for login in logins} == {"9000001", "9000002"} and len(logins) == 6
    for login in logins:
        foreign = set().union(*(texts for number, texts in markers.items() if number != login.customer_number))
        own = markers[login.customer_number]
        tag = f"{login.username}"
        context = chromium.new_context(locale="de-DE", viewport=NARROW, accept_downloads=True)
        try:
            page = context.new_page()
            page.set_default_timeout(15000)
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            browser_login(page, smoke_site.url, login.username, login.password, app=smoke_site.app)
            assert page.url.rstrip("/") == smoke_site.url, page.url
            _check(page, foreign, f"{tag}-start", "Willkommen bei e:service")
            assert any(text in page.content() for text in own), "the start page shows nothing of the company"
            if login.role == PORTAL_ADMIN:
                _portal_admin_pages(page, smoke_site, foreign, tag)
            if login.role in (PORTAL_ADMIN, ACCOUNTING):
                _invoice_pages(page, smoke_site, foreign, tag)
            if login.role == PBX_ADMIN:
                _open(page, smoke_site, "/portal/cloud-phone/", foreign, f"{tag}-cloud-phone")
                assert page.goto(f"{smoke_site.url}/portal/contracts/").status == 403
            _open(page, smoke_site, "/portal/tickets/", foreign, f"{tag}-tickets")
            ticket = page.locator("#open-tickets tbody a, #closed-tickets tbody a").first
            if ticket.count():
                page.goto(smoke_site.url + ticket.get_attribute("href"))
                _check(page, foreign, f"{tag}-ticket-detail")
            if login.username == "customer9000001":
                _carrier_links(page, smoke_site, tag)
                _switch_to_english(page, smoke_site, foreign, tag)
            assert not errors, (login.username, errors)
        finally:
            context.close()


def _open_navbar(page):
    if page.locator("button.navbar-toggle").is_visible():
        page.click("button.navbar-toggle")
        # Until Bootstrap's opening animation ends (class "in"), a tap can land on the moving menu's edge.
        page.wait_for_selector(".navbar-collapse.in #carrier-links-toggle", state="visible")


def _carrier_links(page, site, tag):
    """R-HOME-2: the tile button top right opens the carrier links."""
    page.goto(f"{site.url}/")
    _open_navbar(page)
    page.click("#carrier-links-toggle")
    links = page.locator("#carrier-links .carrier-link")
    assert links.count() == 4 and all(links.nth(i).is_visible() for i in range(4))
    _shot(page, f"demo-{tag}-carrier-links")


def _switch_to_english(page, site, foreign, tag):
    """Through the language menu, as a user would: the hamburger first on a phone."""
    page.goto(f"{site.url}/portal/contracts/")
    _open_navbar(page)
    page.click("#language-menu-toggle")
    # No hover hint lies over the navbar's menus (FAB's tooltip "Sprache" swallowed the tap on a phone).
    assert page.locator(".tooltip").count() == 0
    assert page.get_attribute("#language-menu-toggle", "title") == "Sprache"
    page.click("#lang-en")
    page.wait_for_load_state()
    assert "Contracts" in page.inner_text("h1")
    _check(page, foreign, f"{tag}-contracts-english")
    page.goto(f"{site.url}/")
    assert "Welcome to e:service" in page.inner_text("h1")
