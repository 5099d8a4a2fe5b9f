"""Audit trail of security-relevant events (sign-in, password, secrets shown)."""
from __future__ import annotations

from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text

from .mixins import utcnow


class AuditLog(Model):
    """One event; `details` never holds a secret (QUALITY S14)."""

    __tablename__ = "audit_log"
    # A company's own entries are read through `app.services.tenancy` (its audit log page); staff and
    # system entries have no customer and are never found there.
    __customer_owned__ = True
    __table_args__ = (Index("ix_audit_log_customer_time", "customer_id", "occurred_at"),)

    id = Column(Integer, primary_key=True)
    occurred_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    username = Column(String(128))
    customer_id = Column(Integer, ForeignKey("customer.id", ondelete="SET NULL"))
    action = Column(String(60), nullable=False, index=True)
    object_type = Column(String(60))
    object_id = Column(String(40))
    client_ip = Column(String(45))
    details = Column(Text)

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action}"
