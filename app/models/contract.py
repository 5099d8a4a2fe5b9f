"""Contracts and the options booked on them (SPEC §5)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import relationship

from .enums import ContractStatus, RegistrationMode
from .mixins import CustomerOwnedMixin, EncryptedText, TimestampMixin, str_enum


class Contract(CustomerOwnedMixin, TimestampMixin, Model):
    """A customer's contract for one product, with its terms (R-CON-1, R-CON-2)."""

    __tablename__ = "contract"
    __table_args__ = (
        CheckConstraint("minimum_term_months >= 0", name="ck_contract_minimum_term"),
        CheckConstraint("notice_period_months >= 0", name="ck_contract_notice_period"),
        CheckConstraint("renewal_period_months >= 0", name="ck_contract_renewal_period"),
        Index("ix_contract_customer_status", "customer_id", "status"),
    )

    id = Column(Integer, primary_key=True)
    contract_number = Column(String(20), nullable=False, unique=True)
    product_id = Column(Integer, ForeignKey("product.id"), nullable=False, index=True)
    status = Column(str_enum(ContractStatus, "contract_status"), nullable=False, index=True)
    start_date = Column(Date)
    minimum_term_months = Column(Integer, nullable=False, default=24)
    notice_period_months = Column(Integer, nullable=False, default=3)
    # 0 = after the minimum term the contract runs on and may end any month.
    renewal_period_months = Column(Integer, nullable=False, default=12)
    terminated_on = Column(Date)
    # SIP: one password for all SIP accounts of the contract (R-CON-3), encrypted.
    sip_password = Column(EncryptedText)
    sip_proxy = Column(String(120))
    registration_mode = Column(str_enum(RegistrationMode, "registration_mode"))

    product = relationship("Product", lazy="joined", innerjoin=True)
    locations = relationship(
        "Location", back_populates="contract", cascade="all, delete-orphan", order_by="Location.name"
    )
    options = relationship(
        "ContractOption", back_populates="contract", cascade="all, delete-orphan",
        order_by="ContractOption.id",
    )

    @property
    def allows_changes(self) -> bool:
        """R-CON-5: only Aktiv allows self-care changes."""
        return self.status is ContractStatus.ACTIVE

    def __str__(self) -> str:
        return self.contract_number


class ContractOption(CustomerOwnedMixin, TimestampMixin, Model):
    """An option booked on a contract, location-bound or not, with its own term."""

    __tablename__ = "contract_option"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="ck_contract_option_quantity"),
        Index("ix_contract_option_contract_type", "contract_id", "option_type_id"),
    )

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    option_type_id = Column(Integer, ForeignKey("option_type.id"), nullable=False, index=True)
    location_id = Column(Integer, ForeignKey("location.id", ondelete="CASCADE"), index=True)
    quantity = Column(Integer, nullable=False, default=1)
    monthly_price = Column(Numeric(10, 2), nullable=False, default=0)
    one_time_price = Column(Numeric(10, 2), nullable=False, default=0)
    start_date = Column(Date, nullable=False)
    minimum_term_months = Column(Integer, nullable=False, default=0)
    end_date = Column(Date)

    contract = relationship("Contract", back_populates="options")
    option_type = relationship("OptionType", lazy="joined", innerjoin=True)
    location = relationship("Location")

    def __str__(self) -> str:
        return f"{self.option_type.display_name} × {self.quantity}"
