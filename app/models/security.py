"""Accounts: the extended user, one-time links, SMS PIN challenges, sign-in failures."""
from __future__ import annotations

import unicodedata

from flask_appbuilder.security.sqla.models import User
from sqlalchemy import BigInteger, Column, DateTime, ForeignKey, Index, Integer, String, event
from sqlalchemy.orm import deferred, relationship

from .enums import SecondFactor, TokenPurpose, UserStatus
from .mixins import EncryptedText, str_enum, utcnow
from flask_appbuilder import Model


USERNAME_KEY_LENGTH = 400  # case folding can lengthen a name (ß → ss), up to 3 × its 128 characters


def username_key(username: str | None) -> str:
    """The form usernames are compared and kept unique in (R-AUTH-1): NFC, Unicode case folding, NFC.

    `lower()` in SQLite only folds ASCII, so `ÖZGÜR` and `özgür` looked different there;
    `casefold()` also joins `STRASSE` and `straße`.
    """
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", username or "").casefold())


class EServiceUser(User):
    """FAB's user plus the portal's fields (R-AUTH-7..10, R-USR-2/3).

    `customer_id` is NULL for the carrier's own staff; portal users belong to
    exactly one customer. `session_version` ends every session of the user
    when bumped (logout, password change, lock; QUALITY S8).
    """

    __tablename__ = "ab_user"
    # A portal account belongs to the company it was made for, for good (app/services/integrity.py):
    # moved to another customer it would see that customer's data.
    __customer_fixed__ = True
    # Portal accounts are the company's own (R-USR-1..3): `app.services.tenancy` scopes them like any
    # customer-owned row (staff accounts have no customer and are never found through it).
    __customer_owned__ = True

    customer_id = Column(Integer, ForeignKey("customer.id", ondelete="CASCADE"), index=True)
    phone = Column(String(32))
    mobile = Column(String(32))
    status = Column(str_enum(UserStatus, "user_status"), nullable=False, default=UserStatus.ACTIVE)
    second_factor = Column(str_enum(SecondFactor, "second_factor"), nullable=False, default=SecondFactor.NONE)
    # Deferred: decrypted at sign-in and on the app page only, not with every request's user (issue 20).
    totp_secret = deferred(Column(EncryptedText))
    session_version = Column(Integer, nullable=False, default=1)
    locale = Column(String(5))
    locked_until = Column(DateTime)
    # The newest authenticator time step that signed in: a code of that step or an older one is
    # refused, set by a compare-and-set so two parallel posts of one code cannot both win (S4, R3).
    totp_last_timecode = Column(BigInteger)
    # username_key(username), kept in step by `_keep_username_key` on every path that sets a
    # username (profile, back office, customer creation, FAB's own commands); unique (R-AUTH-1).
    username_key = Column(String(USERNAME_KEY_LENGTH), nullable=False, unique=True, index=True)
    # R-AUTH-10: when the account was deactivated (its personal data erased then; username released later).
    deactivated_at = Column(DateTime)

    customer = relationship("Customer", foreign_keys=[customer_id])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_portal_user(self) -> bool:
        return self.customer_id is not None

    @property
    def is_active(self) -> bool:
        # FAB checks this on every request: locked/inactive accounts cannot sign in (R-AUTH-10).
        return bool(self.active) and self.status is UserStatus.ACTIVE

    def failed_sign_ins(self) -> int:
        """Failed password and PIN steps of the last day (the counters the lockout reads, S6).

        Shown in the back office instead of FAB's `fail_login_count`: a failed step no longer
        writes to the account row, so that an unknown username costs what a known one does (S7).
        """
        from sqlalchemy import func, select
        from sqlalchemy.orm import object_session

        session = object_session(self)
        if session is None or self.id is None:
            return 0
        return session.scalar(
            select(func.count(AuthFailure.id)).where(AuthFailure.user_id == self.id,
                                                     AuthFailure.step.in_(("password", "pin")))
        ) or 0


@event.listens_for(EServiceUser.username, "set")
def _keep_username_key(target, value, _old, _initiator) -> None:
    """Every assignment of a username (constructor, form, service, FAB) updates its key.

    An attribute event rather than `@validates`: the username column is inherited from
    FAB's `User`, whose instrumentation ignores a validator declared on this subclass.
    """
    target.username_key = username_key(value)


class OneTimeToken(Model):
    """A set-password / reset link: only the SHA-256 of the token is stored (S5)."""

    __tablename__ = "one_time_token"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    purpose = Column(str_enum(TokenPurpose, "token_purpose"), nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False, index=True)
    used_at = Column(DateTime)
    voided_at = Column(DateTime)

    user = relationship("EServiceUser")


class PinChallenge(Model):
    """An SMS PIN bound to one login attempt: hashed, short-lived, single use (S4)."""

    __tablename__ = "pin_challenge"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    attempt_hash = Column(String(64), nullable=False, unique=True)
    pin_hash = Column(String(200), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow, index=True)
    expires_at = Column(DateTime, nullable=False)
    failed_attempts = Column(Integer, nullable=False, default=0)
    used_at = Column(DateTime)
    voided_at = Column(DateTime)

    user = relationship("EServiceUser")


class AuthFailure(Model):
    """One failed sign-in step, counted per account and per client (S6)."""

    __tablename__ = "auth_failure"
    __table_args__ = (
        Index("ix_auth_failure_user_time", "user_id", "occurred_at"),
        Index("ix_auth_failure_ip_time", "client_ip", "occurred_at"),
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"))
    client_ip = Column(String(45), nullable=False)
    step = Column(String(20), nullable=False)  # password | pin | forgot
    occurred_at = Column(DateTime, nullable=False, default=utcnow)


class PasswordResetRequest(Model):
    """A forgot-password request, worked after the response has left (R-AUTH-5, QUALITY S7).

    The request itself only records what was typed, so a known and an unknown username cost
    the same; who the account is, the link and the email follow after the response (or from
    the delivery job, should the server never get to it). A row lives seconds: working it
    deletes it.
    """

    __tablename__ = "password_reset_request"

    id = Column(Integer, primary_key=True)
    username = Column(String(200), nullable=False)
    client_ip = Column(String(45), nullable=False)
    requested_at = Column(DateTime, nullable=False, default=utcnow, index=True)


class UserSession(Model):
    """One signed-in browser session (QUALITY S8): listed on My profile, ended from any worker.

    The cookie carries a random id; only its SHA-256 is the primary key, so each request
    checks its session with one primary-key lookup, and deleting the row ends it everywhere.
    """

    __tablename__ = "user_session"

    id_hash = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    # The user's session_version when it started: a later bump (logout, lock, new password) ends it too.
    session_version = Column(Integer, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    client_ip = Column(String(45))
    user_agent = Column(String(255))


class PermissionVersion(Model):
    """One row whose counter moves with every write to roles and their permissions (R-BO-4).

    Every worker caches permission sets and menus per role set under this number
    (app/security/permission_cache.py); a role edit, `flask roles sync` or any other write to
    FAB's permission tables bumps it in the same transaction, so the next request of any
    worker reads the new number and recomputes.
    """

    __tablename__ = "permission_version"

    id = Column(Integer, primary_key=True)
    version = Column(BigInteger, nullable=False)
