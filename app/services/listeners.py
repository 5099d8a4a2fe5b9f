"""Every SQLAlchemy event listener of the services, listed and registered in one place.

The app factory calls `register()` once per app; registering again (tests build
several apps in one process) changes nothing. Listeners hold the rules that must be
true whichever path writes (service, back-office form, FAB command, demo seed), so a
flush that breaks one writes nothing and raises a translated `Invalid`. In the
order they run:

- before each flush: a row never moves to another customer (app/services/integrity.py);
  an inactive account stays inactive (app/services/auth/status.py); a username is
  unique in any case and alphabet (app/services/auth/usernames.py); a new password,
  lock or deactivation ends every session of the account (app/services/auth/sessions.py);
- after each flush: the audit entries of new accounts and status changes
  (app/services/auth/account_events.py), which also needs the stored status loaded
  before a status is overwritten.

The one listener of the models themselves (`EServiceUser.username` keeps its
case-insensitive key, app/models/security.py) is part of the model and stays there.
"""
from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.models import EServiceUser
from app.services import integrity
from app.services.auth import account_events, sessions, status, usernames

LISTENERS = (
    (Session, "before_flush", integrity.refuse_customer_change, {}),
    (Session, "before_flush", status.refuse_leaving_inactive, {}),
    (Session, "before_flush", usernames.refuse_duplicate_usernames, {}),
    (Session, "before_flush", sessions.bump_on_security_change, {}),
    (EServiceUser.status, "set", account_events.remember_old_status, {"active_history": True}),
    (Session, "after_flush", account_events.audit_accounts, {}),
)


def register() -> None:
    """Register every listener of `LISTENERS` (once per process)."""
    for target, name, listener, options in LISTENERS:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener, **options)
