"""Creating customers with their Portal Admin account (R-AUTH-4, R-BO-2)."""
from __future__ import annotations

import re
import secrets
import string
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.extensions import db
from app.models import Customer, EServiceUser
from app.models.enums import SecondFactor, UserStatus
from app.roles import PORTAL_ADMIN
from app.services.account_rules import username_errors
from app.services.auth import links
from app.services.auth.usernames import taken_message, username_taken
from app.services.errors import Invalid

_HOTLINE_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lI")
CUSTOMER_NUMBER_RE = re.compile(r"^[0-9]{7}$")


def new_hotline_password(length: int = 12) -> str:
    """R-HOME-3: the initial customer password, a random value."""
    return "".join(secrets.choice(_HOTLINE_ALPHABET) for _ in range(length))


def default_username(customer_number: str) -> str:
    """R-AUTH-4: `customer` + customer number when none is chosen."""
    return f"customer{customer_number}"


def next_customer_number() -> str:
    """The next free 7-digit customer number, starting at 9000000."""
    highest = db.session.scalar(select(func.max(Customer.customer_number)))
    return str(int(highest) + 1) if highest else "9000000"


def normalise_email(value: str) -> str:
    """Syntax-check an email address (no DNS lookup); raise Invalid with a clear message."""
    try:
        return validate_email(value or "", check_deliverability=False).normalized
    except EmailNotValidError:
        raise Invalid(_l("Please enter a valid email address.")) from None


@dataclass
class PortalAdminData:
    """The person named as Administrator Kundenportal when the customer is entered."""

    first_name: str
    last_name: str
    email: str
    mobile: str | None = None
    username: str | None = None


def _portal_admin_role():
    from flask import current_app

    role = current_app.appbuilder.sm.find_role(PORTAL_ADMIN)
    if role is None:
        raise RuntimeError("Role 'Portal Admin' is missing: run `flask --app run roles sync`.")
    return role


def build_portal_admin(customer: Customer, data: PortalAdminData) -> EServiceUser:
    """Validate and add (not commit) the Portal Admin account of `customer`.

    The account has no password yet: it is set through the one-time link of
    the activation email (R-AUTH-4). Raises Invalid listing every broken rule.
    """
    errors: list[str] = []
    username = (data.username or "").strip() or default_username(customer.customer_number)
    errors += username_errors(username)
    if not (data.first_name or "").strip() or not (data.last_name or "").strip():
        errors.append(str(_l("Please enter the first and last name of the portal administrator.")))
    try:
        email = normalise_email(data.email)
    except Invalid as exc:
        errors += exc.messages
        email = data.email
    if not errors:
        if username_taken(username):
            errors.append(taken_message(username))
        if db.session.scalar(select(EServiceUser.id).where(func.lower(EServiceUser.email) == email.lower())):
            errors.append(str(_l("An account with this email address already exists.")))
    if errors:
        raise Invalid(*errors)
    user = EServiceUser(
        first_name=data.first_name.strip(),
        last_name=data.last_name.strip(),
        username=username,
        email=email,
        mobile=(data.mobile or "").strip() or None,
        customer=customer,
        status=UserStatus.ACTIVE,
        active=True,
        second_factor=SecondFactor.SMS,
        roles=[_portal_admin_role()],
    )
    db.session.add(user)
    # R-AUTH-4: the activation email with a 24 h set-password link, in the same transaction.
    links.queue_activation(user)
    return user


def validate_customer(customer: Customer) -> list[str]:
    """Every rule the customer's master data breaks, as translated messages."""
    errors: list[str] = []
    if not CUSTOMER_NUMBER_RE.match(customer.customer_number or ""):
        errors.append(str(_l("The customer number must have exactly 7 digits.")))
    elif db.session.scalar(
        select(Customer.id).where(
            Customer.customer_number == customer.customer_number, Customer.id != (customer.id or 0)
        )
    ):
        errors.append(str(_l("The customer number %(number)s is already taken.", number=customer.customer_number)))
    for field, message in (
        ("company_name", _l("Please enter the company name.")),
        ("street", _l("Please enter the street.")),
        ("zip_code", _l("Please enter the postcode.")),
        ("city", _l("Please enter the city.")),
    ):
        if not (getattr(customer, field) or "").strip():
            errors.append(str(message))
    try:
        customer.email = normalise_email(customer.email)
    except Invalid as exc:
        errors += exc.messages
    return errors


def create_customer(customer: Customer, admin: PortalAdminData) -> tuple[Customer, EServiceUser]:
    """Create a customer and its Portal Admin account in one transaction (R-AUTH-4)."""
    if not customer.customer_number:
        customer.customer_number = next_customer_number()
    if not customer.hotline_password:
        customer.hotline_password = new_hotline_password()
    errors = validate_customer(customer)
    try:
        with db.session.no_autoflush:
            user = build_portal_admin(customer, admin) if not errors else None
    except Invalid as exc:
        errors += exc.messages
    if errors:
        db.session.rollback()
        raise Invalid(*errors)
    db.session.add(customer)
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return customer, user
