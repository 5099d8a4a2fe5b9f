"""Every email and SMS goes through this table first (R-JOB-3, QUALITY R1)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Text

from .enums import Channel, OutboxStatus
from .mixins import EncryptedText, str_enum, utcnow


class OutboxMessage(Model):
    """A message waiting for, or done with, delivery.

    The body may carry a PIN or a link, so it is encrypted at rest and shown
    nowhere in the back office when `sensitive` is set (QUALITY S14).
    """

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id = Column(Integer, primary_key=True)
    channel = Column(str_enum(Channel, "channel"), nullable=False)
    recipient = Column(String(254), nullable=False)
    subject = Column(String(200), nullable=False)
    body = Column(EncryptedText, nullable=False)
    sensitive = Column(Boolean, nullable=False, default=False)
    locale = Column(String(5), nullable=False, default="de")
    customer_id = Column(Integer, ForeignKey("customer.id", ondelete="SET NULL"), index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    status = Column(str_enum(OutboxStatus, "outbox_status"), nullable=False, default=OutboxStatus.QUEUED)
    attempts = Column(Integer, nullable=False, default=0)
    last_error = Column(Text)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime)

    def __str__(self) -> str:
        return f"{self.channel.value} → {self.recipient}: {self.subject}"
