"""Pages in German and English (issue 17 point 6): plurals, locale formats, catalogue texts in both languages.

- "1 Monat", "24 Monate" / "1 month", "24 months" (ngettext);
- dates, money and numbers by the page's locale;
- product and option names and descriptions, order step names and generated document titles in the
  page's language, German where no English text is filled in; the back office edits both;
- the audit log with readable times and translated object types.
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Contract, ContractOption, Document, OptionType, OrderStep, Product
from app.roles import ADMIN, PORTAL_ADMIN
from tests.factories import make_option
from tests.integration.backoffice_forms import form_data


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _bilingual_world(app, tenant):
    """English texts for the tenant's trunk product, one option type, a work step and a document."""
    with app.app_context():
        trunk = db.session.get(Contract, tenant.named["trunk"])
        product = db.session.get(Product, trunk.product_id)
        product.name, product.name_en = "SIP-Anschluss", "SIP line"
        product.description, product.description_en = "Für Telefonanlagen", "For PBXs"
        option = db.session.scalars(select(ContractOption).where(ContractOption.contract_id == trunk.id)
                                    .order_by(ContractOption.id)).first()
        option_type = db.session.get(OptionType, option.option_type_id)
        option_type.name, option_type.name_en = "Sprachkanal", "Voice channel"
        option.minimum_term_months, option.quantity = 1, 1500
        step = db.session.scalar(select(OrderStep).where(OrderStep.order_id == tenant.named["done_order"]))
        step.name, step.name_en = "Geprüft", "Checked"
        document = db.session.get(Document, tenant.named["contract_doc"])
        document.title, document.title_en = "Auftragsbestätigung Mai", "Order confirmation May"
        db.session.commit()


def test_contract_detail_in_german_and_english(app, world, signed_in):
    a = world["a"]
    _bilingual_world(app, a)
    client = signed_in(a.users[PORTAL_ADMIN])
    url = f"/portal/contracts/{a.named['trunk']}"
    german = _text(client.get(url).get_data(as_text=True))
    assert "Mindestlaufzeit 24 Monate" in german and "Kündigungsfrist 3 Monate" in german
    assert "Sprachkanal 1.500" in german and "01.01.2024 1 Monat" in german
    assert "SIP-Anschluss" in german and "Für Telefonanlagen" in german and "SIP line" not in german
    assert "10,00 €" in german

    client.get("/lang/en")
    english = _text(client.get(url).get_data(as_text=True))
    assert "Minimum term 24 months" in english and "Notice period 3 months" in english
    assert "Voice channel 1,500" in english and "Jan 1, 2024 1 month" in english
    assert "SIP line" in english and "For PBXs" in english and "SIP-Anschluss" not in english
    assert "€10.00" in english
    lists = _text(client.get("/portal/contracts/").get_data(as_text=True))
    assert "SIP line" in lists and "Jan 1, 2024" in lists


def test_german_texts_stand_in_where_no_english_is_filled_in(app, world, signed_in):
    a = world["a"]
    _bilingual_world(app, a)
    with app.app_context():
        product = db.session.get(Product, db.session.get(Contract, a.named["trunk"]).product_id)
        product.name_en, product.description_en = "  ", None
        db.session.commit()
    client = signed_in(a.users[PORTAL_ADMIN])
    client.get("/lang/en")
    english = _text(client.get(f"/portal/contracts/{a.named['trunk']}").get_data(as_text=True))
    assert "SIP-Anschluss" in english and "Für Telefonanlagen" in english


def test_order_steps_and_document_titles_follow_the_page_language(app, world, signed_in):
    a = world["a"]
    _bilingual_world(app, a)
    client = signed_in(a.users[PORTAL_ADMIN])
    order_url, documents_url = f"/portal/orders/{a.named['done_order']}", "/portal/documents/"
    assert "Geprüft" in _text(client.get(order_url).get_data(as_text=True))
    assert "Auftragsbestätigung Mai" in _text(client.get(documents_url).get_data(as_text=True))
    client.get("/lang/en")
    order = _text(client.get(order_url).get_data(as_text=True))
    documents = _text(client.get(documents_url).get_data(as_text=True))
    assert "Checked" in order and "Geprüft" not in order
    assert "Order confirmation May" in documents and "Auftragsbestätigung Mai" not in documents
    assert "Sep 1, 2026" in documents


def test_the_back_office_edits_both_languages(app, world, signed_in):
    """An Admin fills in the English name of a product and of a work step; the portal shows it."""
    a = world["a"]
    admin = signed_in(world["staff"][ADMIN])
    with app.app_context():
        product_id = db.session.get(Contract, a.named["trunk"]).product_id
        step_id = db.session.scalar(select(OrderStep.id).where(OrderStep.order_id == a.named["done_order"]))
        document_id = a.named["contract_doc"]
    for url, fields in ((f"/products/edit/{product_id}", {"name": "SIP-Trunk neu", "name_en": "SIP trunk new",
                                                          "description_en": "English text"}),
                        (f"/order-steps/edit/{step_id}", {"name_en": "Checked by us"}),
                        (f"/documents/edit/{document_id}", {"title_en": "Confirmation"})):
        data = form_data(admin, url, **fields)
        response = admin.post(url, data=data)
        assert response.status_code == 302, (url, response.status_code)
    with app.app_context():
        product = db.session.get(Product, product_id)
        assert (product.name, product.name_en, product.description_en) == ("SIP-Trunk neu", "SIP trunk new",
                                                                           "English text")
        assert db.session.get(OrderStep, step_id).name_en == "Checked by us"
        assert db.session.get(Document, document_id).title_en == "Confirmation"
    client = signed_in(a.users[PORTAL_ADMIN])
    assert "SIP-Trunk neu" in client.get("/portal/contracts/").get_data(as_text=True)
    client.get("/lang/en")
    assert "SIP trunk new" in client.get("/portal/contracts/").get_data(as_text=True)
    assert "Checked by us" in client.get(f"/portal/orders/{a.named['done_order']}").get_data(as_text=True)


def test_the_audit_log_reads_times_and_object_types(app, world, signed_in):
    with app.app_context():
        db.session.add(AuditLog(occurred_at=datetime(2026, 7, 1, 10, 5, 30), action="hotline_password_shown",
                                username="someone", object_type="customer", object_id="1"))
        db.session.add(AuditLog(occurred_at=datetime(2026, 1, 15, 23, 30), action="sign_in", username="other",
                                object_type="user", object_id="2"))
        db.session.commit()
        entry_id = db.session.scalar(select(AuditLog.id).where(AuditLog.username == "someone"))
    admin = signed_in(world["staff"][ADMIN])
    german = _text(admin.get("/audit-log/list/").get_data(as_text=True))
    # Stored in UTC, shown in the portal's time zone (summer: +2 h; winter: +1 h, into the next day).
    assert "01.07.2026, 12:05" in german and "16.01.2026, 00:30" in german
    assert "Kunde" in german and "Benutzerkonto" in german and "2026-07-01 10:05" not in german
    assert "01.07.2026, 12:05" in _text(admin.get(f"/audit-log/show/{entry_id}").get_data(as_text=True))
    admin.get("/lang/en")
    english = _text(admin.get("/audit-log/list/").get_data(as_text=True))
    assert "Jul 1, 2026, 12:05" in english and "User account" in english


def test_months_plural_on_an_option_of_many_months(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        make_option(db.session.get(Contract, a.named["trunk"]), minimum_term_months=12)
        db.session.commit()
    html = _text(signed_in(a.users[PORTAL_ADMIN]).get(f"/portal/contracts/{a.named['trunk']}").get_data(as_text=True))
    assert "12 Monate" in html and "12 Monat " not in html


def test_back_office_lists_show_dates_by_the_page_language(app, world, signed_in):
    admin = signed_in(world["staff"][ADMIN])
    german = _text(admin.get("/invoices/list/").get_data(as_text=True))
    assert "01.10.2026" in german and "15.10.2026" in german and "2026-10-01" not in german
    admin.get("/lang/en")
    english = _text(admin.get("/invoices/list/").get_data(as_text=True))
    assert "Oct 1, 2026" in english and "Oct 15, 2026" in english
