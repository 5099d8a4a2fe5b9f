"""Customers (tenants), their contact persons and locations (SPEC §1, §11)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, UniqueConstraint, false
from sqlalchemy.orm import deferred, relationship

from .enums import ContactConsent, ContactRole, InvoiceDelivery
from .mixins import CustomerOwnedMixin, EncryptedText, TimestampMixin, str_enum


class Customer(TimestampMixin, Model):
    """A business customer: the tenant every portal query is scoped to."""

    __tablename__ = "customer"

    id = Column(Integer, primary_key=True)
    customer_number = Column(String(7), nullable=False, unique=True)
    company_name = Column(String(200), nullable=False, index=True)
    email = Column(String(254), nullable=False)
    main_phone = Column(String(32))
    street = Column(String(200), nullable=False)
    zip_code = Column(String(10), nullable=False)
    city = Column(String(100), nullable=False)
    address_verified = Column(Boolean, nullable=False, default=False)
    # R-HOME-3: shown on demand, so encrypted (never hashed, never logged). Deferred: read and decrypted
    # only where it is shown or checked, not with every customer a page loads (issue 20).
    hotline_password = deferred(Column(EncryptedText, nullable=False))
    invoice_delivery = Column(
        str_enum(InvoiceDelivery, "invoice_delivery"), nullable=False, default=InvoiceDelivery.PORTAL
    )
    # R-CUS-3: "Information zur Vertragslaufzeit auf der Rechnung (§5 TKTransparenzV)".
    show_term_on_invoice = Column(Boolean, nullable=False, default=False)
    contact_consent = Column(
        str_enum(ContactConsent, "contact_consent"), nullable=False, default=ContactConsent.NONE
    )

    contact_persons = relationship(
        "ContactPerson", back_populates="customer", lazy="select", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.customer_number} {self.company_name}"


class ContactPerson(CustomerOwnedMixin, TimestampMixin, Model):
    """A named person at the customer with a role, e.g. the telecom contact (R-WIZ-6)."""

    __tablename__ = "contact_person"

    id = Column(Integer, primary_key=True)
    role = Column(str_enum(ContactRole, "contact_role"), nullable=False)
    salutation = Column(String(20))
    first_name = Column(String(100), nullable=False)
    last_name = Column(String(100), nullable=False)
    email = Column(String(254))
    phone = Column(String(32))
    mobile = Column(String(32))

    customer = relationship("Customer", back_populates="contact_persons")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def __str__(self) -> str:
        return f"{self.full_name} ({self.role.label})"


class Location(CustomerOwnedMixin, TimestampMixin, Model):
    """A site of a contract; location-bound options and numbers hang off it."""

    __tablename__ = "location"
    __table_args__ = (UniqueConstraint("contract_id", "name", name="uq_location_contract_name"),)

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    name = Column(String(120), nullable=False)
    street = Column(String(200), nullable=False)
    zip_code = Column(String(10), nullable=False)
    city = Column(String(100), nullable=False)
    # Local-area-code numbers need a verified site address, else an address proof (R-WIZ-2).
    address_verified = Column(Boolean, nullable=False, default=False, server_default=false())

    contract = relationship("Contract", back_populates="locations")

    def __str__(self) -> str:
        return f"{self.name}, {self.street}, {self.zip_code} {self.city}"
