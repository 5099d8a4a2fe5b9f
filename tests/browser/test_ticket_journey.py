"""Issue 15 done-when, on the demo data as `make run` loads it, in Chromium (R-TIC-1..5, R-HOME-4).

Each demo portal role of Rheinland Logistik opens "Support-Ticket erstellen" on the start page and
creates a ticket — the Portal Admin about a contract and one of its options with the paid express
fault clearing, the PBX Admin about a contract, Accounting about an invoice — picking the number
from the type-ahead and attaching a file. The demo Service user answers each in the back office (and
writes an internal note), the customer reads the answer, never the note, and replies. Every email is
in the outbox. Screenshots go to tests/browser/artifacts/tickets/.
"""
from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sqlalchemy import select

from app.roles import ACCOUNTING, PBX_ADMIN, PORTAL_ADMIN, SERVICE
from tests.auth_helpers import browser_login
from tests.browser.auth_server import chromium  # noqa: F401  - fixture

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "artifacts" / "tickets"
NOTE = "Intern: Kulanz bis 50 EUR freigegeben"


def _shot(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(chromium, site, login):
    context = chromium.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    browser_login(page, site.url, login.username, login.password, app=site.app)
    return context, page


def _pick(page, field_id, typed):
    """Type the start of a number and take the first suggestion of the type-ahead."""
    for attempt in range(3):
        # As a user would on a slow line: type again when no suggestion came (the request may have been lost).
        page.fill(f"#{field_id}", "")
        page.fill(f"#{field_id}", typed)
        try:
            page.wait_for_selector(f"#ticket-{field_id}-list option", state="attached", timeout=10000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    value = page.eval_on_selector(f"#ticket-{field_id}-list option", "o => o.value")
    page.fill(f"#{field_id}", value)
    page.dispatch_event(f"#{field_id}", "change")
    return value


def _create(page, site, role, tag):
    page.goto(site.url + "/")
    page.click("#create-ticket")
    page.wait_for_selector("#ticket-form")
    # The form's script is at the end of the page: the form can be there before the script has run,
    # and a choice made in that gap would reach no listener.
    page.wait_for_load_state("load")
    assert "Support-Ticket erstellen" in page.inner_text("h1")
    page.select_option("#kind", "fault" if role != ACCOUNTING else "claim")
    if role == ACCOUNTING:
        page.check("input[name=subject][value=invoice]")
        page.wait_for_selector("#contract", state="hidden", timeout=5000)
        number = _pick(page, "invoice", "R21")
    else:
        number = _pick(page, "contract", "V210010" + ("1" if role == PORTAL_ADMIN else "2"))
    if role == PORTAL_ADMIN:
        page.wait_for_selector("#option option:nth-child(2)", state="attached")
        page.select_option("#option", index=1)
        page.wait_for_selector("#ticket-express:not([hidden])")
        assert "Express-Entstörung" in page.inner_text("#ticket-express")
        page.check("#express")
    page.fill("#title", f"Journey {tag}")
    page.fill("#description", f"Beschreibung {tag}: seit heute früh keine Verbindung.")
    page.set_input_files("#attachments", files=[{"name": f"{tag}.log", "mimeType": "text/plain",
                                                 "buffer": f"log {tag}\n".encode()}])
    _shot(page, f"{tag}-01-form")
    page.click("#ticket-submit")
    page.wait_for_selector("#ticket-thread")
    assert "wurde erstellt" in page.content() and f"{tag}.log" in page.content()
    _shot(page, f"{tag}-02-created")
    return page.url.rsplit("/", 1)[-1], number


def test_each_role_creates_a_ticket_staff_answer_the_customer_replies_and_mail_goes_out(chromium, smoke_site):
    from app.extensions import db
    from app.models import OutboxMessage, Ticket
    from app.services.demo.logins import DEMO_LOGINS

    assert smoke_site.seeded_by == "demo"
    logins = {login.role: login for login in DEMO_LOGINS if login.customer_number in ("9000001", None)}
    created = {}
    for role in (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING):
        context, page = _login(chromium, smoke_site, logins[role])
        try:
            created[role] = _create(page, smoke_site, role, role.split()[0].lower())
            assert not page.errors, page.errors
        finally:
            context.close()
    with smoke_site.app.app_context():
        tickets = {role: db.session.get(Ticket, int(ident)) for role, (ident, _) in created.items()}
        assert tickets[PORTAL_ADMIN].express_clearing and tickets[PORTAL_ADMIN].order is not None
        assert tickets[PORTAL_ADMIN].contract_option is not None
        assert tickets[ACCOUNTING].invoice.invoice_number == created[ACCOUNTING][1]
        numbers = {role: t.ticket_number for role, t in tickets.items()}
        db.session.remove()

    context, page = _login(chromium, smoke_site, logins[SERVICE])
    try:
        page.goto(smoke_site.url + "/tickets/list/")
        assert page.locator(f"text={numbers[PORTAL_ADMIN]}").count() >= 1
        for role, (ident, _) in created.items():
            page.goto(f"{smoke_site.url}/tickets/thread/{ident}")
            page.fill("#body", NOTE)
            page.check("#internal")
            page.click("#ticket-work-submit")
            page.wait_for_selector("#ticket-thread")
            page.select_option("#status", "waiting_for_customer")
            page.fill("#body", f"Antwort an {role}: bitte Router neu starten.")
            page.click("#ticket-work-submit")
            page.wait_for_selector("#ticket-thread")
            assert NOTE in page.inner_text("#ticket-thread")
            _shot(page, f"staff-{role.split()[0].lower()}")
        assert not page.errors, page.errors
    finally:
        context.close()

    for role, (ident, _) in created.items():
        context, page = _login(chromium, smoke_site, logins[role])
        try:
            page.goto(f"{smoke_site.url}/portal/tickets/{ident}")
            thread = page.inner_text("#ticket-thread")
            assert f"Antwort an {role}" in thread and NOTE not in page.content()
            page.fill("#body", f"Danke, {role} hat neu gestartet.")
            page.click("#ticket-reply-submit")
            page.wait_for_selector("#ticket-thread")
            assert f"Danke, {role} hat neu gestartet." in page.inner_text("#ticket-thread")
            _shot(page, f"{role.split()[0].lower()}-03-replied")
            page.goto(f"{smoke_site.url}/portal/tickets/")
            assert numbers[role] in page.content()
            assert not page.errors, page.errors
        finally:
            context.close()

    with smoke_site.app.app_context():
        team = smoke_site.app.config.get("TICKET_TEAM_EMAIL") or smoke_site.app.config["SERVICE_EMAIL"]
        mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "email")).all()
        for role, number in numbers.items():
            about = [m for m in mails if number in m.subject]
            to_team = [m for m in about if m.recipient == team]
            to_customer = [m for m in about if m.recipient == logins[role].email]
            assert len(to_team) == 2, (role, [(m.recipient, m.subject) for m in about])  # created, replied
            assert len(to_customer) == 1 and f"Antwort an {role}" in to_customer[0].body
            assert all(NOTE not in m.body for m in about)
        # The express clearing's order sent its confirmation too.
        express_order = db.session.get(Ticket, int(created[PORTAL_ADMIN][0])).order.order_number
        assert any(express_order in m.subject for m in mails)
        db.session.remove()
