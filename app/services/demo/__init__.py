"""Demo data for trying the product: `flask --app run demo seed` and `demo logins`.

The seed is idempotent: a demo customer that already exists (by customer number)
is left alone, as are existing catalog entries and logins, so running it twice
creates and changes nothing. Everything is written in one transaction.
Demo logins have published passwords, so the seed runs in development only.
"""
from __future__ import annotations

import click
from flask import current_app
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy import exists, select

from app.extensions import db
from app.models import Customer, EServiceUser
from app.models.enums import SecondFactor, UserStatus
from app.roles import SMS_PIN_ROLES
from app.services.auth.passwords import hash_password
from app.services.demo.tickets import link_ticket_creators
from app.services.customers import PortalAdminData, build_portal_admin
from app.services.demo import companies
from app.services.demo.builder import DemoBuilder
from app.services.demo.catalog import ensure_catalog
from app.services.demo.logins import DEMO_LOGINS, PENDING_PORTAL_ADMIN
from app.services.staff_roles import choosable_by_pair, save_role

DEMO_CUSTOMERS = ("9000001", "9000002", "9000003")


class DemoSeedRefused(click.ClickException):
    """The demo data (logins with the passwords of the README) belongs in development only."""


def demo_logins() -> list[dict]:
    """[{role, customer_number, username, password}] of every demo login."""
    return [
        {"role": login.role, "customer_number": login.customer_number, "username": login.username,
         "password": login.password}
        for login in DEMO_LOGINS
    ]


def _ensure_logins(customers: dict[str, Customer], echo) -> int:
    sm = current_app.appbuilder.sm
    made = 0
    for login in DEMO_LOGINS:
        if db.session.scalar(select(exists().where(EServiceUser.username == login.username))):
            continue
        role = sm.find_role(login.role)
        if role is None:
            raise RuntimeError(f"Role {login.role!r} is missing: run `flask --app run roles sync` first.")
        db.session.add(EServiceUser(
            first_name=login.first_name, last_name=login.last_name, username=login.username, email=login.email,
            mobile=login.mobile, customer=customers.get(login.customer_number), roles=[role],
            status=UserStatus.ACTIVE, active=True, password=hash_password(login.password),
            second_factor=SecondFactor.SMS if login.role in SMS_PIN_ROLES or login.customer_number is None
            else SecondFactor.NONE,
        ))
        made += 1
    echo(f"  logins: {made} created, {len(DEMO_LOGINS) - made} already there")
    return made


DEMO_STAFF_ROLE = "Hotline (nur lesen)"
DEMO_STAFF_ROLE_VIEWS = (
    "CustomerView", "ContactPersonView", "ContractView", "ContractOptionView", "LocationView", "OrderView",
    "OrderStepView", "TicketView", "TicketCommentView", "PhoneNumberView", "CpeView", "ShipmentView",
)


def _ensure_composed_role(echo) -> int:
    """A staff role an Admin composed in the back office (R-BO-4): the hotline reads, never writes."""
    if db.session.scalar(select(exists().where(Role.name == DEMO_STAFF_ROLE))):
        return 0
    pairs = [(perm, view) for view in DEMO_STAFF_ROLE_VIEWS for perm in ("can_list", "can_show")]
    save_role(current_app.appbuilder, Role(), DEMO_STAFF_ROLE, choosable_by_pair(pairs))
    echo(f"  staff role {DEMO_STAFF_ROLE}: composed in the back office, read-only")
    return 1


def _ensure_pending_portal_admin(customers: dict[str, Customer], echo) -> int:
    """Nordsee's Portal Admin, entered as the back office does: no password, activation email queued (R-AUTH-4)."""
    login = PENDING_PORTAL_ADMIN
    customer = customers.get(login.customer_number)
    if customer is None or db.session.scalar(select(exists().where(EServiceUser.username == login.username))):
        return 0
    build_portal_admin(customer, PortalAdminData(
        first_name=login.first_name, last_name=login.last_name, email=login.email, mobile=login.mobile,
        username=login.username,
    ))
    echo(f"  {login.username}: Portal Admin awaiting activation (set-password link in the outbox)")
    return 1


def seed_demo(only_if_empty: bool = False, echo=print) -> bool:
    """Load the demo data; return True when anything was written.

    Refused (DemoSeedRefused, nothing written) outside ESERVICE_ENV=development:
    the demo logins' passwords are public.
    """
    if not current_app.config.get("DEVELOPMENT"):
        raise DemoSeedRefused(
            "The demo data is for development only (its logins have published passwords); "
            f"ESERVICE_ENV is {current_app.config.get('ENV_NAME')!r}. Set ESERVICE_ENV=development to load it."
        )
    if only_if_empty and db.session.scalar(select(exists().where(Customer.id.isnot(None)))):
        echo("Demo data: the database already holds customers, nothing loaded.")
        return False
    try:
        existing = {c.customer_number: c for c in db.session.scalars(
            select(Customer).where(Customer.customer_number.in_(DEMO_CUSTOMERS)))}
        echo("Loading demo data …")
        products, option_types = ensure_catalog()
        builder = DemoBuilder(products, option_types)
        wrote = False
        for number, build in zip(DEMO_CUSTOMERS, (companies.rheinland, companies.alpenblick, companies.nordsee)):
            if number in existing:
                echo(f"  customer {number}: already there")
                continue
            result = build(builder)
            customer = result[0] if isinstance(result, tuple) else result
            db.session.flush()
            existing[number] = customer
            echo(f"  customer {number}: {customer.company_name}")
            wrote = True
        wrote = bool(_ensure_logins(existing, echo)) or wrote
        wrote = bool(_ensure_pending_portal_admin(existing, echo)) or wrote
        wrote = bool(_ensure_composed_role(echo)) or wrote
        wrote = bool(link_ticket_creators(existing)) or wrote  # staff replies email them (R-TIC-5)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    echo("Demo data ready." if wrote else "Demo data was already complete.")
    return wrote
