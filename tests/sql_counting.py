"""Counting the SQL statements one request runs (QUALITY P5)."""
from __future__ import annotations

from sqlalchemy import event

from app.extensions import db


def count_statements(app, client, url: str) -> int:
    """GET `url` with `client`; assert 200 and return how many statements reached the database."""
    statements = []

    def _listener(conn, cursor, statement, *args):
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
