"""Counting the SQL statements one request runs (QUALITY P5)."""
from __future__ import annotations

import threading

from sqlalchemy import event

from app.extensions import db


def statements_of(app, action) -> tuple[list[str], object]:
    """Run `action()`; return the SQL statements it sent from this thread, and what it returned.

    Only the calling thread counts: work the process does meanwhile in other threads
    (a message delivered after an earlier response, a scheduler) is not the action's.
    """
    statements = []
    request_thread = threading.get_ident()

    def _listener(conn, cursor, statement, *args):
        if threading.get_ident() == request_thread:
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", _listener)
    try:
        result = action()
    finally:
        event.remove(engine, "before_cursor_execute", _listener)
    return statements, result


def count_statements(app, client, url: str) -> int:
    """GET `url` with `client`; assert 200 and return how many statements the request sent."""
    statements, response = statements_of(app, lambda: client.get(url))
    assert response.status_code == 200, url
    return len(statements)
