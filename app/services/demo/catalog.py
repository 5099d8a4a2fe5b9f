"""The demo product catalog: one product per product kind, with bookable options."""
from __future__ import annotations

from decimal import Decimal as D

from sqlalchemy import select

from app.extensions import db
from app.models import OptionType, Product
from app.models.enums import OptionFeature as F
from app.models.enums import ProductKind as K

# code, name, kind, monthly price, setup price, minimum term (months), description
# (German, the text of record; the English texts follow in ENGLISH below)
PRODUCTS = [
    ("SIPT-BUS", "ecotel SIP-Trunk business", K.SIP_TRUNK, D("29.90"), D("99.00"), 24,
     "SIP-Trunk für Telefonanlagen, inkl. 2 Sprachkanälen"),
    ("SIPA-CTX", "ecotel SIP-Account Centrex", K.SIP_ACCOUNT, D("9.90"), D("0.00"), 24,
     "Einzelne SIP-Accounts für Endgeräte, Centrex-Funktionen"),
    ("CLOUD-PHONE", "cloud.phone", K.CLOUD_PHONE, D("6.90"), D("0.00"), 12,
     "Telefonanlage aus der Cloud, Preis je Nebenstelle"),
    ("VOICE-SMART", "voice.smart", K.VOICE_SMART, D("19.90"), D("49.00"), 24,
     "Anschluss mit Rufnummern und Sprachkanälen für kleine Standorte"),
    ("DATA-100", "ecotel Datenleitung 100 Mbit/s", K.DATA_LINE, D("249.00"), D("499.00"), 36,
     "Symmetrische Standortvernetzung mit SLA"),
    ("DSL-250", "ecotel DSL business 250", K.DSL, D("59.90"), D("69.00"), 24,
     "VDSL 250/40 Mbit/s mit fester IP-Adresse"),
]

# code, name, feature, monthly, one-time, quantity-based, min, max, term, location-bound, products
OPTION_TYPES = [
    ("VOICE-CH", "Zusätzlicher Sprachkanal", F.VOICE_CHANNELS, D("4.90"), D("0.00"), True, 1, 240, 12, False,
     ("SIPT-BUS", "VOICE-SMART")),
    ("EXPRESS", "Expressentstörung", F.EXPRESS_FAULT_CLEARING, D("19.90"), D("0.00"), False, None, None, 12, True,
     ("SIPT-BUS", "VOICE-SMART", "DATA-100", "DSL-250")),
    ("FAILOVER", "Failover-Rufumleitung", F.FAILOVER_FORWARDING, D("2.50"), D("0.00"), False, None, None, 1, False,
     ("SIPT-BUS", "SIPA-CTX")),
    ("PERMANENT", "Permanente Rufumleitung", F.PERMANENT_FORWARDING, D("2.50"), D("0.00"), False, None, None, 1,
     False, ("SIPT-BUS", "SIPA-CTX", "VOICE-SMART")),
    ("MULTIREG", "Mehrfachregistrierung", F.MULTI_REGISTRATION, D("5.00"), D("0.00"), False, None, None, 12, False,
     ("SIPT-BUS",)),
    ("ROUTER", "Business-Router (Miete)", F.ROUTER, D("7.90"), D("49.00"), False, None, None, 24, True,
     ("SIPT-BUS", "VOICE-SMART", "DSL-250")),
    ("DSL-ACCESS", "DSL-Zugang für Sprachdienste", F.DSL_ACCESS, D("39.90"), D("69.00"), False, None, None, 24, True,
     ("SIPT-BUS", "VOICE-SMART")),
    ("DATA-BW", "Bandbreitenerhöhung 100 Mbit/s", F.DATA_LINE, D("99.00"), D("199.00"), True, 1, 9, 12, True,
     ("DATA-100",)),
    ("PAPER", "Rechnungsversand per Post", F.PAPER_INVOICE, D("1.90"), D("0.00"), False, None, None, 1, False,
     ("SIPT-BUS", "SIPA-CTX", "CLOUD-PHONE", "VOICE-SMART", "DATA-100", "DSL-250")),
    ("EXTENSION", "Zusätzliche Nebenstelle", F.NONE, D("6.90"), D("0.00"), True, 1, 500, 12, False,
     ("CLOUD-PHONE",)),
]


# code -> (English name, English description); options have no description, so None.
ENGLISH = {
    "SIPT-BUS": ("ecotel SIP trunk business", "SIP trunk for PBXs, including 2 voice channels"),
    "SIPA-CTX": ("ecotel SIP account Centrex", "Single SIP accounts for phones, with Centrex features"),
    "CLOUD-PHONE": ("cloud.phone", "PBX from the cloud, price per extension"),
    "VOICE-SMART": ("voice.smart", "Line with phone numbers and voice channels for small sites"),
    "DATA-100": ("ecotel data line 100 Mbit/s", "Symmetric site networking with SLA"),
    "DSL-250": ("ecotel DSL business 250", "VDSL 250/40 Mbit/s with a fixed IP address"),
    "VOICE-CH": ("Additional voice channel", None),
    "EXPRESS": ("Express fault clearing", None),
    "FAILOVER": ("Failover call forwarding", None),
    "PERMANENT": ("Permanent call forwarding", None),
    "MULTIREG": ("Multiple registration", None),
    "ROUTER": ("Business router (rental)", None),
    "DSL-ACCESS": ("DSL access for voice services", None),
    "DATA-BW": ("Bandwidth increase 100 Mbit/s", None),
    "PAPER": ("Invoice by post", None),
    "EXTENSION": ("Additional extension", None),
}


def ensure_catalog() -> tuple[dict[str, Product], dict[str, OptionType]]:
    """Products and option types by code; existing rows (same code) are kept as they are."""
    products = {p.code: p for p in db.session.scalars(select(Product).where(
        Product.code.in_([row[0] for row in PRODUCTS])))}
    for code, name, kind, monthly, setup, term, description in PRODUCTS:
        if code not in products:
            products[code] = Product(code=code, name=name, kind=kind, monthly_price=monthly, setup_price=setup,
                                     default_minimum_term_months=term, description=description, active=True,
                                     name_en=ENGLISH[code][0], description_en=ENGLISH[code][1])
            db.session.add(products[code])
    options = {o.code: o for o in db.session.scalars(select(OptionType).where(
        OptionType.code.in_([row[0] for row in OPTION_TYPES])))}
    for (code, name, feature, monthly, one_time, qty, qmin, qmax, term, bound, product_codes) in OPTION_TYPES:
        if code in options:
            continue
        option = OptionType(code=code, name=name, name_en=ENGLISH[code][0], feature=feature, monthly_price=monthly, one_time_price=one_time,
                            quantity_based=qty, min_quantity=qmin or 1, max_quantity=qmax or 1, minimum_term_months=term,
                            location_bound=bound, active=True)
        option.products = [products[c] for c in product_codes]
        options[code] = option
        db.session.add(option)
    db.session.flush()
    return products, options
