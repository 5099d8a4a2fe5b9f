"""Invoices, stored documents and itemised call records (SPEC §9, §10)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Column, Date, DateTime, ForeignKey, Index, Integer,
    Numeric, String,
)
from sqlalchemy.orm import relationship

from .bilingual import Localized
from .enums import DocumentType, InvoiceState
from .mixins import CustomerOwnedMixin, TimestampMixin, str_enum


class Invoice(CustomerOwnedMixin, TimestampMixin, Model):
    """An invoice; its PDF is a Document of type invoice."""

    __tablename__ = "invoice"
    __table_args__ = (Index("ix_invoice_customer_date", "customer_id", "invoice_date"),)

    id = Column(Integer, primary_key=True)
    invoice_number = Column(String(20), nullable=False, unique=True)
    invoice_date = Column(Date, nullable=False)
    period_start = Column(Date, nullable=False)
    period_end = Column(Date, nullable=False)
    net_amount = Column(Numeric(12, 2), nullable=False)
    tax_amount = Column(Numeric(12, 2), nullable=False)
    gross_amount = Column(Numeric(12, 2), nullable=False)
    due_date = Column(Date, nullable=False)
    # Set by the back office when the payment has arrived; the portal derives the state from it.
    paid_on = Column(Date)

    def state(self, today):
        """Paid, open (not yet due) or overdue on `today`."""
        if self.paid_on is not None:
            return InvoiceState.PAID
        return InvoiceState.OVERDUE if today > self.due_date else InvoiceState.OPEN

    def __str__(self) -> str:
        return self.invoice_number


class Document(CustomerOwnedMixin, TimestampMixin, Model):
    """A stored file: invoice PDF, EVN, contract document or wizard upload.

    The file lives under DOCUMENT_STORAGE_DIR at `storage_key`, a server-made
    name; `filename` is only what the download offers (QUALITY S12).
    """

    __tablename__ = "document"
    __table_args__ = (
        CheckConstraint("size_bytes >= 0", name="ck_document_size"),
        Index("ix_document_customer_type_created", "customer_id", "doc_type", "created_at"),
    )

    id = Column(Integer, primary_key=True)
    doc_type = Column(str_enum(DocumentType, "document_type"), nullable=False, index=True)
    title = Column(String(200), nullable=False)
    # The English title of a generated document (invoice, call record, confirmation).
    title_en = Column(String(200))
    filename = Column(String(200), nullable=False)
    storage_key = Column(String(200), nullable=False, unique=True)
    mime_type = Column(String(100), nullable=False)
    size_bytes = Column(BigInteger, nullable=False)
    sha256 = Column(String(64), nullable=False)
    document_date = Column(Date, nullable=False)
    # Visible in the portal ("freigegebene Dokumente", R-DOC-1).
    released = Column(Boolean, nullable=False, default=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    order_id = Column(Integer, ForeignKey("customer_order.id", ondelete="SET NULL"), index=True)
    invoice_id = Column(Integer, ForeignKey("invoice.id", ondelete="CASCADE"), index=True)

    contract = relationship("Contract")
    order = relationship("Order", foreign_keys=[order_id])
    invoice = relationship("Invoice")

    display_title = Localized("title")

    def __str__(self) -> str:
        return self.display_title


class CallRecord(CustomerOwnedMixin, Model):
    """One itemised call (EVN); deleted 180 days after creation (R-INV-3)."""

    __tablename__ = "call_record"
    __customer_id_index__ = False  # served by ix_call_record_customer_started (P7: one index less per deleted row)
    __table_args__ = (
        Index("ix_call_record_customer_started", "customer_id", "started_at"),
        CheckConstraint("duration_seconds >= 0", name="ck_call_record_duration"),
    )

    id = Column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    started_at = Column(DateTime, nullable=False)
    caller = Column(String(20), nullable=False)
    callee = Column(String(20), nullable=False)
    duration_seconds = Column(Integer, nullable=False)
    zone = Column(String(40), nullable=False)
    charge = Column(Numeric(10, 4), nullable=False)
    created_at = Column(DateTime, nullable=False, index=True)

    contract = relationship("Contract")

    def __str__(self) -> str:
        return f"{self.started_at:%Y-%m-%d %H:%M} {self.callee}"
