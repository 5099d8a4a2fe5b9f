"""The portal's routes as the security tests see them (QUALITY S1, S2).

A route is a portal route when a portal role holds the permission that guards it: the
permission is one of `PORTAL_PERMISSIONS` (the portal roles' own permissions) and the
synced role in the database holds it. The routes come from `app.url_map`, so a new
portal route anywhere — `/customer-password` lies outside /portal/ — is found without
editing a test. The start page itself (`/`, FAB's index, open to every signed-in user)
counts too.

Each route carries what its view declared with `@object_ids` (app/views/portal/base.py):
the model its path and query-string ids name.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from flask_appbuilder import Model
from sqlalchemy import select

import app.models as models
from app.extensions import db
from app.roles import PORTAL_ROLES
from app.views.portal.base import declared_object_ids
from app.roles.grants import PORTAL_PERMISSIONS

IGNORED_METHODS = {"OPTIONS"}  # answered by Flask itself from the rule, never by a view
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


@dataclass(frozen=True)
class IdArg:
    """One id argument of a route: where it is sent, its name, and the model (and column) it names."""

    source: str  # "path" or "query"
    name: str
    model: type
    column: str = "id"

    @property
    def is_id(self) -> bool:
        return self.column == "id"


@dataclass
class PortalRoute:
    rule: object
    methods: list[str]
    holders: tuple[str, ...]  # the portal roles that may use it
    declared: dict | None
    id_args: list[IdArg] = field(default_factory=list)

    @property
    def path(self) -> str:
        return self.rule.rule

    def __repr__(self) -> str:
        return f"<{'/'.join(self.methods)} {self.path}>"


def _model(name: str) -> tuple[type, str]:
    model_name, _, column = name.partition(".")
    model = getattr(models, model_name, None)
    assert isinstance(model, type) and issubclass(model, Model), f"@object_ids names no model: {name}"
    assert getattr(model, "__customer_owned__", False), f"@object_ids names {model_name}, which no customer owns"
    column = column or "id"
    assert column in model.__table__.c, f"@object_ids names {name}: no such column"
    return model, column


def _role_permissions(app) -> dict[str, set[tuple[str, str]]]:
    sm = app.appbuilder.sm
    held = {}
    with app.app_context():
        for role_name in PORTAL_ROLES:
            role = sm.find_role(role_name)
            held[role_name] = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
    return held


def _guard(app, rule) -> tuple[str, str] | None:
    """(permission, view name) that FAB's @has_access checks for this rule, None for an unguarded route."""
    view_name, _, method_name = rule.endpoint.partition(".")
    views = {view.endpoint: view for view in app.appbuilder.baseviews}
    view = views.get(view_name)
    function = app.view_functions[rule.endpoint]
    if view is None or not hasattr(function, "_permission_name"):
        return None
    name = (view.method_permission_name or {}).get(method_name) or function._permission_name
    return f"can_{name}", view.class_permission_name


def portal_routes(app) -> list[PortalRoute]:
    """Every route a portal role may use, with the roles that hold it and its declared ids."""
    declared_pairs = {(perm, view) for table in PORTAL_PERMISSIONS.values()
                      for view, perms in table.items() for perm in perms}
    held = _role_permissions(app)
    index_endpoint = app.appbuilder.indexview.__name__ + "." + app.appbuilder.indexview.default_view
    routes = []
    for rule in app.url_map.iter_rules():
        guard = _guard(app, rule)
        if rule.endpoint == index_endpoint:
            holders = PORTAL_ROLES
        elif guard in declared_pairs:
            holders = tuple(role for role in PORTAL_ROLES if guard in held[role])
        else:
            continue
        declared = declared_object_ids(app.view_functions[rule.endpoint])
        route = PortalRoute(rule=rule, methods=sorted(rule.methods - IGNORED_METHODS), holders=holders,
                            declared=declared)
        if declared:
            for source in ("path", "query"):
                for name, target in declared[source].items():
                    model, column = _model(target)
                    route.id_args.append(IdArg(source, name, model, column))
        routes.append(route)
    return sorted(routes, key=lambda r: r.path)


def customer_owned_tables():
    """Every table with a `customer_id`, walked from the metadata (QUALITY S3's tables and more)."""
    return [table for table in db.metadata.sorted_tables if "customer_id" in table.c]


def checksum(app, customer_id: int | None = None) -> str:
    """SHA-256 over every row of every customer-owned table (only `customer_id`'s rows when given)."""
    digest = hashlib.sha256()
    with app.app_context():
        for table in customer_owned_tables():
            statement = select(table).order_by(*table.primary_key.columns)
            if customer_id is not None:
                statement = statement.where(table.c.customer_id == customer_id)
            digest.update(table.name.encode())
            for row in db.session.execute(statement):
                digest.update(repr(tuple(row)).encode())
        db.session.rollback()
    return digest.hexdigest()


def values_of(app, arg: IdArg, customer_id: int) -> list:
    """Every value of `arg`'s column over the customer's rows of its model."""
    with app.app_context():
        column = arg.model.__table__.c[arg.column]
        statement = select(column).where(arg.model.customer_id == customer_id).order_by(arg.model.id)
        values = list(db.session.scalars(statement))
        db.session.rollback()
    return values


def url_for_rule(rule, path_values: dict, query: dict | None = None) -> str:
    """The rule's URL with `path_values` filled in as given (no converters: malformed values stay as they are)."""
    import re
    from urllib.parse import quote, urlencode

    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", quote(str(path_values[name]), safe=""), url)
    if query:
        url += "?" + urlencode(query)
    return url
