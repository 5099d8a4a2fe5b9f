"""Phone numbers, SIP accounts, forwardings, trunk registrations, DSL and CPE (SPEC §6)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, CheckConstraint, Column, DateTime, ForeignKey, Integer, String, UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .enums import (
    AreaCodeKind, ForwardingKind, ForwardingScope, NumberKind, NumberStatus, ShipmentStatus,
)
from .mixins import CustomerOwnedMixin, EncryptedText, TimestampMixin, str_enum


class PhoneNumber(CustomerOwnedMixin, TimestampMixin, Model):
    """A single number or a number block with its extension range."""

    __tablename__ = "phone_number"
    __table_args__ = (
        UniqueConstraint("country_code", "area_code", "subscriber_number", name="uq_phone_number"),
        CheckConstraint(
            "(kind = 'single') OR (extension_from IS NOT NULL AND extension_to IS NOT NULL)",
            name="ck_phone_number_block_range",
        ),
        CheckConstraint(
            "(kind = 'block') OR (extension_from IS NULL AND extension_to IS NULL)",
            name="ck_phone_number_single_no_range",
        ),
    )

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    location_id = Column(Integer, ForeignKey("location.id", ondelete="SET NULL"), index=True)
    kind = Column(str_enum(NumberKind, "number_kind"), nullable=False)
    area_code_kind = Column(str_enum(AreaCodeKind, "area_code_kind"), nullable=False)
    country_code = Column(String(4), nullable=False, default="49")
    area_code = Column(String(6), nullable=False)
    subscriber_number = Column(String(12), nullable=False)
    extension_from = Column(String(6))
    extension_to = Column(String(6))
    ported = Column(Boolean, nullable=False, default=False)
    status = Column(str_enum(NumberStatus, "number_status"), nullable=False, default=NumberStatus.ACTIVE)

    contract = relationship("Contract")
    location = relationship("Location")

    @property
    def e164(self) -> str:
        return f"+{self.country_code}{self.area_code}{self.subscriber_number}"

    def __str__(self) -> str:
        base = f"+{self.country_code} {self.area_code} {self.subscriber_number}"
        if self.kind is NumberKind.BLOCK:
            return f"{base}-{self.extension_from}…{self.extension_to}"
        return base


class SipAccount(CustomerOwnedMixin, TimestampMixin, Model):
    """One SIP account (trunk or Centrex seat); the password lives on the contract."""

    __tablename__ = "sip_account"

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    username = Column(String(80), nullable=False, unique=True)
    label = Column(String(120))

    contract = relationship("Contract")

    def __str__(self) -> str:
        return self.username


class CallForwarding(CustomerOwnedMixin, TimestampMixin, Model):
    """Failover (ecotel@once) or permanent forwarding to a full E.164 target (R-SIP-2/3)."""

    __tablename__ = "call_forwarding"
    __table_args__ = (
        CheckConstraint(
            "(scope <> 'extension') OR (extension IS NOT NULL)", name="ck_call_forwarding_extension"
        ),
        CheckConstraint(
            "(scope = 'extension') OR (extension IS NULL)", name="ck_call_forwarding_extension_scope"
        ),
        # Stored as E.164 ("+492111234567"); app/services/telephony.py normalises (R-SIP-2).
        CheckConstraint("target LIKE '+%' AND target NOT LIKE '% %'", name="ck_call_forwarding_target_e164"),
    )

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(str_enum(ForwardingKind, "forwarding_kind"), nullable=False)
    scope = Column(str_enum(ForwardingScope, "forwarding_scope"), nullable=False)
    phone_number_id = Column(Integer, ForeignKey("phone_number.id", ondelete="CASCADE"), index=True)
    extension = Column(String(6))
    target = Column(String(20), nullable=False)

    contract = relationship("Contract")
    phone_number = relationship("PhoneNumber")

    def __str__(self) -> str:
        return f"{self.kind.label}: → {self.target}"


class TrunkRegistration(CustomerOwnedMixin, TimestampMixin, Model):
    """An IP address allowed to register a SIP trunk (R-SIP-4); mode is on the contract."""

    __tablename__ = "trunk_registration"
    __table_args__ = (
        UniqueConstraint("contract_id", "ip_address", name="uq_trunk_registration_ip"),
        CheckConstraint("position >= 1", name="ck_trunk_registration_position"),
    )

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    ip_address = Column(String(45), nullable=False)
    position = Column(Integer, nullable=False, default=1)

    contract = relationship("Contract")

    def __str__(self) -> str:
        return self.ip_address


class DslAccount(CustomerOwnedMixin, TimestampMixin, Model):
    """Internet access account of a DSL contract; password encrypted (R-SIP-5)."""

    __tablename__ = "dsl_account"

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    username = Column(String(80), nullable=False, unique=True)
    password = Column(EncryptedText, nullable=False)

    contract = relationship("Contract")

    def __str__(self) -> str:
        return self.username


class Cpe(CustomerOwnedMixin, TimestampMixin, Model):
    """Customer premises equipment (router) delivered for an order (R-SIP-6)."""

    __tablename__ = "cpe"

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    order_id = Column(Integer, ForeignKey("customer_order.id", ondelete="SET NULL"), index=True)
    model = Column(String(120), nullable=False)
    serial_number = Column(String(64), nullable=False, unique=True)
    mac_address = Column(String(17))

    contract = relationship("Contract")
    order = relationship("Order")
    shipments = relationship("Shipment", back_populates="cpe", order_by="Shipment.id")

    def __str__(self) -> str:
        return f"{self.model} ({self.serial_number})"


class Shipment(CustomerOwnedMixin, TimestampMixin, Model):
    """One shipment of a CPE; the history of an order's shipments is shown (R-SIP-6)."""

    __tablename__ = "shipment"

    id = Column(Integer, primary_key=True)
    cpe_id = Column(Integer, ForeignKey("cpe.id", ondelete="CASCADE"), nullable=False, index=True)
    carrier = Column(String(60), nullable=False)
    tracking_number = Column(String(60), nullable=False)
    status = Column(str_enum(ShipmentStatus, "shipment_status"), nullable=False)
    shipped_at = Column(DateTime)
    delivered_at = Column(DateTime)

    cpe = relationship("Cpe", back_populates="shipments")

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"
