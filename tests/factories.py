"""Test data factories: small, explicit, each call makes fresh rows."""
from __future__ import annotations

import itertools
from datetime import date

from flask import current_app

from app.extensions import db
from app.models import Contract, ContractOption, Customer, EServiceUser, Location, OptionType, Product
from app.models.enums import ContractStatus, OptionFeature, ProductKind, SecondFactor, UserStatus
from app.services.customers import new_hotline_password

_seq = itertools.count(1)


def make_customer(**kw) -> Customer:
    n = next(_seq)
    values = dict(
        customer_number=f"{8000000 + n}", company_name=f"Testfirma {n} GmbH", email=f"firma{n}@example.com",
        main_phone="+49 211 1234567", street="Teststraße 1", zip_code="40210", city="Düsseldorf",
        hotline_password=new_hotline_password(),
    )
    values.update(kw)
    customer = Customer(**values)
    db.session.add(customer)
    db.session.flush()
    return customer


def make_product(kind: ProductKind = ProductKind.SIP_TRUNK, **kw) -> Product:
    n = next(_seq)
    values = dict(code=f"P{n}", name=f"Produkt {n}", kind=kind, monthly_price=10)
    values.update(kw)
    product = Product(**values)
    db.session.add(product)
    db.session.flush()
    return product


def make_option_type(feature: OptionFeature = OptionFeature.NONE, **kw) -> OptionType:
    n = next(_seq)
    values = dict(code=f"O{n}", name=f"Option {n}", feature=feature, monthly_price=5)
    values.update(kw)
    option_type = OptionType(**values)
    db.session.add(option_type)
    db.session.flush()
    return option_type


def make_contract(customer: Customer, product: Product | None = None, **kw) -> Contract:
    n = next(_seq)
    values = dict(
        contract_number=f"V{100000 + n}", customer=customer, product=product or make_product(),
        status=ContractStatus.ACTIVE, start_date=date(2024, 1, 1),
    )
    values.update(kw)
    contract = Contract(**values)
    db.session.add(contract)
    db.session.flush()
    return contract


def make_location(contract: Contract, **kw) -> Location:
    n = next(_seq)
    values = dict(
        customer_id=contract.customer_id, contract=contract, name=f"Standort {n}",
        street="Weg 2", zip_code="40211", city="Düsseldorf",
    )
    values.update(kw)
    location = Location(**values)
    db.session.add(location)
    db.session.flush()
    return location


def make_option(contract: Contract, option_type: OptionType | None = None, **kw) -> ContractOption:
    values = dict(
        customer_id=contract.customer_id, contract=contract, option_type=option_type or make_option_type(),
        quantity=1, start_date=date(2024, 1, 1),
    )
    values.update(kw)
    option = ContractOption(**values)
    db.session.add(option)
    db.session.flush()
    return option


def make_user(role_name: str, customer: Customer | None = None, password: str = "Sicher#Kennwort42", **kw):
    """A user with one role; portal roles need `customer`."""
    n = next(_seq)
    sm = current_app.appbuilder.sm
    values = dict(
        first_name="Test", last_name=f"Nutzer{n}", username=f"user{n}", email=f"user{n}@example.com",
        customer=customer, status=UserStatus.ACTIVE, active=True, second_factor=SecondFactor.NONE,
        roles=[sm.find_role(role_name)],
    )
    values.update(kw)
    user = EServiceUser(**values)
    db.session.add(user)
    db.session.flush()
    sm.reset_password(user.id, password)
    return user
