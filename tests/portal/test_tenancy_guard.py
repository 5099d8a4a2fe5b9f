"""The guard around tenant scoping (QUALITY S1, S3; DESIGN rule 7): a portal route cannot forget it.

- Every route under /portal/ belongs to a `PortalView` (staff get 404 before any view code runs)
  and is protected by `@has_access`; walked from `app.url_map`, so a new route is checked too.
- Portal views hold no queries: they import no database session, no SQLAlchemy and no models.
- Portal services read and write customer-owned tables only through `app.services.tenancy`
  (`scoped`, `scoped_update`, `get_owned_or_404`, `current_customer`), checked on their source.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import app.models as models
from app.models.mixins import CustomerOwnedMixin
from app.views.portal.base import PortalView

ROOT = Path(__file__).resolve().parents[2]
PORTAL_VIEWS = sorted((ROOT / "app" / "views" / "portal").glob("*.py"))
PORTAL_SERVICES = sorted((ROOT / "app" / "services" / "portal").glob("*.py"))
OWNED = {name for name in models.__all__
         if isinstance(getattr(models, name), type) and issubclass(getattr(models, name), CustomerOwnedMixin)}
# Building statements by hand on these names is what tenancy.py exists to prevent.
STATEMENT_BUILDERS = {"select", "update", "delete", "insert", "text"}
SESSION_READERS = {"get", "query", "get_one"}


def _views_by_endpoint(app):
    return {view.endpoint: view for view in app.appbuilder.baseviews}


@pytest.mark.rule("S1")
def test_every_portal_route_is_a_protected_portal_view(app):
    views = _views_by_endpoint(app)
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/portal/"):
            continue
        view_name, _, method_name = rule.endpoint.partition(".")
        view = views.get(view_name)
        assert isinstance(view, PortalView), f"{rule.rule} is not served by a PortalView ({rule.endpoint})"
        method = getattr(type(view), method_name)
        assert hasattr(method, "_permission_name"), f"{rule.rule} lacks @has_access"
        assert method.__name__ in view.method_permission_name, f"{rule.rule}: name its permission"
        checked += 1
    assert checked >= 14


@pytest.mark.rule("S1")
def test_every_portal_view_lives_under_portal(app):
    for view in app.appbuilder.baseviews:
        if isinstance(view, PortalView):
            assert view.route_base.startswith("/portal/"), view.route_base
            assert view.class_permission_name.startswith("Portal"), view.class_permission_name


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield from ((node.module or "", alias.name) for alias in node.names)


@pytest.mark.rule("S1")
@pytest.mark.parametrize("path", PORTAL_VIEWS, ids=lambda p: p.name)
def test_portal_views_hold_no_queries(path):
    for module, name in _imports(ast.parse(path.read_text())):
        assert not module.startswith("sqlalchemy"), f"{path.name} imports {module}"
        assert module != "app.extensions", f"{path.name} imports the database ({module}.{name})"
        assert not (module.startswith("app.models") and module != "app.models.enums"), \
            f"{path.name} imports models ({module}.{name}); ask a service in app/services/portal/"


def _root_name(node):
    """`Order` for `Order`, `Order.id`, `func.count(Order.id)`; None otherwise."""
    while isinstance(node, ast.Attribute):
        node = node.value
    if isinstance(node, ast.Call) and node.args:
        return _root_name(node.args[0])
    return node.id if isinstance(node, ast.Name) else None


def _offences(tree):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in STATEMENT_BUILDERS:
            if func.id == "text":
                yield node.lineno, "raw SQL"
            for arg in node.args:
                if _root_name(arg) in OWNED:
                    yield node.lineno, f"{func.id}({_root_name(arg)}…)"
        if (isinstance(func, ast.Attribute) and func.attr in SESSION_READERS
                and isinstance(func.value, ast.Attribute) and func.value.attr == "session"):
            yield node.lineno, f"db.session.{func.attr}(…)"


@pytest.mark.rule("S1")
@pytest.mark.parametrize("path", PORTAL_SERVICES, ids=lambda p: p.name)
def test_portal_services_query_only_through_tenancy(path):
    offences = list(_offences(ast.parse(path.read_text())))
    assert not offences, f"{path.name}: use app.services.tenancy instead of {offences}"


@pytest.mark.rule("S1")
def test_the_source_check_catches_a_forgotten_scope():
    bad = ast.parse("select(Order).where(Order.id == 1)\ndb.session.get(Contract, 5)\n"
                    "select(func.count(Ticket.id))\nupdate(Order)\n")
    assert sorted(_offences(bad)) == [
        (1, "select(Order…)"), (2, "db.session.get(…)"), (3, "select(Ticket…)"), (4, "update(Order…)")]
    assert not list(_offences(ast.parse("select(Product.id).where(Product.kind == kind)")))


@pytest.mark.rule("S3")
def test_scoping_refuses_tables_without_a_tenant(app):
    from app.models import Product
    from app.services.tenancy import scoped

    with app.test_request_context(), pytest.raises(TypeError):
        scoped(Product)
