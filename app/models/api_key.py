"""Personal API keys (issue 19): FAB's hashed `ab_api_key` plus the company, scope and rate window."""
from __future__ import annotations

from flask_appbuilder import Model
from flask_appbuilder.security.sqla.models import ApiKey
from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String
from sqlalchemy.orm import relationship


class ApiKeyGrant(Model):
    """What one of FAB's API keys may reach: its company and scope; its fixed rate-limit window.

    The secret itself lives only as FAB's slow hash and lookup hash in `ab_api_key`.
    `window_start`/`window_count` count the requests of the current minute in the
    database, so the limit holds across workers.
    """

    __tablename__ = "api_key_grant"
    __customer_owned__ = True  # listed and revoked through app/services/tenancy.py like every tenant row

    id = Column(Integer, primary_key=True)
    api_key_id = Column(Integer, ForeignKey("ab_api_key.id", ondelete="CASCADE"), nullable=False, unique=True)
    customer_id = Column(Integer, ForeignKey("customer.id", ondelete="CASCADE"), nullable=False, index=True)
    scope = Column(String(16), nullable=False, default="read")
    window_start = Column(BigInteger, nullable=False, default=0)
    window_count = Column(Integer, nullable=False, default=0)

    api_key = relationship(ApiKey, lazy="joined")
