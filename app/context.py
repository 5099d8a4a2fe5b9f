"""Who acts in the current unit of work, as the services see it (README, Architecture).

Services never read Flask's request globals. The web layer binds, once per request,
the signed-in user and the client's address (`app/security/request_context.py`);
CLI commands and jobs act as "system" from no address. Services read here

- the acting user and their customer: the tenant every portal query is scoped to
  (`app/services/tenancy.py`), and the name audit entries give as the actor;
- the client's address, for per-IP limits and the audit log;
- a per-request memo, and the messages to hand to delivery once the response has left.

The state lives in Flask's application context, so it ends with the request (or the
CLI command, or the job) that bound it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from flask import g, has_app_context

_KEY = "_eservice_acting"


@dataclass
class Acting:
    """The acting user (None for anonymous visitors and the system) and where they act from."""

    user: Any = None
    client_ip: str = "-"
    in_request: bool = False
    memo: dict = field(default_factory=dict)
    after_response: list = field(default_factory=list)

    @property
    def customer_id(self) -> int | None:
        """The customer (tenant) of a signed-in portal user; None for staff, visitors and the system."""
        return getattr(self.user, "customer_id", None)

    @property
    def actor_name(self) -> str:
        """The signed-in user's username, else "system" (CLI, jobs, anonymous steps)."""
        return getattr(self.user, "username", None) or "system"


def bind(user, client_ip: str | None) -> Acting:
    """Make `user` (None or an anonymous user: nobody) the acting user of this request."""
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    acting = Acting(user=user, client_ip=(client_ip or "-")[:45], in_request=True)
    setattr(g, _KEY, acting)
    return acting


def unbind() -> None:
    """Forget the request's acting user once the request is over."""
    if has_app_context():
        g.pop(_KEY, None)


def current() -> Acting:
    """The acting user of this application context ("system" where nothing was bound)."""
    if not has_app_context():
        return Acting()
    acting = g.get(_KEY)
    if acting is None:
        acting = Acting()
        setattr(g, _KEY, acting)
    return acting


def actor_name() -> str:
    """Who is acting, as audit entries name them."""
    return current().actor_name


def client_ip() -> str:
    """The acting client's address ("-" outside requests)."""
    return current().client_ip


def memo(key: str, compute: Callable[[], Any]) -> Any:
    """`compute()` once per request (or CLI command): labels and other per-request lookups."""
    values = current().memo
    if key not in values:
        values[key] = compute()
    return values[key]


def after_response(item) -> None:
    """Remember `item` for the web layer to act on once the response has left (requests only)."""
    acting = current()
    if acting.in_request:
        acting.after_response.append(item)


def take_after_response() -> list:
    """What this request left for after its response (and forget it)."""
    acting = current()
    items, acting.after_response = acting.after_response, []
    return items
