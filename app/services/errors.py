"""Domain errors: services raise these, `app/errors.py` answers them (DESIGN rule 5).

- `NotFound`  → 404: the object does not exist *for the acting user* (another customer's
  id reads exactly like an id that does not exist);
- `Forbidden` → 403: the acting user may not do this;
- `Invalid`   → the input breaks a business rule and nothing was written. A view that
  shows a form catches it and shows `messages` (and `fields`, per form field) on the
  form; one that does not is answered 400 with the messages.

Messages are translated, user-facing texts.
"""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every domain error; `messages` are translated, user-facing texts."""

    status = 400

    def __init__(self, *messages, fields: dict[str, list] | None = None):
        super().__init__(*messages)
        self.fields = {name: [str(m) for m in texts] for name, texts in (fields or {}).items()}
        self.messages = [str(m) for m in messages] + [m for texts in self.fields.values() for m in texts]

    def __str__(self) -> str:
        return " ".join(self.messages)


class Invalid(ServiceError):
    """The input breaks a business rule; nothing was written. `fields`: {form field: [messages]}."""

    status = 400


class Forbidden(ServiceError):
    """The acting user may not do this."""

    status = 403


class NotFound(ServiceError):
    """The object does not exist for the acting user."""

    status = 404
