"""Product catalog: products and the option types bookable for them."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Boolean, CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Table, Text
from sqlalchemy.orm import relationship

from .bilingual import Localized
from .enums import OptionFeature, ProductKind
from .mixins import TimestampMixin, str_enum

product_option_type = Table(
    "product_option_type",
    Model.metadata,
    Column("product_id", Integer, ForeignKey("product.id", ondelete="CASCADE"), primary_key=True),
    Column("option_type_id", Integer, ForeignKey("option_type.id", ondelete="CASCADE"), primary_key=True),
)


class Product(TimestampMixin, Model):
    """A sellable product, e.g. SIP-Trunk, cloud.phone, DSL."""

    __tablename__ = "product"

    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    name_en = Column(String(120))
    kind = Column(str_enum(ProductKind, "product_kind"), nullable=False, index=True)
    description = Column(Text)
    description_en = Column(Text)
    monthly_price = Column(Numeric(10, 2), nullable=False, default=0)
    setup_price = Column(Numeric(10, 2), nullable=False, default=0)
    default_minimum_term_months = Column(Integer, nullable=False, default=24)
    active = Column(Boolean, nullable=False, default=True)

    option_types = relationship(
        "OptionType", secondary=product_option_type, back_populates="products", lazy="select"
    )

    # What customers read, in the page's language (German when no English text is filled in).
    display_name = Localized("name")
    display_description = Localized("description")

    def __str__(self) -> str:
        return self.display_name


class OptionType(TimestampMixin, Model):
    """A bookable option with its prices and rules (R-WIZ-4, R-WIZ-5, R-SIP-7)."""

    __tablename__ = "option_type"
    __table_args__ = (
        CheckConstraint("min_quantity >= 0", name="ck_option_type_min_quantity"),
        CheckConstraint("max_quantity >= min_quantity", name="ck_option_type_max_quantity"),
        CheckConstraint("minimum_term_months >= 0", name="ck_option_type_minimum_term"),
    )

    id = Column(Integer, primary_key=True)
    code = Column(String(40), nullable=False, unique=True)
    name = Column(String(120), nullable=False)
    name_en = Column(String(120))
    description = Column(Text)
    description_en = Column(Text)
    monthly_price = Column(Numeric(10, 2), nullable=False, default=0)
    one_time_price = Column(Numeric(10, 2), nullable=False, default=0)
    quantity_based = Column(Boolean, nullable=False, default=False)
    min_quantity = Column(Integer, nullable=False, default=1)
    max_quantity = Column(Integer, nullable=False, default=1)
    minimum_term_months = Column(Integer, nullable=False, default=0)
    location_bound = Column(Boolean, nullable=False, default=False)
    feature = Column(str_enum(OptionFeature, "option_feature"), nullable=False, default=OptionFeature.NONE)
    active = Column(Boolean, nullable=False, default=True)

    products = relationship("Product", secondary=product_option_type, back_populates="option_types")

    display_name = Localized("name")
    display_description = Localized("description")

    def __str__(self) -> str:
        return self.display_name
