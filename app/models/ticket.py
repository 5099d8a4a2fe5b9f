"""Support tickets and their comment thread (SPEC §8)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import (
    BigInteger, Boolean, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import relationship

from .enums import TicketKind, TicketStatus, TicketSubject
from .mixins import CustomerOwnedMixin, TimestampMixin, str_enum


class Ticket(CustomerOwnedMixin, TimestampMixin, Model):
    """A support ticket about a contract (optionally one option) or an invoice."""

    __tablename__ = "ticket"
    __table_args__ = (
        CheckConstraint(
            "(subject = 'contract' AND contract_id IS NOT NULL AND invoice_id IS NULL)"
            " OR (subject = 'invoice' AND invoice_id IS NOT NULL AND contract_id IS NULL"
            " AND contract_option_id IS NULL)",
            name="ck_ticket_subject",
        ),
        Index("ix_ticket_customer_status", "customer_id", "status"),
        # The back office lists tickets oldest first (issue 20: no sort of every ticket per page).
        Index("ix_ticket_created_at", "created_at", "id"),
        UniqueConstraint("submission_key", name="uq_ticket_submission_key"),
    )

    id = Column(Integer, primary_key=True)
    ticket_number = Column(String(20), nullable=False, unique=True)
    kind = Column(str_enum(TicketKind, "ticket_kind"), nullable=False)
    subject = Column(str_enum(TicketSubject, "ticket_subject"), nullable=False)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="SET NULL"), index=True)
    contract_option_id = Column(Integer, ForeignKey("contract_option.id", ondelete="SET NULL"), index=True)
    invoice_id = Column(Integer, ForeignKey("invoice.id", ondelete="SET NULL"), index=True)
    title = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    status = Column(str_enum(TicketStatus, "ticket_status"), nullable=False, default=TicketStatus.OPEN)
    # R-TIC-4: flag in the column "Kontaktieren Sie Support".
    contact_support = Column(Boolean, nullable=False, default=False)
    # R-TIC-3: one-time paid express fault clearing requested with the ticket.
    express_clearing = Column(Boolean, nullable=False, default=False)
    contact_person_id = Column(Integer, ForeignKey("contact_person.id", ondelete="SET NULL"), index=True)
    created_by_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    closed_at = Column(DateTime, index=True)
    # The back-office staff member working the ticket.
    assignee_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    # One portal submission, one ticket (QUALITY R3): the form's single-use token.
    submission_key = Column(String(64))
    # R-TIC-3: the order of the express fault clearing booked with the ticket.
    order_id = Column(Integer, ForeignKey("customer_order.id", ondelete="SET NULL"), index=True)

    contract = relationship("Contract")
    contract_option = relationship("ContractOption")
    invoice = relationship("Invoice")
    contact_person = relationship("ContactPerson")
    created_by = relationship("EServiceUser", foreign_keys=[created_by_id])
    assignee = relationship("EServiceUser", foreign_keys=[assignee_id])
    order = relationship("Order", foreign_keys=[order_id])
    comments = relationship(
        "TicketComment", back_populates="ticket", cascade="all, delete-orphan",
        order_by="TicketComment.created_at",
    )

    def __str__(self) -> str:
        return f"{self.ticket_number} {self.title}"


class TicketComment(CustomerOwnedMixin, TimestampMixin, Model):
    """A reply on a ticket; internal notes are hidden from the portal."""

    __tablename__ = "ticket_comment"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False, index=True)
    author_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"))
    body = Column(Text, nullable=False)
    internal = Column(Boolean, nullable=False, default=False)

    ticket = relationship("Ticket", back_populates="comments")
    author = relationship("EServiceUser")
    attachments = relationship("TicketAttachment", back_populates="comment", order_by="TicketAttachment.id")

    def __str__(self) -> str:
        return self.body[:60]


class TicketAttachment(CustomerOwnedMixin, TimestampMixin, Model):
    """A file sent with a ticket or one of its replies (PDF, JPEG, PNG or a text log; QUALITY S12).

    Stored under a server-made key like every document; `filename` is only what the
    download offers. An attachment of an internal note is as internal as the note.
    """

    __tablename__ = "ticket_attachment"

    id = Column(Integer, primary_key=True)
    ticket_id = Column(Integer, ForeignKey("ticket.id", ondelete="CASCADE"), nullable=False, index=True)
    comment_id = Column(Integer, ForeignKey("ticket_comment.id", ondelete="CASCADE"), index=True)
    filename = Column(String(200), nullable=False)
    storage_key = Column(String(200), nullable=False, unique=True)
    mime_type = Column(String(100), nullable=False)
    size_bytes = Column(BigInteger, nullable=False)
    sha256 = Column(String(64), nullable=False)

    ticket = relationship("Ticket")
    comment = relationship("TicketComment", back_populates="attachments")

    def __str__(self) -> str:
        return self.filename
