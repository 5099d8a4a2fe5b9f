"""Start page and list details (R-HOME-2, R-PBX-1, R-DOC-1; issue review, "smaller" items).

- counts with plurals ("1 offenes Ticket", never "1 offene Tickets");
- file sizes in the page's number format ("12,3 KB" in German, "12.3 KB" in English);
- the carrier links behind the manual's tile button at the top right (navbar), not a section below;
- the cloud.phone list paginated like the other lists, the start page showing the first ones.
"""
from __future__ import annotations

import re
from datetime import date

import pytest

from app.extensions import db
from app.models import Product
from app.models.enums import ContractStatus, DocumentType, ProductKind
from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN
from app.services.documents import create_document
from tests.factories import make_contract


def _text(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>(.*?)</p>', html, re.S)
    assert match, element_id
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_counts_on_the_start_page_use_plurals(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    html = client.get("/").get_data(as_text=True)
    # a: one open ticket, one open order which is an offer waiting.
    assert _text(html, "overview-open-tickets") == "1 offenes Ticket"
    assert _text(html, "overview-open-orders") == "1 offener Auftrag · 1 Angebot wartet auf dich"
    client.get("/lang/en")
    html = client.get("/").get_data(as_text=True)
    assert _text(html, "overview-open-tickets") == "1 open ticket"
    assert _text(html, "overview-open-orders") == "1 open order · 1 offer waiting for you"


def test_counts_above_one_use_the_plural(app, world, signed_in):
    from app.models import Ticket
    from app.models.enums import TicketKind, TicketStatus, TicketSubject

    a = world["a"]
    with app.app_context():
        db.session.add(Ticket(customer_id=a.customer_id, ticket_number="T-second", kind=TicketKind.OTHER,
                              subject=TicketSubject.CONTRACT, contract_id=a.named["trunk"], title="Frage",
                              description="?", status=TicketStatus.OPEN))
        db.session.commit()
    html = signed_in(a.users[ACCOUNTING]).get("/").get_data(as_text=True)
    assert _text(html, "overview-open-tickets") == "2 offene Tickets"


def _sized_document(app, tenant, size):
    with app.app_context():
        document = create_document(customer_id=tenant.customer_id, doc_type=DocumentType.SEPA_MANDATE,
                                   title="SEPA", filename="s.pdf", mime_type="application/pdf",
                                   data=b"%PDF-1.4\n" + b"x" * (size - 9), document_date=date(2026, 11, 1))
        db.session.commit()
        return document.id


def test_file_sizes_in_the_locale_number_format(app, world, signed_in):
    a = world["a"]
    _sized_document(app, a, 12595)       # 12.3 KiB
    _sized_document(app, a, 1572864)     # 1.5 MiB
    client = signed_in(a.users[PORTAL_ADMIN])
    html = client.get("/portal/documents/?type=sepa_mandate").get_data(as_text=True)
    assert "12,3 KB" in html and "1,5 MB" in html and "12.3 KB" not in html
    client.get("/lang/en")
    html = client.get("/portal/documents/?type=sepa_mandate").get_data(as_text=True)
    assert "12.3 KB" in html and "1.5 MB" in html


@pytest.mark.rule("R-HOME-2")
def test_carrier_links_are_behind_the_tile_button_top_right(app, world, signed_in):
    """R-HOME-2 (manual: "Kachel-Button … oben rechts auf der Startseite")."""
    client = signed_in(world["a"].users[PBX_ADMIN])
    for url in ("/", "/portal/tickets/"):
        html = client.get(url).get_data(as_text=True)
        navbar = html[html.index("navbar-right"):html.index('id="user-menu"')]
        assert 'id="carrier-links"' in navbar and 'id="carrier-links-toggle"' in navbar, url
        for label in ("Hilfe & Kontakt", "ecotel-Website", "Netzstatus", "cloud.phone-Anmeldung"):
            assert label in navbar, (url, label)
        assert app.config["PBX_URL"] in navbar and app.config["HELP_URL"] in navbar
        assert html.count('id="carrier-links"') == 1 and "portal-links" not in html
    assert 'id="mail-to-carrier"' in client.get("/").get_data(as_text=True)
    assert 'id="carrier-links"' not in signed_in(world["staff"][ADMIN]).get("/").get_data(as_text=True)


def _cloud_contracts(app, tenant, count):
    with app.app_context():
        from sqlalchemy import select

        from app.models import Customer

        product = db.session.scalar(select(Product).where(Product.kind == ProductKind.CLOUD_PHONE))
        customer = db.session.get(Customer, tenant.customer_id)
        for _ in range(count):
            make_contract(customer, product, status=ContractStatus.ACTIVE)
        db.session.commit()


@pytest.mark.rule("R-PBX-1")
def test_the_cloud_phone_list_is_paginated(app, world, signed_in):
    a = world["a"]
    _cloud_contracts(app, a, 30)  # 31 with the world's own
    client = signed_in(a.users[PBX_ADMIN])
    first = client.get("/portal/cloud-phone/").get_data(as_text=True)
    assert first.count('class="list-group-item cloud-phone-contract"') == 25
    assert "Seite 1 von 2" in first and "/portal/cloud-phone/?page=2" in first
    second = client.get("/portal/cloud-phone/?page=2").get_data(as_text=True)
    assert second.count('class="list-group-item cloud-phone-contract"') == 6
    home = client.get("/").get_data(as_text=True)
    assert home.count('class="list-group-item cloud-phone-contract"') == 10
    assert 'id="all-cloud-phone"' in home and "Alle 31 cloud.phone-Verträge anzeigen" in home


@pytest.mark.rule("R-PBX-1")
def test_the_start_page_lists_few_cloud_phone_contracts_without_a_link(app, world, signed_in):
    html = signed_in(world["a"].users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert html.count('class="list-group-item cloud-phone-contract"') == 1 and 'id="all-cloud-phone"' not in html
