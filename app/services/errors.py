"""Shared domain errors; views turn them into translated messages or HTTP codes."""
from __future__ import annotations


class ServiceError(Exception):
    """Base of every domain error; `messages` are translated, user-facing texts."""

    def __init__(self, *messages):
        super().__init__(*messages)
        self.messages = [str(m) for m in messages]

    def __str__(self) -> str:
        return " ".join(self.messages)


class Invalid(ServiceError):
    """The input breaks a business rule; nothing was written."""


class Forbidden(ServiceError):
    """The acting user may not do this."""


class NotFound(ServiceError):
    """The object does not exist for the acting user."""
