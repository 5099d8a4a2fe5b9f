"""Plain rows of a page's kept statements without the ORM's result machinery (issue 20, P9/P10).

A statement of columns only (no entity: `tenancy.scoped_template(Model, Model.a, Model.b)`) gives the
same rows through the session's connection as through `session.execute`, but skips the ORM's
compile state and result set-up: about 0.05 ms of some 0.1 ms per statement. The statements stay the
tenancy module's (the customer a bound parameter from `tenant_params()`), and run in the session's
transaction. `plain_rows` is for GET pages' reads: nothing is flushed before them. A service that a POST
also calls after a change (the wizard's reads, `option_order.catalogue_rows`) uses `current_rows`, which
flushes the session's pending changes first, as `session.execute` would.
"""
from __future__ import annotations

from app.extensions import db


def plain_rows(statement, params: dict):
    """The result of a columns-only `statement` with `params`, as `db.session.execute` gives its rows."""
    return db.session.connection().execute(statement, params)


def current_rows(statement, params: dict):
    """`plain_rows` for a read that may follow a change of this session (a POST's service): the session's
    pending changes are flushed first, as `session.execute` would (autoflush), so the rows include them."""
    session = db.session
    if session.new or session.dirty or session.deleted:
        session.flush()
    return plain_rows(statement, params)
