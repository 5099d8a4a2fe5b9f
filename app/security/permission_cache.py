"""Permission sets cached per role set in every worker, invalidated through the database (R-BO-4, issue 20).

A page asks many permission questions (every menu entry, every button of a list). The
answers depend only on the user's roles, so each worker keeps the (permission, view)
pairs of a role set in memory, keyed by the role ids and the `permission_version`
counter. Every write to FAB's permission tables (a role edited in the back office,
`flask roles sync`, FAB adding permissions, plain SQL alike) bumps that counter in the
same transaction: the listener below watches the statements the engine sends. So does every
write to the tables that give users their roles (ab_user_role, ab_user_group, ab_group_role,
ab_group) and the deletion of a user: each worker caches users' role lists under the
counter as well (app/security/manager.py). Each
request reads the counter once (folded into the user load, app/security/manager.py),
so the next request of any worker sees a change. No customer data is cached here (S1):
only which views a set of roles may use.
"""
from __future__ import annotations

import re
import secrets
import threading
from collections import OrderedDict

from flask import has_request_context, request
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlalchemy.pool import Pool

from app.extensions import db
from app.models import PermissionVersion

TABLE = PermissionVersion.__tablename__
# The permission tables, and the tables that say which roles a user has (own and through groups):
# the security manager caches users' role lists under the counter too (R-BO-4). A user deleted
# moves it as well, so a later user given the same id never meets the old user's roles.
_PERMISSION_WRITE = re.compile(
    r"^\s*(?:(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+[\"`]?"
    r"(?:ab_permission_view_role|ab_permission_view|ab_permission|ab_view_menu|ab_role"
    r"|ab_user_role|ab_user_group|ab_group_role|ab_group)"
    r"|DELETE\s+FROM\s+[\"`]?ab_user)[\"`]?(?:\s|\(|$)",
    re.IGNORECASE,
)
# Plain literals (no SQL built from strings): the table's name is checked against the model once here.
assert TABLE == "permission_version"  # nosec B101  # an import-time guard of the literals below, not input validation
_BUMP = "UPDATE permission_version SET version = version + 1 WHERE id = 1"
_RESTART = "INSERT INTO permission_version (id, version) VALUES (1, %d)"
_HAS_TABLE_SQLITE = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'permission_version'"
_HAS_TABLE_PG = ("SELECT 1 FROM information_schema.tables WHERE table_name = 'permission_version' "
                 "AND table_schema = current_schema()")
_MAX_ENTRIES = 512
_BUMPED = "eservice_permission_version_bumped"


class VersionedCache:
    """A small thread-safe LRU of values computed per key; entries of older versions simply age out."""

    def __init__(self, max_entries: int = _MAX_ENTRIES):
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get_or_compute(self, key, compute):
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = compute()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


# --- the counter -----------------------------------------------------------------

def request_store() -> dict:
    """Per-request memo (on the request object: `g` outlives a request when a test holds the app context)."""
    req = request._get_current_object()
    store = getattr(req, "_eservice_security", None)
    if store is None:
        store = {}
        req._eservice_security = store
    return store


def version_column():
    """The counter as a scalar subquery, to fold its read into another query (the user load)."""
    return select(PermissionVersion.version).where(PermissionVersion.id == 1).scalar_subquery()


def remember_version(version) -> None:
    """The counter as read by this request's user load."""
    if has_request_context():
        request_store()["version"] = version


def current_version():
    """The counter for this request: read once (None when the row is missing: then nothing is cached)."""
    if not has_request_context():
        return read_version()
    store = request_store()
    if "version" not in store:
        store["version"] = read_version()
    return store["version"]


def read_version():
    return db.session.scalar(select(PermissionVersion.version).where(PermissionVersion.id == 1))


# --- bumping it with every write to the permission tables ---------------------------

_known_tables: set[str] = set()


def _has_table(connection, cursor_factory) -> bool:
    url = str(connection.engine.url)
    if url in _known_tables:
        return True
    cursor = cursor_factory()
    try:
        if connection.dialect.name == "sqlite":
            cursor.execute(_HAS_TABLE_SQLITE)
        else:
            cursor.execute(_HAS_TABLE_PG)
        found = cursor.fetchone() is not None
    finally:
        cursor.close()
    if found:
        _known_tables.add(url)
    return found


@event.listens_for(Engine, "after_cursor_execute")
def _bump_on_permission_write(conn, cursor, statement, parameters, context, executemany):
    """Any INSERT/UPDATE/DELETE on FAB's permission tables moves the counter in the same transaction."""
    if not _PERMISSION_WRITE.match(statement) or cursor.rowcount == 0:  # nothing written, nothing to see
        return
    if conn.info.get(_BUMPED):  # once per transaction is enough: readers see its commit as a whole
        return
    dbapi_connection = conn.connection
    if not _has_table(conn, dbapi_connection.cursor):  # before the migration that creates it
        return
    bump = dbapi_connection.cursor()  # a cursor of its own: the statement's results stay unread
    try:
        bump.execute(_BUMP)
        if bump.rowcount == 0:  # the row was deleted by hand: start again at a number never used
            bump.execute(_RESTART % (secrets.randbelow(2**52) + 2**40))
    finally:
        bump.close()
    conn.info[_BUMPED] = True
    if has_request_context():  # this request's own change: it reads roles as FAB does from now on
        request_store()["bumped"] = True


@event.listens_for(Engine, "commit")
@event.listens_for(Engine, "rollback")
@event.listens_for(Engine, "rollback_savepoint")
def _transaction_ended(conn, *args):
    # A savepoint rolled back may have taken the bump with it: the next write bumps again.
    conn.info.pop(_BUMPED, None)


@event.listens_for(Pool, "checkin")
def _connection_returned(dbapi_connection, connection_record):
    # Whatever ended its transaction (the pool's reset included), the next one starts unbumped.
    if connection_record is not None:
        connection_record.info.pop(_BUMPED, None)
