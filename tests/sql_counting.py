"""Counting the SQL statements one request runs (QUALITY P5)."""
from __future__ import annotations

import threading

from sqlalchemy import event

from app.extensions import db


def count_statements(app, client, url: str) -> int:
    """GET `url` with `client`; assert 200 and return how many statements the request sent.

    Only the request's own thread counts: work the process does meanwhile in other threads
    (a message delivered after an earlier response, a scheduler) is not the page's.
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
        response = client.get(url)
    finally:
        event.remove(engine, "before_cursor_execute", _listener)
    assert response.status_code == 200, url
    return len(statements)
