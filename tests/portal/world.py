"""Two customers with everything the portal shows, and one login per role (tenant isolation tests)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from app.extensions import db
from app.models import (
    ContactPerson, Contract, Cpe, Invoice, Order, OrderDraft, OrderItem, OrderStep, PhoneNumber, ProvisioningChange,
    SipAccount, Ticket, TicketAttachment, TicketComment,
)
from app.models.enums import (
    AreaCodeKind, ContactRole, ContractStatus, DocumentType, ItemChange, NumberKind, OrderKind, OrderStatus, ProductKind,
    StepStatus, TicketKind, TicketStatus, TicketSubject,
)
from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE
from app.services.documents import create_document, store_bytes
from tests.factories import make_contract, make_customer, make_location, make_option, make_option_type, make_product, make_user

PASSWORD = "Sicher#Kennwort42"


@dataclass
class Tenant:
    customer_id: int
    ids: dict[str, list[int]] = field(default_factory=dict)
    users: dict[str, str] = field(default_factory=dict)
    # One id per kind of row, by what it is: "trunk", "cloud", "offer", "done_order", "ticket",
    # "invoice_doc", "evn_csv", "contract_doc" (the S2 matrix fills route ids from these).
    named: dict[str, int] = field(default_factory=dict)
    company: str = ""

    def all_ids(self) -> set[int]:
        return {i for values in self.ids.values() for i in values}


def _stored(data: bytes) -> dict:
    key, size, sha256 = store_bytes(data)
    return {"storage_key": key, "size_bytes": size, "sha256": sha256}


def build_tenant(tag: str, products: dict, with_users: bool = True) -> Tenant:
    customer = make_customer(company_name=f"Firma {tag} GmbH")
    trunk = make_contract(customer, products["trunk"], sip_password="Geheim#SIP1", sip_proxy="sip.example")
    location = make_location(trunk, name=f"Standort {tag}")
    make_option(trunk, products["channel"], quantity=4)
    make_option(trunk, products["express"], location=location)
    db.session.add(SipAccount(customer=customer, contract=trunk, username=f"sip-{tag}-{trunk.id}@sip.example"))
    db.session.add(PhoneNumber(customer=customer, contract=trunk, location=location, kind=NumberKind.BLOCK,
                               area_code_kind=AreaCodeKind.LOCAL, area_code="211",
                               subscriber_number=f"7{trunk.id:05d}", extension_from="0", extension_to="99"))
    db.session.add(Cpe(customer=customer, contract=trunk, model="Router X", serial_number=f"SN-{tag}-{trunk.id}"))
    # A self-care change the network did not take (issue 14): its retry route is swept too.
    change = ProvisioningChange(customer=customer, contract=trunk, kind="sip_password", state="failed", payload={},
                                attempts=1)
    db.session.add(change)
    cloud = make_contract(customer, products["cloud"])
    offer = Order(customer=customer, contract=trunk, order_number=f"A{tag}{trunk.id}", kind=OrderKind.OPTION_CHANGE,
                  status=OrderStatus.OFFER_CREATED, offer_valid_until=date.today() + timedelta(days=30))
    done = Order(customer=customer, contract=trunk, order_number=f"B{tag}{trunk.id}", kind=OrderKind.NEW_PROVISION,
                 status=OrderStatus.COMPLETED)
    db.session.add_all([offer, done])
    db.session.flush()
    db.session.add(OrderItem(customer=customer, order=offer, change=ItemChange.ADDED, description="Sprachkanäle",
                             option_type=products["channel"], quantity_after=2))
    db.session.add(OrderStep(customer=customer, order=done, position=1, name="Geprüft", status=StepStatus.DONE))
    invoice = Invoice(customer=customer, invoice_number=f"R{tag}{trunk.id}", invoice_date=date(2026, 10, 1),
                      period_start=date(2026, 9, 1), period_end=date(2026, 9, 30), net_amount=100, tax_amount=19,
                      gross_amount=119, due_date=date(2026, 10, 15))
    db.session.add(invoice)
    db.session.flush()
    ticket = Ticket(customer=customer, ticket_number=f"T{tag}{trunk.id}", kind=TicketKind.FAULT,
                    subject=TicketSubject.CONTRACT, contract=trunk, title="Störung", description="Kein Ton",
                    status=TicketStatus.OPEN)
    db.session.add(ticket)
    db.session.flush()
    db.session.add(TicketComment(customer=customer, ticket=ticket, body="Wir prüfen.", internal=False))
    db.session.add(TicketComment(customer=customer, ticket=ticket, body="INTERN-NOTIZ", internal=True))
    ticket_file = TicketAttachment(customer=customer, ticket=ticket, filename="router.log", mime_type="text/plain",
                                   **_stored(b"router log\n"))
    db.session.add(ticket_file)
    db.session.flush()
    pdf = b"%PDF-1.4\n% Rechnung\n"
    invoice_doc = create_document(customer_id=customer.id, doc_type=DocumentType.INVOICE, title="Rechnung",
                                  filename="x.pdf", mime_type="application/pdf", data=pdf,
                                  document_date=date(2026, 10, 1), invoice=invoice)
    evn_csv = create_document(customer_id=customer.id, doc_type=DocumentType.EVN_CSV, title="EVN",
                              filename="evn.csv", mime_type="text/csv", data="Datum;Ziel\n".encode(),
                              document_date=date(2026, 10, 1), contract=trunk)
    contract_doc = create_document(customer_id=customer.id, doc_type=DocumentType.ORDER_CONFIRMATION,
                                   title="Auftragsbestätigung", filename="ab.pdf", mime_type="application/pdf",
                                   data=pdf, document_date=date(2026, 9, 1), contract=trunk)
    contact = ContactPerson(customer_id=customer.id, role=ContactRole.TECHNICAL, first_name="Kim",
                            last_name=f"Kontakt {tag}", email=f"kim.{tag}.{customer.id}@example.com")
    db.session.add(contact)
    db.session.flush()
    tenant = Tenant(customer.id, ids={
        "contract": [trunk.id, cloud.id], "order": [offer.id, done.id], "ticket": [ticket.id],
        "ticket_file": [ticket_file.id],
        "document": [invoice_doc.id, evn_csv.id, contract_doc.id], "contact_person": [contact.id],
    }, named={
        "trunk": trunk.id, "cloud": cloud.id, "offer": offer.id, "done_order": done.id, "ticket": ticket.id,
        "ticket_file": ticket_file.id,
        "invoice_doc": invoice_doc.id, "evn_csv": evn_csv.id, "contract_doc": contract_doc.id, "change": change.id,
        "contact": contact.id,
    }, company=customer.company_name)
    if with_users:
        for role in (PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING):
            user = make_user(role, customer=customer, password=PASSWORD, mobile="+4917012345678",
                             username=f"{role.split()[0].lower()}.{tag}.{customer.id}")
            tenant.users[role] = user.username
            if role == PORTAL_ADMIN:  # an option-order draft of the wizard (R-WIZ-7), swept by S1
                draft = OrderDraft(customer_id=customer.id, user_id=user.id, contract_id=trunk.id,
                                   token=f"draft-{tag}-{customer.id}", data={},
                                   expires_at=datetime.utcnow() + timedelta(days=1))
                db.session.add(draft)
                db.session.flush()
                tenant.named["draft"] = draft.id
                tenant.named["api_key"] = _api_key(customer, user, tag).id  # issue 19, swept by S1
            if role == ACCOUNTING:
                tenant.named["accounting_user"] = user.id
    return tenant


def _api_key(customer, user, tag: str):
    """A personal API key of the company (hashes only: no test signs in with it)."""
    from flask_appbuilder.security.sqla.models import ApiKey

    from app.models import ApiKeyGrant

    key = ApiKey(name=f"ERP {tag}", key_hash=f"unused-{tag}-{customer.id}", lookup_hash=f"lookup-{tag}-{customer.id}",
                 key_prefix="esv_test", user_id=user.id, scopes="read", active=True)
    grant = ApiKeyGrant(api_key=key, customer_id=customer.id, scope="read", window_start=0, window_count=0)
    db.session.add_all([key, grant])
    db.session.flush()
    return grant


def build_world() -> dict:
    products = {
        "trunk": make_product(ProductKind.SIP_TRUNK, name="SIP-Trunk"),
        "cloud": make_product(ProductKind.CLOUD_PHONE, name="cloud.phone"),
        "channel": make_option_type(name="Sprachkanal", quantity_based=True, max_quantity=100),
        "express": make_option_type(name="Expressentstörung", location_bound=True),
    }
    a = build_tenant("a", products)
    b = build_tenant("b", products)
    staff = {}
    for role in (SALES, SERVICE, ADMIN):
        staff[role] = make_user(role, password=PASSWORD, username=f"staff.{role.lower()}.{a.customer_id}").username
    db.session.commit()
    return {"a": a, "b": b, "staff": staff}
