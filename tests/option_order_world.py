"""A customer ready for the option-order wizard, and a second one to check isolation against."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

from app.extensions import db
from app.models import ContactPerson, PhoneNumber
from app.models.enums import (
    AreaCodeKind, ContactRole, ContractStatus, NumberKind, NumberStatus, OptionFeature, ProductKind,
)
from app.security.roles import PORTAL_ADMIN
from tests.factories import (
    make_contract, make_customer, make_location, make_option, make_option_type, make_product, make_user,
)

PDF = b"%PDF-1.4\n% Anbieterwechselformular\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32


def pdf(name: str = "formular.pdf"):
    return io.BytesIO(PDF), name


@dataclass
class World:
    customer: object
    user: object
    trunk: object
    location: object
    verified_location: object
    channels: object        # booked 8 voice channels, minimum term over
    router: object          # booked router, minimum term running
    legacy: object          # booked option the product no longer offers
    channel_type: object
    failover_type: object
    numbers: list


def _number(contract, subscriber: str, **kw) -> PhoneNumber:
    values = dict(customer_id=contract.customer_id, contract=contract, kind=NumberKind.SINGLE,
                  area_code_kind=AreaCodeKind.LOCAL, area_code="211", subscriber_number=subscriber,
                  status=NumberStatus.ACTIVE)
    values.update(kw)
    number = PhoneNumber(**values)
    db.session.add(number)
    db.session.flush()
    return number


def build(today: date | None = None, telecom_contact: bool = True, prefix: str = "5") -> World:
    """One customer with a SIP trunk: two numbers, a site unverified and one verified, three booked options."""
    today = today or date.today()
    customer = make_customer()
    user = make_user(PORTAL_ADMIN, customer=customer, email=f"admin{customer.id}@example.com")
    if telecom_contact:
        db.session.add(ContactPerson(customer_id=customer.id, role=ContactRole.TELECOM, first_name="Tina",
                                     last_name="Technik", email=f"tk{customer.id}@example.com"))
    channel_type = make_option_type(OptionFeature.VOICE_CHANNELS, name="Sprachkanal", quantity_based=True,
                                    min_quantity=1, max_quantity=240, monthly_price=4.90, minimum_term_months=12)
    failover_type = make_option_type(OptionFeature.FAILOVER_FORWARDING, name="Failover", monthly_price=2.50,
                                     one_time_price=10, minimum_term_months=1)
    router_type = make_option_type(OptionFeature.ROUTER, name="Router", monthly_price=7.90,
                                   minimum_term_months=24)
    legacy_type = make_option_type(OptionFeature.NONE, name="Altoption", monthly_price=1)
    product = make_product(ProductKind.SIP_TRUNK, monthly_price=29.90)
    product.option_types = [channel_type, failover_type, router_type]
    trunk = make_contract(customer, product, status=ContractStatus.ACTIVE)
    location = make_location(trunk, name="Zentrale")
    verified = make_location(trunk, name="Lager", address_verified=True)
    channels = make_option(trunk, channel_type, quantity=8, monthly_price=4.90,
                           start_date=today - relativedelta(months=30), minimum_term_months=12)
    router = make_option(trunk, router_type, quantity=1, monthly_price=7.90,
                         start_date=today - relativedelta(months=2), minimum_term_months=24)
    legacy = make_option(trunk, legacy_type, quantity=1, monthly_price=1, start_date=today - relativedelta(years=3))
    numbers = [_number(trunk, f"{prefix}{customer.id:05d}1"), _number(trunk, f"{prefix}{customer.id:05d}2")]
    db.session.commit()
    return World(customer, user, trunk, location, verified, channels, router, legacy, channel_type, failover_type,
                 numbers)


def porting(**kw) -> dict:
    values = dict(carrier="Telekom", owner="Rheinland Logistik GmbH", number="0211 5550123",
                  desired_date=(date.today() + relativedelta(days=30)).isoformat())
    values.update(kw)
    return values
