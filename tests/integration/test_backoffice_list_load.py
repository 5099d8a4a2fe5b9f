"""A back-office list loads of a related row only the columns its text needs (issue 20, P10; QUALITY P5).

`app/views/backoffice/list_load.py` names, per model, the columns its `str()` reads. Here each
such model is loaded with only those columns and every other one refused: a `str()` that reads
another column fails this test instead of costing a statement per row on the lists.
"""
from __future__ import annotations

import pytest
from flask_appbuilder import Model
from sqlalchemy import select
from sqlalchemy.orm import lazyload, load_only

from app.extensions import db
from app.views.backoffice.list_load import DISPLAY_COLUMNS
from tests.integration.test_backoffice_pages import admin_client, dataset, make_full_dataset  # noqa: F401


def _models() -> dict[str, type]:
    found = {}
    for mapper in Model.registry.mappers:
        found.setdefault(mapper.class_.__name__, mapper.class_)
    return found


@pytest.mark.rule("P5")
def test_each_related_rows_text_needs_only_its_listed_columns(app, dataset):  # noqa: F811
    models = _models()
    with app.test_request_context():
        for name, columns in DISPLAY_COLUMNS.items():
            model = models.get(name)
            assert model is not None, f"{name} is not a mapped model any more"
            db.session.expunge_all()
            statement = select(model).options(
                load_only(*(getattr(model, column) for column in columns), raiseload=True), lazyload("*"),
            ).limit(3)
            rows = db.session.scalars(statement).all()
            assert rows, f"no {name} rows in the test data"
            for row in rows:
                assert str(row), name


@pytest.mark.rule("R-BO-1")
def test_list_headers_and_buttons_follow_the_language(app, admin_client, dataset):  # noqa: F811
    """Column labels are kept per view and language, the record buttons' texts per page (issue 20):
    switching the language switches both on the next request."""
    german = admin_client.get("/documents/list/").get_data(as_text=True)
    assert 'data-label="Kunde"' in german and 'title="Eintrag anzeigen"' in german
    admin_client.get("/lang/en")
    english = admin_client.get("/documents/list/").get_data(as_text=True)
    assert 'data-label="Customer"' in english and 'title="Show record"' in english
    assert 'data-label="Kunde"' not in english
    admin_client.get("/lang/de")
    assert 'data-label="Kunde"' in admin_client.get("/documents/list/").get_data(as_text=True)
