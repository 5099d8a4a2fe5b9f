"""The three demo customers, each built with `DemoBuilder` (app/services/demo/builder.py).

Rheinland Logistik (SIP trunk with two locations, cloud.phone, DSL, data line), Hotel
Alpenblick (Centrex SIP accounts, voice.smart, cloud.phone, DSL) and Nordsee Software
(SIP trunk, data line; its Portal Admin still awaits activation).
"""
from __future__ import annotations

from datetime import timedelta

from app.models import (
    CallForwarding, DslAccount, SipAccount, TrunkRegistration,
)
from app.models.enums import (
    AreaCodeKind, ContactConsent, ContactRole, ContractStatus, DocumentType, ForwardingKind,
    ForwardingScope, InvoiceDelivery, ItemChange, NumberKind, NumberStatus, OrderKind, OrderStatus,
    RegistrationMode, ShipmentStatus, TicketKind, TicketStatus,
)
from app.models.porting_state import PortingState
from app.services.demo.builder import DemoBuilder


def rheinland(b: DemoBuilder):
    c = b.customer("9000001", "Rheinland Logistik GmbH", "info@rheinland-logistik.example",
                      "+49 211 5550100", "Speditionstraße 15", "40221", "Düsseldorf", "RhLog7731Kx",
                      contact_consent=ContactConsent.EMAIL_AND_PHONE)
    b.contact(c, ContactRole.TELECOM, "Frau", "Sabine", "Krämer", "s.kraemer@rheinland-logistik.example",
                 "+49 211 5550101", "+49 171 55501001")
    b.contact(c, ContactRole.TECHNICAL, "Herr", "Jens", "Großmann", "j.grossmann@rheinland-logistik.example",
                 "+49 211 5550102")
    b.contact(c, ContactRole.ACCOUNTING, "Frau", "Petra", "Schäfer", "buchhaltung@rheinland-logistik.example")
    # Dates on the start page whatever the day (R-HOME): the trunk's notice deadline (4 months before the
    # term end on the 14th, six months ahead) falls 6-10 weeks ahead, the cloud.phone's minimum term
    # (15 months from the 1st, 14 months ago) ends 1-2 months ahead.
    trunk = b.contract(c, "V2100101", "SIPT-BUS", ContractStatus.ACTIVE, 30, start_day=15, notice_period_months=4,
                          sip_password="Trunk#Rhein-4471", sip_proxy="sip.ecotel.example",  # nosec B106  # demo data (README)
                          registration_mode=RegistrationMode.LOAD_SHARING)
    hq = b.location(trunk, "Zentrale Düsseldorf", "Speditionstraße 15", "40221", "Düsseldorf")
    depot = b.location(trunk, "Lager Neuss", "Hafenstraße 3", "41460", "Neuss")
    channels = b.option(trunk, "VOICE-CH", quantity=8)
    b.option(trunk, "FAILOVER")
    b.option(trunk, "PERMANENT")  # issue 14: the trunk offers every self-care action
    b.option(trunk, "MULTIREG")
    b.option(trunk, "PAPER")
    express = b.option(trunk, "EXPRESS", location=hq)
    b.option(trunk, "ROUTER", location=hq)
    b.option(trunk, "ROUTER", location=depot, start_months_ago=6)
    b.option(trunk, "DSL-ACCESS", location=depot, start_months_ago=6)
    block = b.number(trunk, hq, "211", "555010", NumberKind.BLOCK, ext=("0", "99"), ported=True)
    b.number(trunk, depot, "2131", "77880", NumberKind.BLOCK, ext=("00", "49"))
    single = b.number(trunk, hq, "32", "221234567", area_kind=AreaCodeKind.NATIONWIDE_032)
    b.number(trunk, depot, "2131", "778899", status=NumberStatus.PORTING, ported=True)
    b._add(CallForwarding(customer=c, contract=trunk, kind=ForwardingKind.FAILOVER,
                             scope=ForwardingScope.BLOCK, phone_number=block, target="+4917155501001"))
    b._add(CallForwarding(customer=c, contract=trunk, kind=ForwardingKind.PERMANENT,
                             scope=ForwardingScope.EXTENSION, phone_number=block, extension="20",
                             target="+492115550199"))
    b._add(CallForwarding(customer=c, contract=trunk, kind=ForwardingKind.FAILOVER,
                             scope=ForwardingScope.SINGLE, phone_number=single, target="+4921155501000"))
    for position, ip in enumerate(("203.0.113.10", "203.0.113.11"), start=1):
        b._add(TrunkRegistration(customer=c, contract=trunk, ip_address=ip, position=position))
    b._add(DslAccount(customer=c, contract=trunk, username="rheinland-neuss@dsl.ecotel.example",
                      password="Dsl#Neuss-5520"))  # nosec B106  # demo data

    cloud = b.contract(c, "V2100102", "CLOUD-PHONE", ContractStatus.ACTIVE, 14, minimum_term_months=15)
    b.option(cloud, "EXTENSION", quantity=25)
    b.number(cloud, None, "211", "555020", NumberKind.BLOCK, ext=("10", "59"))

    dsl = b.contract(c, "V2100103", "DSL-250", ContractStatus.ACTIVE_PENDING, 0, start_day=1)
    dsl_site = b.location(dsl, "Büro Köln", "Domstraße 20", "50668", "Köln")
    b.option(dsl, "ROUTER", location=dsl_site)
    b._add(DslAccount(customer=c, contract=dsl, username="rheinland-koeln@dsl.ecotel.example",
                         password="Dsl#Koeln-8812"))  # nosec B106  # demo data

    line = b.contract(c, "V2100104", "DATA-100", ContractStatus.BLOCKED, 20)
    line_site = b.location(line, "Rechenzentrum Ratingen", "Kaiserswerther Straße 60", "40878", "Ratingen")
    b.option(line, "DATA-BW", quantity=2, location=line_site)
    b.option(line, "EXPRESS", location=line_site)

    new_order = b.order(trunk, "A2100001", OrderKind.NEW_PROVISION, OrderStatus.COMPLETED, 900, [
        (ItemChange.ADDED, "ecotel SIP-Trunk business mit 2 Sprachkanälen", None, None, None),
        (ItemChange.ADDED, "Rufnummernblock 0211 555010-0…99 (Portierung)", None, None, None),
    ], steps_done=6)
    b.order(trunk, "A2100002", OrderKind.OPTION_CHANGE, OrderStatus.PROVISIONING, 4, [
        (ItemChange.CHANGED, "Zusätzliche Sprachkanäle", "VOICE-CH", 8, 12),
    ], steps_done=2)
    b.order(trunk, "A2100003", OrderKind.OPTION_CHANGE, OrderStatus.OFFER_CREATED, 1, [
        (ItemChange.ADDED, "Expressentstörung Lager Neuss", "EXPRESS", None, 1),
    ], steps_done=0, note="Angebot auf Wunsch von Frau Krämer")
    # The porting tracker: a single number on its way from Vodafone, its date confirmed.
    ported = b.order(trunk, "A2100006", OrderKind.OPTION_CHANGE, OrderStatus.PROVISIONING, 6, [
        (ItemChange.ADDED, "Portierung einer Einzelrufnummer: +49 211 5550199", None, 0, 1),
    ], steps_done=2)
    b.porting(ported, "+49 211 5550199", "Vodafone", PortingState.DATE_CONFIRMED, confirmed_in_days=14)
    dsl_provision = b.order(dsl, "A2100004", OrderKind.NEW_PROVISION, OrderStatus.PARTIALLY_PROVISIONED, 12, [
        (ItemChange.ADDED, "ecotel DSL business 250 Büro Köln", None, None, None),
        (ItemChange.ADDED, "Business-Router (Miete)", "ROUTER", None, 1),
    ], steps_done=4, failed_step=5,
        step_note="Erste Zustellung gescheitert (Annahme verweigert), Ersatzgerät ist unterwegs.")
    dsl_order = b.order(line, "A2100005", OrderKind.PRODUCT_CHANGE, OrderStatus.CANCELLED, 60, [
        (ItemChange.CHANGED, "Wechsel auf Datenleitung 1 Gbit/s", None, None, None),
    ], steps_done=1, note="Vom Kunden zurückgezogen")
    b.cpe(trunk, "LANCOM 1793VA", "4008234100101", "00:A0:57:11:22:01", order=new_order)
    b.cpe(dsl, "AVM FRITZ!Box 7590 AX", "4008234100102", "3C:A6:2F:11:22:02", order=dsl_provision,
             shipments=(ShipmentStatus.RETURNED, ShipmentStatus.IN_TRANSIT))

    invoices = b.invoices(c, "R21", [trunk, cloud, line])
    b.evn_documents(trunk, b.call_records(trunk, "+49211555010"))
    b.contract_documents(trunk, [DocumentType.SIGNED_ORDER, DocumentType.SIGNED_PORTING_FORM,
                                    DocumentType.ORDER_CONFIRMATION, DocumentType.SEPA_MANDATE], order=new_order)
    b.contract_documents(dsl, [DocumentType.ADDRESS_PROOF, DocumentType.ORDER_CONFIRMATION])
    b.contract_documents(line, [DocumentType.ORDER_CONFIRMATION], order=dsl_order)

    b.ticket(trunk, "T2100001", TicketKind.FAULT, TicketStatus.IN_PROGRESS, "Einseitige Sprachverbindung",
                "Seit heute Morgen hören uns Anrufer im Lager Neuss nicht.", [
                    ("Wir haben die Störung aufgenommen und prüfen die Registrierung.", False),
                    ("Trace angefordert, RTP kommt nicht an.", True),
                ], express=True, age_days=0)
    b.ticket(trunk, "T2100002", TicketKind.CLAIM, TicketStatus.CLOSED, "Gutschrift Ausfall März",
                "Bitte um Gutschrift für den Ausfall am 12.03.", [
                    ("Die Gutschrift erscheint auf der nächsten Rechnung.", False),
                ], invoice=invoices[-1], age_days=40)
    b.ticket(line, "T2100003", TicketKind.OTHER, TicketStatus.WAITING_FOR_CUSTOMER, "Entsperrung Datenleitung",
                "Warum ist unsere Datenleitung gesperrt?", [
                    ("Bitte wenden Sie sich an unsere Buchhaltung, es liegt eine offene Forderung vor.", False),
                ], age_days=2)
    return c, express, channels

def alpenblick(b: DemoBuilder):
    c = b.customer("9000002", "Hotel Alpenblick KG", "rezeption@hotel-alpenblick.example",
                      "+49 8821 555200", "Zugspitzstraße 8", "82467", "Garmisch-Partenkirchen", "AlpBl5520Qm",
                      invoice_delivery=InvoiceDelivery.PORTAL_AND_POST, contact_consent=ContactConsent.PHONE,
                      # Not verified yet: new local numbers need an address proof upload (R-WIZ-2).
                      address_verified=False)
    b.contact(c, ContactRole.PORTAL_ADMIN, "Herr", "Florian", "Huber", "f.huber@hotel-alpenblick.example",
                 mobile="+49 151 55502001")
    b.contact(c, ContactRole.COMMERCIAL, "Frau", "Resi", "Alpenrainer", "geschaeftsfuehrung@hotel-alpenblick.example")
    centrex = b.contract(c, "V2200201", "SIPA-CTX", ContractStatus.ACTIVE, 26)
    hotel = b.location(centrex, "Hotel", "Zugspitzstraße 8", "82467", "Garmisch-Partenkirchen")
    for n, label in enumerate(("Rezeption", "Restaurant", "Spa", "Büro", "Hausmeister"), start=1):
        b._add(SipAccount(customer=c, contract=centrex, username=f"alpenblick-{n:02d}@sip.ecotel.example",
                             label=label))
    b.option(centrex, "PERMANENT")
    reception = b.number(centrex, hotel, "8821", "555200", ported=True)
    b.number(centrex, hotel, "8821", "555201")
    b._add(CallForwarding(customer=c, contract=centrex, kind=ForwardingKind.PERMANENT,
                             scope=ForwardingScope.SINGLE, phone_number=reception, target="+4915155502001"))

    smart = b.contract(c, "V2200202", "VOICE-SMART", ContractStatus.INACTIVE_PENDING, 30,
                          terminated_on=b.today - timedelta(days=20))
    chalet = b.location(smart, "Chalet Riessersee", "Riesserseestraße 2", "82467", "Garmisch-Partenkirchen")
    b.option(smart, "VOICE-CH", quantity=2)
    b.option(smart, "EXPRESS", location=chalet)
    b.number(smart, chalet, "8821", "555300", status=NumberStatus.REMOVAL_ORDERED)

    cloud = b.contract(c, "V2200203", "CLOUD-PHONE", ContractStatus.INACTIVE, 40,
                          terminated_on=b.today - timedelta(days=120))
    b.option(cloud, "EXTENSION", quantity=5)
    b.number(cloud, None, "8821", "555400", status=NumberStatus.REMOVED)

    dsl = b.contract(c, "V2200204", "DSL-250", ContractStatus.ACTIVE, 18)
    dsl_site = b.location(dsl, "Hotel", "Zugspitzstraße 8", "82467", "Garmisch-Partenkirchen")
    b.option(dsl, "ROUTER", location=dsl_site)
    b._add(DslAccount(customer=c, contract=dsl, username="alpenblick@dsl.ecotel.example",
                         password="Dsl#Alpen-5520"))  # nosec B106  # demo data

    b.order(centrex, "A2200001", OrderKind.NEW_PROVISION, OrderStatus.PROVISIONED, 800, [
        (ItemChange.ADDED, "5 SIP-Accounts Centrex", None, None, None),
    ], steps_done=5)
    # Terminations are no offers: entered after the written notice, then worked off (R-ORD-3).
    b.order(smart, "A2200002", OrderKind.TERMINATION, OrderStatus.PROVISIONING, 20, [
        (ItemChange.REDUCED, "Kündigung voice.smart Chalet", None, None, None),
    ], steps_done=2, note="Schriftliche Kündigung vom Kunden eingegangen")
    b.order(cloud, "A2200004", OrderKind.TERMINATION, OrderStatus.COMPLETED, 150, [
        (ItemChange.REDUCED, "Kündigung cloud.phone", None, None, None),
    ], steps_done=6, note="Schriftliche Kündigung vom Kunden eingegangen")
    b.order(centrex, "A2200003", OrderKind.OPTION_CHANGE, OrderStatus.OFFER_CREATED, 2, [
        (ItemChange.ADDED, "Failover-Rufumleitung", "FAILOVER", None, 1),
    ], steps_done=0)
    # The first router came back defective; its replacement was delivered.
    b.cpe(dsl, "AVM FRITZ!Box 7530", "4008234200201", "3C:A6:2F:22:33:01",
             shipments=(ShipmentStatus.RETURNED, ShipmentStatus.DELIVERED))

    invoices = b.invoices(c, "R22", [centrex, smart, dsl], months=3)
    b.evn_documents(centrex, b.call_records(centrex, "+498821555200", months=(0, 8), per_month=25))
    b.contract_documents(smart, [DocumentType.TERMINATION_CONFIRMATION])
    b.contract_documents(centrex, [DocumentType.SIGNED_ORDER, DocumentType.SEPA_MANDATE])
    b.ticket(centrex, "T2200001", TicketKind.COMPLAINT, TicketStatus.OPEN, "Rechnung doppelt per Post",
                "Wir haben die Rechnung Mai zweimal per Post erhalten.", [], invoice=invoices[-1], age_days=1)
    b.ticket(centrex, "T2200002", TicketKind.COMMISSIONING_FAULT, TicketStatus.CLOSED,
                "Spa-Telefon registriert sich nicht", "Das Telefon im Spa zeigt 'Keine Registrierung'.", [
                    ("Zugangsdaten neu gesetzt, Telefon registriert.", False),
                ], age_days=90)
    return c

def nordsee(b: DemoBuilder):
    c = b.customer("9000003", "Nordsee Software AG", "it@nordsee-software.example", "+49 40 5550300",
                      "Am Sandtorkai 50", "20457", "Hamburg", "NoSo3310Zt", show_term_on_invoice=False,
                      contact_consent=ContactConsent.EMAIL)
    b.contact(c, ContactRole.TELECOM, "Herr", "Ole", "Petersen", "o.petersen@nordsee-software.example")
    b.contact(c, ContactRole.OTHER, "Frau", "Jana", "Thiele", "empfang@nordsee-software.example",
                 phone="+49 40 5550301")
    trunk = b.contract(c, "V2300301", "SIPT-BUS", ContractStatus.ACTIVE, 10,
                          sip_password="Trunk#Nord-3310", sip_proxy="sip.ecotel.example",  # nosec B106  # demo data (README)
                          registration_mode=RegistrationMode.REDUNDANT)
    office = b.location(trunk, "Büro Hafencity", "Am Sandtorkai 50", "20457", "Hamburg")
    b.option(trunk, "VOICE-CH", quantity=30)
    b.number(trunk, office, "40", "555030", NumberKind.BLOCK, ext=("000", "999"))
    b.number(trunk, office, "32", "229876543", NumberKind.BLOCK, area_kind=AreaCodeKind.NATIONWIDE_032, ext=("0", "9"))
    b.number(trunk, office, "40", "555031", status=NumberStatus.PENDING)
    b._add(TrunkRegistration(customer=c, contract=trunk, ip_address="198.51.100.20", position=1))
    line = b.contract(c, "V2300302", "DATA-100", ContractStatus.ACTIVE, 5)
    b.location(line, "Büro Hafencity", "Am Sandtorkai 50", "20457", "Hamburg")
    first = b.order(trunk, "A2300001", OrderKind.NEW_PROVISION, OrderStatus.COMPLETED, 300, [
        (ItemChange.ADDED, "ecotel SIP-Trunk business", None, None, None),
    ], steps_done=6)
    change = b.order(line, "A2300002", OrderKind.PRODUCT_CHANGE, OrderStatus.OFFER_ACCEPTED, 3, [
        (ItemChange.CHANGED, "Wechsel auf Datenleitung 1 Gbit/s", None, None, None),
    ], steps_done=1, note="Angebot von Herrn Petersen angenommen")
    b.cpe(trunk, "LANCOM 1790VA", "4008234300301", "00:A0:57:33:44:01", order=first,
             shipments=(ShipmentStatus.SHIPPED,))
    b.cpe(line, "LANCOM 1926VAG", "4008234300302", "00:A0:57:33:44:02", order=change,
             shipments=(ShipmentStatus.PREPARED,))
    b.invoices(c, "R23", [trunk, line], months=2)
    b.ticket(trunk, "T2300001", TicketKind.FAULT, TicketStatus.CLOSED, "Rauschen auf der Leitung",
                "Bei ausgehenden Gesprächen Rauschen.", [("Codec-Einstellung angepasst.", False)], age_days=20)
    return c
