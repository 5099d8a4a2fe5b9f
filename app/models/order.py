"""Orders and offers, their items and work steps (SPEC §4, R-WIZ-6)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text,
    UniqueConstraint, text,
)
from sqlalchemy.orm import relationship

from .bilingual import Localized
from .enums import ItemChange, NumberOrderKind, OrderKind, OrderStatus, StepStatus
from .porting_state import PortingState
from .mixins import CustomerOwnedMixin, TimestampMixin, str_enum


class Order(CustomerOwnedMixin, TimestampMixin, Model):
    """An order or offer (an offer is an order in status offer_created)."""

    __tablename__ = "customer_order"  # "order" is an SQL keyword
    __table_args__ = (Index("ix_customer_order_customer_created", "customer_id", "created_at"),)

    id = Column(Integer, primary_key=True)
    order_number = Column(String(20), nullable=False, unique=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    kind = Column(str_enum(OrderKind, "order_kind"), nullable=False)
    status = Column(str_enum(OrderStatus, "order_status"), nullable=False, index=True)
    offer_valid_until = Column(Date)
    accepted_at = Column(DateTime)
    completed_at = Column(DateTime)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    # Idempotency key of the submit that created it (R3: one order per submit).
    submission_key = Column(String(64), unique=True)
    note = Column(Text)

    contract = relationship("Contract")
    created_by = relationship("EServiceUser")
    items = relationship(
        "OrderItem", back_populates="order", cascade="all, delete-orphan", order_by="OrderItem.id"
    )
    steps = relationship(
        "OrderStep", back_populates="order", cascade="all, delete-orphan", order_by="OrderStep.position"
    )

    def __str__(self) -> str:
        return self.order_number


class OrderItem(CustomerOwnedMixin, TimestampMixin, Model):
    """One change of an order: added, changed or reduced (R-WIZ-6)."""

    __tablename__ = "order_item"
    __table_args__ = (
        CheckConstraint("quantity_before >= 0 AND quantity_after >= 0", name="ck_order_item_quantities"),
        # The back office's porting list, newest first, without walking every order item (issue 20).
        Index("ix_order_item_porting_id", "id", sqlite_where=text("porting_state IS NOT NULL"),
              postgresql_where=text("porting_state IS NOT NULL")),
    )

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("customer_order.id", ondelete="CASCADE"), nullable=False, index=True)
    change = Column(str_enum(ItemChange, "item_change"), nullable=False)
    description = Column(String(250), nullable=False)
    option_type_id = Column(Integer, ForeignKey("option_type.id"), index=True)
    contract_option_id = Column(Integer, ForeignKey("contract_option.id", ondelete="SET NULL"), index=True)
    location_id = Column(Integer, ForeignKey("location.id", ondelete="SET NULL"), index=True)
    phone_number_id = Column(Integer, ForeignKey("phone_number.id", ondelete="SET NULL"), index=True)
    number_order_kind = Column(str_enum(NumberOrderKind, "number_order_kind"))
    number_count = Column(Integer)
    quantity_before = Column(Integer, nullable=False, default=0)
    quantity_after = Column(Integer, nullable=False, default=0)
    monthly_price = Column(Numeric(10, 2), nullable=False, default=0)
    one_time_price = Column(Numeric(10, 2), nullable=False, default=0)
    effective_date = Column(Date)
    # A porting item (R-WIZ-2): the losing carrier, the numbers as entered and checked, the owner.
    porting_carrier = Column(String(100))
    porting_numbers = Column(String(100))
    porting_owner = Column(String(120))
    # The porting tracker (app/services/porting.py): one state per porting item, because the losing
    # carrier answers a porting request as a whole (one number, or one block with its extension range,
    # gets one date or one rejection). Empty for items that port nothing.
    porting_state = Column(str_enum(PortingState, "porting_state"), index=True)
    porting_confirmed_date = Column(Date)
    porting_reason = Column(String(500))
    porting_changed_at = Column(DateTime)
    # Upload that came with the item (address proof, porting form; R-WIZ-2).
    document_id = Column(Integer, ForeignKey("document.id", ondelete="SET NULL"), index=True)

    order = relationship("Order", back_populates="items")
    option_type = relationship("OptionType")
    contract_option = relationship("ContractOption")
    location = relationship("Location")
    phone_number = relationship("PhoneNumber")
    document = relationship("Document", foreign_keys=[document_id])

    def __str__(self) -> str:
        return self.description


class OrderStep(CustomerOwnedMixin, TimestampMixin, Model):
    """A work step of an order ("Statusdetails"), shown as a timeline (R-ORD-1)."""

    __tablename__ = "order_step"
    __table_args__ = (UniqueConstraint("order_id", "position", name="uq_order_step_position"),)

    id = Column(Integer, primary_key=True)
    order_id = Column(Integer, ForeignKey("customer_order.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    name = Column(String(200), nullable=False)
    name_en = Column(String(200))
    status = Column(str_enum(StepStatus, "step_status"), nullable=False, default=StepStatus.PENDING)
    completed_at = Column(DateTime)
    note = Column(Text)

    order = relationship("Order", back_populates="steps")

    display_name = Localized("name")

    def __str__(self) -> str:
        return self.display_name
