"""Drafts of the option-order wizard and the files uploaded into them (R-WIZ-7, R-DOC-2).

A draft is what a user has entered so far for one contract: kept on the server,
owned by the user and the contract's customer, so going back and forth keeps it
(R-WIZ-7) and a client cannot forge it. Nothing in it changes a contract until
the order is submitted; an abandoned draft expires and the cleanup job deletes it
with its uploads.
"""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import JSON, BigInteger, Column, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import relationship

from .enums import DocumentType
from .mixins import CustomerOwnedMixin, TimestampMixin, str_enum


class OrderDraft(CustomerOwnedMixin, TimestampMixin, Model):
    """What one user has chosen so far for one contract; consumed by the submit."""

    __tablename__ = "order_draft"
    __table_args__ = (Index("ix_order_draft_customer_user", "customer_id", "user_id"),)

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    # Random, unique; becomes the order's submission_key so one draft gives at most one order (R3).
    token = Column(String(64), nullable=False, unique=True)
    # Numbers to add and remove, option quantities: see app/services/option_order/drafts.py.
    data = Column(JSON, nullable=False, default=dict)
    expires_at = Column(DateTime, nullable=False, index=True)

    contract = relationship("Contract")
    uploads = relationship("DraftUpload", back_populates="draft", order_by="DraftUpload.id",
                           cascade="all, delete-orphan")


class DraftUpload(CustomerOwnedMixin, TimestampMixin, Model):
    """A file uploaded in the wizard (address proof, porting form), stored under a server-made key.

    On submit its file becomes a contract document (the key moves to the Document row);
    with an expired draft it is deleted.
    """

    __tablename__ = "order_draft_upload"

    id = Column(Integer, primary_key=True)
    draft_id = Column(Integer, ForeignKey("order_draft.id", ondelete="CASCADE"), nullable=False, index=True)
    doc_type = Column(str_enum(DocumentType, "document_type"), nullable=False)
    filename = Column(String(200), nullable=False)
    storage_key = Column(String(200), nullable=False, unique=True)
    mime_type = Column(String(100), nullable=False)
    size_bytes = Column(BigInteger, nullable=False)
    sha256 = Column(String(64), nullable=False)

    draft = relationship("OrderDraft", back_populates="uploads")

    def __str__(self) -> str:
        return self.filename
