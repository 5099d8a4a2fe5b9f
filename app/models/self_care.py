"""Self-care changes sent to the network systems, with their state (SPEC §6, R-SIP-1..5).

Each change a customer makes on the contract page (SIP or DSL password, forwardings,
registration IPs) is recorded first as *pending*, then *applied* (the database then holds
the new settings) or *failed* (the previous settings stay in force, the change can be
retried). The database and the network therefore never disagree silently.
"""
from __future__ import annotations

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, Column, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from .mixins import CustomerOwnedMixin, EncryptedText, TimestampMixin

CHANGE_KINDS = ("sip_password", "failover", "permanent", "trunk_ips", "dsl_password")
CHANGE_STATES = ("pending", "applied", "failed")
KIND_LABELS = {
    "sip_password": _l("SIP password"),
    "failover": _l("Failover forwarding (ecotel@once)"),
    "permanent": _l("Permanent call forwarding"),
    "trunk_ips": _l("SIP trunk multi-registration"),
    "dsl_password": _l("DSL password"),
}
STATE_LABELS = {"pending": _l("Pending"), "applied": _l("Applied"), "failed": _l("Failed")}


class ProvisioningChange(CustomerOwnedMixin, TimestampMixin, Model):
    """One self-care change of a contract and what the network made of it."""

    __tablename__ = "provisioning_change"
    __table_args__ = (
        CheckConstraint("kind IN ('sip_password', 'failover', 'permanent', 'trunk_ips', 'dsl_password')",
                        name="ck_provisioning_change_kind"),
        CheckConstraint("state IN ('pending', 'applied', 'failed')", name="ck_provisioning_change_state"),
        CheckConstraint("(open_slot IS NULL) OR (open_slot = 1 AND state = 'pending')",
                        name="ck_provisioning_change_open_slot"),
        # One change of a kind at a time per contract: two clicks at once give one change (QUALITY R3).
        UniqueConstraint("contract_id", "kind", "open_slot", name="uq_provisioning_change_open"),
        Index("ix_provisioning_change_contract_kind", "contract_id", "kind", "id"),
    )

    id = Column(Integer, primary_key=True)
    contract_id = Column(Integer, ForeignKey("contract.id", ondelete="CASCADE"), nullable=False, index=True)
    kind = Column(String(20), nullable=False)
    state = Column(String(10), nullable=False, default="pending")
    # 1 while pending, NULL after: the unique constraint above allows one open change per kind.
    open_slot = Column(Integer)
    # The form's one-time token: the same submit sent twice is one change (QUALITY R3).
    token = Column(String(64), unique=True)
    # The new settings (never a secret): forwardings, IP addresses and mode, the DSL account id.
    payload = Column(JSON, nullable=False, default=dict)
    # A new password until it is applied and shown once; then cleared.
    secret = Column(EncryptedText)
    old_summary = Column(Text)
    new_summary = Column(Text)
    error = Column(String(200))
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="SET NULL"), index=True)
    username = Column(String(128))
    attempts = Column(Integer, nullable=False, default=1)
    finished_at = Column(DateTime)

    contract = relationship("Contract")

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.kind, self.kind))

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS.get(self.state, self.state))

    def __str__(self) -> str:
        return f"{self.kind_label} #{self.id} ({self.state_label})"
