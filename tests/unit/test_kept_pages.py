"""KeptPages reads a list's rows through the session's connection only for statements of columns (issue 20, P9).

Run through the connection, a statement of mapped objects would give rows of columns where the list expects
objects; so such a statement is refused when the list is built (at import), not on a customer's page.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.models import Invoice
from app.services.portal.paging import KeptPages


@pytest.mark.rule("P5")
def test_rows_of_columns_are_kept_and_rows_of_objects_are_refused():
    assert KeptPages(select(Invoice.id, Invoice.invoice_number), rows=True).as_rows
    assert not KeptPages(select(Invoice)).as_rows  # objects through the ORM: allowed without rows=True
    with pytest.raises(TypeError, match="columns, not of mapped objects"):
        KeptPages(select(Invoice, Invoice.id), rows=True)
