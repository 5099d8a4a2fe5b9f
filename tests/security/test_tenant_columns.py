"""QUALITY S3: every customer-owned table carries a NOT NULL, indexed `customer_id` FK.

Every table is tenant-owned unless it is listed below with the reason it is
not, so a new table fails this test until its author decides. The rule is
checked twice: on the models' metadata and on the database the migrations
built (`inspect(engine)`), so a migration that forgets the index or the
constraint is caught too.
"""
from __future__ import annotations

import pytest
from flask_appbuilder import Model
from sqlalchemy import UniqueConstraint, inspect

from app.extensions import db
from app.models.mixins import CustomerOwnedMixin

# Tables without a tenant: shared by every customer, or reached only through a user id.
GLOBAL_TABLES = {
    "customer": "the tenant itself",
    "product": "catalog shared by all customers",
    "option_type": "catalog shared by all customers",
    "product_option_type": "catalog link table",
    "ab_role": "FAB roles and permissions are global",
    "ab_permission": "FAB roles and permissions are global",
    "ab_view_menu": "FAB roles and permissions are global",
    "ab_permission_view": "FAB roles and permissions are global",
    "ab_permission_view_role": "FAB roles and permissions are global",
    "ab_group": "FAB groups are global",
    "ab_group_role": "FAB groups are global",
    "ab_user_group": "keyed by user; never listed in the portal",
    "ab_user_role": "keyed by user; never listed in the portal",
    "ab_register_user": "self-registration is off (AUTH_USER_REGISTRATION = False)",
    "ab_api_key": "keyed by user; never listed in the portal",
    "one_time_token": "keyed by user; looked up by token hash only",
    "pin_challenge": "keyed by user; looked up by login attempt only",
    "auth_failure": "sign-in throttling, keyed by user and client IP",
    "password_reset_request": "a typed username before anyone knows whose it is; lives until worked (seconds)",
    "user_session": "keyed by user; listed only as the signed-in user's own sessions",
    "permission_version": "one counter of role permission changes (R-BO-4); no customer data",
}

# Tables whose rows may belong to no customer: they carry the column (FK, indexed) but allow NULL.
OPTIONAL_TENANT_TABLES = {
    "ab_user": "the carrier's staff have no customer",
    "audit_log": "staff and system events have no customer",
    "outbox_message": "messages to staff have no customer",
}


def _tables():
    return {t.name: t for t in db.metadata.sorted_tables}


@pytest.mark.rule("S3")
def test_allowlists_name_only_existing_tables(app):
    tables = _tables()
    unknown = (set(GLOBAL_TABLES) | set(OPTIONAL_TENANT_TABLES)) - set(tables)
    assert not unknown, f"allowlisted tables that no longer exist: {sorted(unknown)}"
    assert not set(GLOBAL_TABLES) & set(OPTIONAL_TENANT_TABLES)


@pytest.mark.rule("S3")
def test_customer_owned_models_are_not_allowlisted(app):
    owned = {
        mapper.class_.__table__.name
        for mapper in Model.registry.mappers
        if issubclass(mapper.class_, CustomerOwnedMixin)
    }
    assert len(owned) >= 15
    assert not owned & set(GLOBAL_TABLES), "a CustomerOwnedMixin model is listed as global"
    assert not owned & set(OPTIONAL_TENANT_TABLES), "a CustomerOwnedMixin model is listed as optional"


def _tenant_tables():
    return sorted(name for name in _tables() if name not in GLOBAL_TABLES)


def _metadata_problems(table, required: bool) -> list[str]:
    column = table.c.get("customer_id")
    if column is None:
        return ["no customer_id column (or add the table to an allowlist with a reason)"]
    problems = []
    if required and column.nullable:
        problems.append("customer_id is nullable")
    if not any(fk.column.table.name == "customer" and fk.column.name == "id" for fk in column.foreign_keys):
        problems.append("customer_id has no foreign key to customer.id")
    leading = [list(index.columns)[0].name for index in table.indexes]
    leading += [
        list(c.columns)[0].name for c in table.constraints if isinstance(c, UniqueConstraint) and c.columns
    ]
    if "customer_id" not in leading:
        problems.append("no index starts with customer_id")
    return problems


@pytest.mark.rule("S3")
@pytest.mark.parametrize("table_name", _tenant_tables())
def test_model_has_indexed_not_null_customer_fk(app, table_name):
    table = _tables()[table_name]
    assert _metadata_problems(table, required=table_name not in OPTIONAL_TENANT_TABLES) == []


def _database_problems(inspector, table_name: str, required: bool) -> list[str]:
    columns = {c["name"]: c for c in inspector.get_columns(table_name)}
    if "customer_id" not in columns:
        return ["no customer_id column in the database"]
    problems = []
    if required and columns["customer_id"]["nullable"]:
        problems.append("customer_id is nullable in the database")
    fks = [
        fk for fk in inspector.get_foreign_keys(table_name)
        if fk["constrained_columns"] == ["customer_id"]
        and fk["referred_table"] == "customer" and fk["referred_columns"] == ["id"]
    ]
    if not fks:
        problems.append("no foreign key customer_id -> customer.id in the database")
    leading = [ix["column_names"][0] for ix in inspector.get_indexes(table_name) if ix["column_names"]]
    leading += [uc["column_names"][0] for uc in inspector.get_unique_constraints(table_name) if uc["column_names"]]
    if "customer_id" not in leading:
        problems.append("no index starting with customer_id in the database")
    return problems


@pytest.mark.rule("S3")
def test_migrated_database_has_indexed_not_null_customer_fks(app):
    with app.app_context():
        inspector = inspect(db.engine)
        in_database = set(inspector.get_table_names())
        problems = {}
        for name in _tenant_tables():
            assert name in in_database, f"{name} is not in the migrated database"
            found = _database_problems(inspector, name, required=name not in OPTIONAL_TENANT_TABLES)
            if found:
                problems[name] = found
    assert problems == {}
