"""Alembic owns the schema: migrations and models agree, and every migration runs both ways.

The comparison runs on the suite's migrated database (SQLite, or PostgreSQL
with TEST_DATABASE_URL) with the options `migrations/env.py` gives
autogenerate, so "no difference" here means `flask db migrate` would write
an empty migration. The down/up round trip uses a scratch SQLite file.
"""
from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

import config
from app.extensions import db

MIGRATIONS = str(config.BASE_DIR / "migrations")


def _autogenerate_options() -> dict:
    """The options env.py passes to `context.configure` when it autogenerates."""
    options = dict(current_app.extensions["migrate"].configure_args)
    options.setdefault("compare_type", True)
    options.setdefault("render_as_batch", True)
    options.pop("process_revision_directives", None)
    return options


def _target_metadata():
    target = current_app.extensions["migrate"].db
    return target.metadatas[None] if hasattr(target, "metadatas") else target.metadata


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        options = _autogenerate_options()
        assert options["compare_type"] is True
        context = MigrationContext.configure(
            connection, opts={**options, "target_metadata": _target_metadata()}
        )
        differences = compare_metadata(context, _target_metadata())
    assert differences == [], (
        "the models differ from the migrations; generate a migration with "
        "`flask db migrate -m ...`:\n" + "\n".join(map(repr, differences))
    )


def test_migrations_have_a_single_head(app):
    with app.app_context():
        script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config(MIGRATIONS))
        heads = script.get_heads()
    assert len(heads) == 1, f"several migration heads, merge them: {heads}"


def _tables() -> set[str]:
    return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def _revision() -> str | None:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def test_downgrade_to_base_and_upgrade_again(scratch_app):
    expected = {t.name for t in db.metadata.sorted_tables}
    with scratch_app.app_context():
        upgrade(directory=MIGRATIONS)
        assert _tables() == expected
        head = _revision()
        assert head
        downgrade(directory=MIGRATIONS, revision="base")
        assert _tables() == set()
        assert _revision() is None
        upgrade(directory=MIGRATIONS)
        assert _tables() == expected
        assert _revision() == head
