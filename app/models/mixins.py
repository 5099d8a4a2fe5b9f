"""Column helpers shared by the models: timestamps, tenant ownership, encryption."""
from __future__ import annotations

import enum
from datetime import datetime, timezone

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from sqlalchemy import Column, DateTime, Enum, ForeignKey, Integer, Text
from sqlalchemy.ext.declarative import declared_attr
from sqlalchemy.orm import relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Naive UTC timestamp, the one time base of every stored datetime."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    """`created_at` / `updated_at`, set by the database session."""

    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)


class CustomerOwnedMixin:
    """Marks a table as owned by one customer (tenant).

    Every such table carries a NOT NULL, indexed `customer_id` (QUALITY S3);
    portal queries are scoped on it in one place (`app/services/tenancy.py`).
    A model with a composite index that starts with `customer_id` sets
    `__customer_id_index__ = False`: a second, single-column index would only be one more
    to update per written row (tests/security/test_tenant_columns.py checks one exists).
    """

    __customer_owned__ = True
    __customer_id_index__ = True

    @declared_attr
    def customer_id(cls):  # noqa: N805 - SQLAlchemy declared_attr signature
        return Column(
            Integer,
            ForeignKey("customer.id", ondelete="CASCADE"),
            nullable=False,
            index=cls.__customer_id_index__,
        )

    @declared_attr
    def customer(cls):  # noqa: N805
        return relationship("Customer", lazy="select")


def str_enum(enum_cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR + CHECK, values stored (not member names)."""
    return Enum(
        enum_cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=max(len(m.value) for m in enum_cls) + 8,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class EncryptedText(TypeDecorator):
    """Text encrypted at rest with Fernet (key: `ENCRYPTION_KEY`).

    For secrets that must be shown again (hotline, SIP and DSL passwords);
    login passwords are hashed instead, never stored with this type.
    """

    impl = Text
    cache_ok = True

    @staticmethod
    def _fernet() -> Fernet:
        return Fernet(current_app.config["ENCRYPTION_KEY"].encode())

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return self._fernet().encrypt(value.encode("utf-8")).decode("ascii")

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        try:
            return self._fernet().decrypt(value.encode("ascii")).decode("utf-8")
        except InvalidToken:
            # A wrong key must never leak ciphertext or crash a page.
            current_app.logger.error("Could not decrypt a stored secret (wrong ENCRYPTION_KEY?)")
            return None
