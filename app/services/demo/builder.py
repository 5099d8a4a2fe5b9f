"""Builds the demo customers with everything a portal user and the back office look at.

Three customers: Rheinland Logistik (SIP trunk with two locations, cloud.phone, DSL,
data line), Hotel Alpenblick (Centrex SIP accounts, voice.smart, cloud.phone, DSL) and
Nordsee Software (SIP trunk, data line; its Portal Admin still awaits activation). Together
they cover every product kind, every contract, order, step, number, shipment and contact
status or role, every document type; Hotel Alpenblick's address is not verified yet (R-WIZ-2),
and routers have a history of several shipments (R-SIP-6).
"""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal as D

from app.extensions import db
from app.models import (
    CallRecord, ContactPerson, Contract, ContractOption, Cpe, Customer, Invoice, Location, Order,
    OrderItem, OrderStep, PhoneNumber, Shipment, Ticket, TicketComment,
)
from app.models.enums import (
    AreaCodeKind, ContactConsent, DocumentType, InvoiceDelivery, NumberKind, NumberOrderKind, NumberStatus, OrderKind,
    OrderStatus, ShipmentStatus, StepStatus, TicketKind, TicketStatus, TicketSubject,
)
from app.models.mixins import utcnow
from app.services import evn
from app.services.demo import files
from app.services.documents import create_document

# Work steps in German and English (the portal shows the page's language).
STEP_NAMES = [("Auftrag erfasst", "Order entered"), ("Auftrag geprüft", "Order checked"),
              ("Rufnummern reserviert", "Phone numbers reserved"), ("Technik geschaltet", "Service switched on"),
              ("Hardware versendet", "Hardware shipped"), ("Abnahme durch Kunden", "Accepted by the customer")]
# A termination is worked off in steps of its own (R-ORD-3: entered by the carrier after written notice).
TERMINATION_STEPS = [("Kündigung eingegangen", "Notice received"), ("Kündigung bestätigt", "Termination confirmed"),
                     ("Rufnummern freigegeben", "Phone numbers released"),
                     ("Technik abgeschaltet", "Service switched off"),
                     ("Hardware zurückerhalten", "Hardware returned"), ("Schlussrechnung erstellt", "Final invoice issued")]
MONTHS_DE = ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
             "November", "Dezember"]
MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]


class DemoBuilder:
    """Adds (never commits) the rows of one customer at a time."""

    def __init__(self, products, option_types, today: date | None = None):
        self.products = products
        self.options = option_types
        self.today = today or date.today()
        self.random = random.Random(4711)  # the same demo data on every machine  # nosec B311  # no security use

    # --- small helpers -----------------------------------------------------
    def _add(self, row):
        db.session.add(row)
        return row

    def months_ago(self, months: int, day: int = 1) -> date:
        year, month = self.today.year, self.today.month - months
        while month <= 0:
            month += 12
            year -= 1
        return date(year, month, day)

    def customer(self, number, company, email, phone, street, zip_code, city, hotline_password, **kw):
        return self._add(Customer(
            customer_number=number, company_name=company, email=email, main_phone=phone, street=street,
            zip_code=zip_code, city=city, address_verified=kw.get("address_verified", True),
            hotline_password=hotline_password,
            invoice_delivery=kw.get("invoice_delivery", InvoiceDelivery.PORTAL),
            show_term_on_invoice=kw.get("show_term_on_invoice", True),
            contact_consent=kw.get("contact_consent", ContactConsent.EMAIL),
        ))

    def contact(self, customer, role, salutation, first, last, email, phone=None, mobile=None):
        return self._add(ContactPerson(customer=customer, role=role, salutation=salutation, first_name=first,
                                       last_name=last, email=email, phone=phone, mobile=mobile))

    def contract(self, customer, number, product_code, status, start_months_ago, **kw):
        product = self.products[product_code]
        return self._add(Contract(
            customer=customer, contract_number=number, product=product, status=status,
            start_date=self.months_ago(start_months_ago, kw.pop("start_day", 1)),
            minimum_term_months=kw.pop("minimum_term_months", product.default_minimum_term_months),
            notice_period_months=kw.pop("notice_period_months", 3),
            renewal_period_months=kw.pop("renewal_period_months", 12), **kw,
        ))

    def location(self, contract, name, street, zip_code, city):
        return self._add(Location(customer=contract.customer, contract=contract, name=name, street=street,
                                  zip_code=zip_code, city=city))

    def option(self, contract, code, quantity=1, location=None, start_months_ago=None):
        option_type = self.options[code]
        start = self.months_ago(start_months_ago) if start_months_ago is not None else contract.start_date
        return self._add(ContractOption(
            customer=contract.customer, contract=contract, option_type=option_type, location=location,
            quantity=quantity, monthly_price=option_type.monthly_price, one_time_price=option_type.one_time_price,
            start_date=start, minimum_term_months=option_type.minimum_term_months,
        ))

    def number(self, contract, location, area_code, subscriber, kind=NumberKind.SINGLE, area_kind=AreaCodeKind.LOCAL,
               ext=None, ported=False, status=NumberStatus.ACTIVE):
        ext_from, ext_to = ext or (None, None)
        return self._add(PhoneNumber(
            customer=contract.customer, contract=contract, location=location, kind=kind, area_code_kind=area_kind,
            area_code=area_code, subscriber_number=subscriber, extension_from=ext_from, extension_to=ext_to,
            ported=ported, status=status,
        ))

    def order(self, contract, number, kind, status, age_days, items, steps_done, note=None, failed_step=None,
              step_note=None):
        """An order with its items and work steps; `failed_step` (position) marks the step that failed."""
        created = utcnow() - timedelta(days=age_days)
        order = self._add(Order(
            customer=contract.customer, contract=contract, order_number=number, kind=kind, status=status,
            note=note,
            offer_valid_until=(self.today + timedelta(days=30)) if status == OrderStatus.OFFER_CREATED else None,
            accepted_at=created + timedelta(days=1) if status not in (
                OrderStatus.OFFER_CREATED, OrderStatus.CANCELLED) else None,
            completed_at=created + timedelta(days=14) if status == OrderStatus.COMPLETED else None,
        ))
        order.created_at = created
        for change, description, option_code, before, after in items:
            option_type = self.options.get(option_code) if option_code else None
            self._add(OrderItem(
                customer=contract.customer, order=order, change=change, description=description,
                option_type=option_type, quantity_before=before, quantity_after=after,
                monthly_price=option_type.monthly_price if option_type else None,
                one_time_price=option_type.one_time_price if option_type else None,
                effective_date=self.today + timedelta(days=14),
            ))
        names = TERMINATION_STEPS if kind is OrderKind.TERMINATION else STEP_NAMES
        for position, (name, name_en) in enumerate(names[: max(steps_done + 1, 3)], start=1):
            note_here = None
            if position == failed_step:
                step_status, completed, note_here = StepStatus.FAILED, None, step_note
            elif position <= steps_done:
                step_status, completed = StepStatus.DONE, created + timedelta(days=position)
            elif position == steps_done + 1 and status not in (OrderStatus.OFFER_CREATED, OrderStatus.CANCELLED):
                step_status, completed = StepStatus.IN_PROGRESS, None
            else:
                step_status, completed = StepStatus.PENDING, None
            self._add(OrderStep(customer=contract.customer, order=order, position=position, name=name,
                                name_en=name_en, status=step_status, completed_at=completed, note=note_here))
        return order

    def porting(self, order, number_text, carrier, state, confirmed_in_days=None, reason=None):
        """Turn the order's first item into a single-number porting with its signed form (porting tracker)."""
        db.session.flush()  # the customer's and order's ids for the document
        item = order.items[0]
        contract = order.contract
        item.number_order_kind = NumberOrderKind.PORT_SINGLE
        item.number_count = 1
        item.porting_numbers, item.porting_carrier = number_text, carrier
        item.porting_owner = contract.customer.company_name
        item.porting_state, item.porting_reason = state, reason
        item.porting_confirmed_date = self.today + timedelta(days=confirmed_in_days) if confirmed_in_days else None
        item.porting_changed_at = utcnow() - timedelta(days=1)
        item.document = create_document(
            customer_id=contract.customer.id, doc_type=DocumentType.SIGNED_PORTING_FORM,
            title=f"Anbieterwechselformular – {order.order_number}",
            title_en=f"Porting form – {order.order_number}",
            filename="anbieterwechselformular.pdf", mime_type="application/pdf",
            data=files.contract_document_pdf(contract.customer, "Anbieterwechselformular",
                                             [f"Portierung der Rufnummer {number_text}.",
                                              f"Abgebender Anbieter: {carrier}."]),
            document_date=self.today - timedelta(days=6), contract=contract, order=order,
        )
        return item

    def ticket(self, contract, number, kind, status, title, description, comments, express=False, invoice=None,
               age_days=3):
        ticket = self._add(Ticket(
            customer=contract.customer, ticket_number=number, kind=kind,
            subject=TicketSubject.INVOICE if invoice else TicketSubject.CONTRACT,
            contract=None if invoice else contract, invoice=invoice, title=title, description=description,
            status=status, express_clearing=express, contact_support=kind != TicketKind.OTHER,
            closed_at=utcnow() - timedelta(days=1) if status == TicketStatus.CLOSED else None,
        ))
        ticket.created_at = utcnow() - timedelta(days=age_days)
        for body, internal in comments:
            self._add(TicketComment(customer=contract.customer, ticket=ticket, body=body, internal=internal))
        return ticket

    def invoices(self, customer, prefix, contracts, months=4):
        """One invoice per month with a real PDF, the newest last (and still open)."""
        made = []
        for back in range(months, 0, -1):
            start = self.months_ago(back)
            end = self.months_ago(back - 1) - timedelta(days=1)
            positions = [(f"{c.product.name} ({c.contract_number})", D(c.product.monthly_price)) for c in contracts]
            net = sum((amount for _, amount in positions), D("0"))
            tax = (net * D("0.19")).quantize(D("0.01"))
            invoice = self._add(Invoice(
                customer=customer, invoice_number=f"{prefix}{start:%Y%m}", invoice_date=end + timedelta(days=1),
                period_start=start, period_end=end, net_amount=net, tax_amount=tax, gross_amount=net + tax,
                due_date=end + timedelta(days=15),
                # Older invoices were paid by direct debit; the newest is still open.
                paid_on=end + timedelta(days=11) if back > 1 else None,
            ))
            db.session.flush()
            create_document(
                customer_id=customer.id, doc_type=DocumentType.INVOICE,
                title=f"Rechnung {MONTHS_DE[start.month - 1]} {start.year}",
                title_en=f"Invoice {MONTHS_EN[start.month - 1]} {start.year}",
                filename=f"Rechnung_{invoice.invoice_number}.pdf", mime_type="application/pdf",
                data=files.invoice_pdf(customer, invoice, positions), document_date=invoice.invoice_date,
                invoice=invoice,
            )
            made.append(invoice)
        return made

    def call_records(self, contract, caller, months=(0, 1, 7), per_month=40):
        """Calls of some months; month 7 lies beyond the 180-day retention (R-INV-3/R-JOB-2)."""
        targets = [("+4921155500", "Festnetz national"), ("+4989123400", "Festnetz national"),
                   ("+4917012300", "Mobilfunk"), ("+4315123400", "Ausland Zone 1"), ("+4180012300", "Service")]
        by_month = {}
        for back in months:
            first = self.months_ago(back)
            rows = []
            for n in range(per_month):
                prefix, zone = targets[n % len(targets)]
                started = datetime(first.year, first.month, 1 + n % 27, 8 + n % 10, (n * 7) % 60)
                duration = self.random.randint(12, 1800)
                rate = {"Mobilfunk": D("0.0490"), "Ausland Zone 1": D("0.0290"), "Service": D("0.1400")}.get(
                    zone, D("0.0120"))
                rows.append(self._add(CallRecord(
                    customer=contract.customer, contract=contract, started_at=started, caller=caller,
                    callee=f"{prefix}{n:02d}", duration_seconds=duration, zone=zone,
                    charge=(rate * duration / 60).quantize(D("0.0001")),
                    created_at=datetime(first.year, first.month, 28, 3, 0) if back else utcnow(),
                )))
            by_month[back] = rows
        return by_month

    def evn_documents(self, contract, by_month):
        customer = contract.customer
        db.session.flush()
        for back, records in by_month.items():
            rows = evn.evn_rows(record.id for record in records)
            first = self.months_ago(back)
            period = f"{MONTHS_DE[first.month - 1]} {first.year}"
            period_en = f"{MONTHS_EN[first.month - 1]} {first.year}"
            created = datetime(first.year, first.month, 28, 3, 0) if back else utcnow()
            for doc_type, data, mime, ext in (
                (DocumentType.EVN_PDF, files.evn_pdf(customer, contract, period, rows), "application/pdf", "pdf"),
                (DocumentType.EVN_CSV, files.evn_csv(rows), "text/csv", "csv"),
            ):
                document = create_document(
                    customer_id=customer.id, doc_type=doc_type, title=f"Einzelverbindungsnachweis {period}",
                    title_en=f"Itemised call record {period_en}",
                    filename=f"EVN_{contract.contract_number}_{first:%Y-%m}.{ext}", mime_type=mime, data=data,
                    document_date=first, contract=contract,
                )
                document.created_at = created

    def contract_documents(self, contract, types, order=None):
        titles = {
            DocumentType.SIGNED_ORDER: ("Unterschriebener Auftrag", ["Auftrag über {product}.",
                                                                      "Unterschrieben am {date}."]),
            DocumentType.SIGNED_PORTING_FORM: ("Portierungsformular", ["Portierung der bestehenden Rufnummern.",
                                                                        "Abgebender Anbieter: Telekom."]),
            DocumentType.ORDER_CONFIRMATION: ("Auftragsbestätigung", ["Wir bestätigen Ihren Auftrag über {product}.",
                                                                       "Bereitstellung voraussichtlich in 14 Tagen."]),
            DocumentType.TERMINATION_CONFIRMATION: ("Kündigungsbestätigung", [
                "Wir bestätigen die Kündigung des Vertrags {number}.", "Vertragsende laut Mindestlaufzeit."]),
            DocumentType.SEPA_MANDATE: ("SEPA-Lastschriftmandat", ["Gläubiger-ID DE98ZZZ09999999999.",
                                                                    "Mandatsreferenz {number}."]),
            DocumentType.ADDRESS_PROOF: ("Adressnachweis Standort", ["Nachweis der Standortadresse für die Schaltung."]),
        }
        titles_en = {
            DocumentType.SIGNED_ORDER: "Signed order", DocumentType.SIGNED_PORTING_FORM: "Porting form",
            DocumentType.ORDER_CONFIRMATION: "Order confirmation",
            DocumentType.TERMINATION_CONFIRMATION: "Termination confirmation",
            DocumentType.SEPA_MANDATE: "SEPA direct debit mandate", DocumentType.ADDRESS_PROOF: "Site address proof",
        }
        for doc_type in types:
            title, body = titles[doc_type]
            text = [line.format(product=contract.product.name, number=contract.contract_number,
                                date=f"{contract.start_date:%d.%m.%Y}") for line in body]
            create_document(
                customer_id=contract.customer.id, doc_type=doc_type, title=f"{title} {contract.contract_number}",
                title_en=f"{titles_en[doc_type]} {contract.contract_number}",
                filename=f"{doc_type.value}_{contract.contract_number}.pdf", mime_type="application/pdf",
                data=files.contract_document_pdf(contract.customer, title, text), document_date=contract.start_date,
                contract=contract, order=order,
            )

    def cpe(self, contract, model, serial, mac, order=None, shipments=(ShipmentStatus.DELIVERED,)):
        """A router with its shipments, oldest first (R-SIP-6: the history of all shipments is shown)."""
        device = self._add(Cpe(customer=contract.customer, contract=contract, order=order, model=model,
                               serial_number=serial, mac_address=mac))
        for n, status in enumerate(shipments):
            # Earlier shipments lie further back: a returned device was replaced by the next one.
            shipped = utcnow() - timedelta(days=10 + 14 * (len(shipments) - 1 - n))
            self._add(Shipment(
                customer=contract.customer, cpe=device, carrier="DHL",
                tracking_number=f"00340434{serial[-6:]}{n:02d}", status=status,
                shipped_at=shipped if status is not ShipmentStatus.PREPARED else None,
                delivered_at=shipped + timedelta(days=2) if status in (
                    ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED) else None,
            ))
        return device
