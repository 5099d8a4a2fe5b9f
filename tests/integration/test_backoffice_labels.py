"""The back office reads like the carrier's staff speak (German default; R-BO-1, R-CON-2).

Menu "Anschlüsse & Technik" for DSL, CPE and shipments (not under "Telefonie"),
"Endgeräte (CPE)", "Registrierungs-IPs", "Optionskatalog", a ticket's "Bezug" vs
an email's "Betreff", "Enthält vertrauliche Daten"; the contract page shows the
computed end of term; the select2 pickers speak German.
"""
from __future__ import annotations

import json
import re
from datetime import date

import pytest

from app.extensions import db
from app.models import OutboxMessage, Ticket
from app.models.enums import Channel, ContractStatus, TicketKind, TicketSubject
from app.security.roles import ADMIN
from app.services.contract_terms import end_of_term
from tests.factories import make_contract, make_customer
from tests.integration.backoffice_forms import staff_client


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "bo-admin-labels")


def _menu(html: str) -> dict[str, list[str]]:
    """{category label: [entry labels, section headings as "# heading"]} of the navbar's dropdowns."""
    menu = {}
    for block in re.findall(r'<li class="dropdown">(.*?)</ul>\s*</li>', html, re.S):
        head = re.search(r'class="dropdown-toggle"[^>]*>(.*?)<b class="caret"', block, re.S)
        if not head:
            continue
        title = re.sub(r"<[^>]+>|&nbsp;|\s+", " ", head.group(1)).strip()
        items = re.findall(r'<li class="dropdown-header">(.*?)</li>|<li>\s*<a [^>]*href="[^"#]+"[^>]*>(.*?)</a>',
                           block.split('<ul class="dropdown-menu">', 1)[-1], re.S)
        menu[title] = [("# " + heading.strip()) if heading else re.sub(r"<[^>]+>|&nbsp;|\s+", " ", entry).strip()
                       for heading, entry in items]
    return menu


def test_menu_groups_lines_and_hardware_apart_from_telephony(admin_client):
    """Five areas and Security fit the navbar on one row at 1280 px (issue 17); inside "Technik",
    lines and hardware keep a section of their own, apart from telephony."""
    menu = _menu(admin_client.get("/").get_data(as_text=True))
    assert menu["Technik"] == ["# Telefonie", "Rufnummern", "SIP-Accounts", "Rufumleitungen", "Registrierungs-IPs",
                               "Self-Care-Änderungen", "# Anschlüsse & Technik", "DSL-Zugänge", "Endgeräte (CPE)", "Sendungen"]
    assert menu["Aufträge & Support"] == ["# Aufträge", "Aufträge und Angebote", "Auftragspositionen",
                                          "Arbeitsschritte", "Portierungen", "# Support", "Tickets", "Ticket-Kommentare"]
    assert "Optionskatalog" in menu["Kunden & Verträge"]
    assert list(menu)[:6] == ["Kunden & Verträge", "Technik", "Aufträge & Support", "Abrechnung & Dokumente", "System",
                              "Sicherheit"]


def test_a_section_heading_shows_only_above_entries_the_role_may_open(app, client, login):
    """Sales may open orders but not tickets: no "Support" heading over nothing."""
    from app.security.roles import SALES

    sales = staff_client(app, client, login, SALES, "bo-sales-labels")
    menu = _menu(sales.get("/").get_data(as_text=True))
    assert menu["Aufträge & Support"] == ["# Aufträge", "Aufträge und Angebote", "Auftragspositionen", "Arbeitsschritte",
                                          "Portierungen"]
    assert "Technik" not in menu


@pytest.mark.parametrize("url, title", [
    ("/trunk-registrations/list/", "Registrierungs-IPs"), ("/cpe/list/", "Endgeräte (CPE)"),
    ("/option-types/list/", "Optionskatalog"), ("/shipments/add", "Neue Sendung"),
])
def test_list_titles(admin_client, url, title):
    assert title in admin_client.get(url).get_data(as_text=True)


def test_ticket_regarding_and_email_subject_differ(app, admin_client):
    """A ticket is about something ("Bezug"); an email has a subject line ("Betreff")."""
    with app.app_context():
        customer = make_customer()
        contract = make_contract(customer)
        ticket = Ticket(customer_id=customer.id, ticket_number="T9100001", kind=TicketKind.FAULT,
                        subject=TicketSubject.CONTRACT, contract=contract, title="Kein Ton", description="Seit heute")
        message = OutboxMessage(channel=Channel.EMAIL, recipient="a@example.com", subject="Auftrag",
                                body="Danke", sensitive=False)
        db.session.add_all([ticket, message])
        db.session.commit()
        ticket_id, message_id = ticket.id, message.id
    ticket_page = admin_client.get(f"/tickets/show/{ticket_id}").get_data(as_text=True)
    assert "Bezug" in ticket_page and "Betreff" not in ticket_page
    message_page = admin_client.get(f"/outbox/show/{message_id}").get_data(as_text=True)
    assert "Betreff" in message_page and "Enthält vertrauliche Daten" in message_page
    assert "Geheimnis" not in message_page


@pytest.mark.rule("R-CON-2")
def test_contract_page_shows_the_computed_end_of_term(app, admin_client):
    """R-CON-2: the same end of term as the portal, from app/services/contract_terms.py."""
    with app.app_context():
        contract = make_contract(make_customer(), start_date=date(2024, 1, 15), minimum_term_months=24,
                                 notice_period_months=3, renewal_period_months=12, status=ContractStatus.ACTIVE)
        db.session.commit()
        contract_id = contract.id
    expected = end_of_term(date(2024, 1, 15), 24, 3, 12, date.today())
    page = admin_client.get(f"/contracts/show/{contract_id}").get_data(as_text=True)
    assert "Vertragsende (frühestens, bei Kündigung heute)" in page
    assert expected.isoformat() in page


def test_select2_pickers_speak_german(admin_client):
    """The relation pickers' own texts come from the catalogs, not select2's English defaults."""
    page = admin_client.get("/contracts/add").get_data(as_text=True)
    script = page[page.index("eservice-ajax-select\").each") - 2000:]
    for text in ("Suche läuft …", "Keine Treffer gefunden", "Weitere Treffer werden geladen …"):
        assert json.dumps(text) in script, text  # as the template's |tojson writes it
    assert "language: language" in script


def test_role_names_read_like_the_manual(app, admin_client):
    """R-BO-4: the user and role lists name the roles as the manual does ("Administrator Kundenportal"),
    in English on request; the stored role names stay FAB's keys."""
    from app.security.roles import PORTAL_ADMIN
    from tests.factories import make_user

    with app.app_context():
        make_user(PORTAL_ADMIN, make_customer(), username="pa.labels")
        db.session.commit()
    users = admin_client.get("/users/list/?_flt_0_username=pa.labels").get_data(as_text=True)
    assert "Administrator Kundenportal" in users and "[Portal Admin]" not in users
    roles = admin_client.get("/roles/list/").get_data(as_text=True)
    for label in ("Administrator Kundenportal", "Administrator Telefonanlage", "Buchhaltung Kunde", "Vertrieb",
                  "Kundenservice", "Administrator Backoffice"):
        assert label in roles, label
    admin_client.get("/lang/en")
    assert "Portal Admin" in admin_client.get("/users/list/?_flt_0_username=pa.labels").get_data(as_text=True)
