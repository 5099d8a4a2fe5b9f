"""QUALITY S1: every portal route that takes an object id × every method it allows × every row of
that model owned by another customer → 404, and not one row of any customer-owned table changed;
the owner still gets 200/3xx.

- Routes come from `app.url_map`, chosen by the portal roles' permissions (tests/portal/routes.py),
  not by a /portal/ prefix: `/customer-password` and any future portal route elsewhere are swept too.
- Each route declares which model its ids name (`@object_ids` in app/views/portal/base.py), path
  and query-string ids alike (`?contract=` of the call-record export). A route with an argument but
  no declaration fails here, and so does a query argument read by portal code that is neither
  declared nor listed below as not an id.
- The ids tried are *all* rows of the other customer of that model, and the test asserts they exist:
  a sweep that only tried missing ids would pass against a view that reads any customer's rows.
- Each route is swept as every portal role that holds it (sign-on is the PBX Admin's alone).
- "Nothing changed" is a SHA-256 over every row of every table with a `customer_id`, walked from the
  metadata, before and after.

Mutations this sweep was checked against (each made the sweep fail, then was reverted):
1. `ticket_detail` reading `db.session.get(Ticket, int(raw_id))` instead of the scoped lookup
   (another customer's ticket shown: 200 instead of 404) — the mutation the old sweep let pass;
2. `accept_offer` reading the order with `db.session.get(Order, …)` and updating it unscoped
   (another customer's open offer accepted: 302 and the checksum changed);
3. `parse_filter` of the call-record export reading `?contract=` with `db.session.get(Contract, …)`
   (another customer's SIP-trunk contract exported: 200).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Contract, Customer, Invoice, Order, SipAccount, Ticket
from tests.portal.conftest import page_token
from tests.portal.routes import WRITE_METHODS, checksum, portal_routes, url_for_rule, values_of
from tests.leaks import leaked

ROOT = Path(__file__).resolve().parents[2]
OK = {200, 302, 303}
MALFORMED_IDS = ["0", "-1", "1e3", "1.5", "abc", "99999999999", "2147483648", "99999999999999999999", "²", "١",
                 "0x1", "1_0"]
# Query arguments portal code reads that name no object (anything else must be declared with @object_ids).
NOT_IDS = {"page", "sort", "status", "type", "from", "to", "next", "kind", "q"}  # next: a path to return to; kind, q: the ticket type-ahead
PORTAL_SOURCES = sorted((ROOT / "app" / "views" / "portal").glob("*.py")) + [
    ROOT / "app" / "views" / "home.py", *sorted((ROOT / "app" / "services" / "portal").glob("*.py"))]


def _call(client, method, url, token):
    """One request, read to the end and closed (a streamed export must not stay open)."""
    if method in WRITE_METHODS:
        response = client.open(url, method=method, data={"csrf_token": token})
    else:
        response = client.open(url, method=method)
    response.get_data()
    response.close()
    return response


def _is_login(response) -> bool:
    return response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", "")


def _clients(app, world, signed_in, tenant_key="a"):
    """A signed-in client and a CSRF token per portal role of one customer, all made before any snapshot."""
    tenant = world[tenant_key]
    clients = {}
    for role, username in tenant.users.items():
        client = signed_in(username)
        clients[role] = (client, page_token(client.get("/").get_data(as_text=True)))
    return clients


def _swept(app):
    return [route for route in portal_routes(app) if route.id_args]


# --- the route list and the declarations ------------------------------------------
@pytest.mark.rule("S1")
def test_routes_are_chosen_by_portal_permissions_not_by_prefix(app):
    paths = {route.path for route in portal_routes(app)}
    assert "/customer-password" in paths, "a portal route outside /portal/ is not swept"
    portal_prefixed = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/portal/")}
    assert portal_prefixed <= paths, f"portal routes no portal role holds: {sorted(portal_prefixed - paths)}"
    assert not any(path.startswith(("/customers/", "/contracts/", "/users/")) for path in paths), \
        "a back-office route was taken for a portal route"
    assert all(route.holders for route in portal_routes(app)), "a portal route no portal role may use"


@pytest.mark.rule("S1")
def test_every_portal_route_with_an_argument_declares_its_model(app):
    swept = 0
    for route in portal_routes(app):
        if not route.rule.arguments:
            continue
        assert route.declared is not None, f"{route.path}: declare its ids with @object_ids(pk='Model')"
        declared_path = {arg.name for arg in route.id_args if arg.source == "path"}
        assert declared_path == set(route.rule.arguments), (route.path, declared_path)
        swept += 1
    assert swept >= 9
    export = next(r for r in portal_routes(app) if r.path == "/portal/invoices/call-records.csv")
    assert {(a.source, a.name) for a in export.id_args} == {("query", "contract"), ("query", "contract_number")}


def _query_names(tree):
    """Literal names read with `<x>.args.get("name")`, `args.get("name")` or `<x>.args["name"]`."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                and node.args and isinstance(node.args[0], ast.Constant)):
            target = node.func.value
            if (isinstance(target, ast.Name) and target.id == "args") or (
                    isinstance(target, ast.Attribute) and target.attr == "args"):
                yield node.args[0].value
        if (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "args"
                and isinstance(node.slice, ast.Constant)):
            yield node.slice.value


@pytest.mark.rule("S1")
def test_every_query_argument_of_portal_code_is_declared_or_not_an_id(app):
    declared = {arg.name for route in portal_routes(app) for arg in route.id_args if arg.source == "query"}
    read = {name for path in PORTAL_SOURCES for name in _query_names(ast.parse(path.read_text()))}
    assert "contract" in read and "page" in read  # the source walk sees what it must
    unknown = read - declared - NOT_IDS
    assert not unknown, f"query arguments neither declared with @object_ids nor listed as no id: {unknown}"


def test_the_source_walk_finds_query_arguments():
    code = 'request.args.get("invoice")\nargs.get("ticket")\nrequest.args["order"]\nother.get("x")\n'
    assert sorted(_query_names(ast.parse(code))) == ["invoice", "order", "ticket"]


# --- the sweep ------------------------------------------------------------------------
def _urls(app, route, arg, value, owner_id):
    """The route's URL with `value` in `arg`; any other id argument gets the owner's first row."""
    path_values, query = {}, {}
    for other in route.id_args:
        if other.source == "path":
            path_values[other.name] = value if other is arg else values_of(app, other, owner_id)[0]
    if arg.source == "query":
        query[arg.name] = value
    return url_for_rule(route.rule, path_values, query)


@pytest.mark.rule("S1")
def test_other_customers_rows_are_404_and_change_nothing(app, world, signed_in):
    """S1: as every portal role of customer a, every row of customer b on every declared id → 404."""
    a, b = world["a"], world["b"]
    clients = _clients(app, world, signed_in)
    before = checksum(app)
    tried = {}
    for route in _swept(app):
        for arg in route.id_args:
            foreign = values_of(app, arg, b.customer_id)
            assert foreign, f"customer b has no {arg.model.__name__}: {route.path} would sweep nothing"
            own = set(values_of(app, arg, a.customer_id))
            assert not own & set(foreign)
            for role in route.holders:
                client, token = clients[role]
                for method in route.methods:
                    missing = None
                    if not arg.is_id:  # a lookup by number: another customer's must look like no such number
                        missing = _call(client, method, _urls(app, route, arg, "X-NO-SUCH-VALUE", a.customer_id),
                                        token)
                    for value in foreign:
                        url = _urls(app, route, arg, value, a.customer_id)
                        response = _call(client, method, url, token)
                        if arg.is_id:
                            assert response.status_code == 404, (role, method, url, response.status_code)
                        else:
                            assert (response.status_code, response.headers.get("Location")) == (
                                missing.status_code, missing.headers.get("Location")), (role, method, url)
                            assert response.status_code != 200, (role, method, url)
                        tried[(route.path, arg.name)] = tried.get((route.path, arg.name), 0) + 1
    assert checksum(app) == before, "a request with another customer's id changed a customer-owned row"
    # Every declared id was swept, with b's open offer, ticket and SIP-trunk contract among the rows.
    assert set(tried) == {(r.path, arg.name) for r in _swept(app) for arg in r.id_args}
    assert tried[("/portal/orders/<pk>/accept", "pk")] >= 2
    assert tried[("/portal/tickets/<pk>", "pk")] >= 3  # one ticket × three roles
    with app.app_context():
        assert b.named["offer"] in values_of(app, _arg(app, "/portal/orders/<pk>/accept"), b.customer_id)
        assert db.session.get(Order, b.named["offer"]).status.value == "offer_created"
        assert db.session.get(Contract, b.named["trunk"]).product.kind.value == "sip_trunk"


def _arg(app, path):
    return next(r for r in portal_routes(app) if r.path == path).id_args[0]


@pytest.mark.rule("S1")
def test_the_owner_gets_through_on_every_declared_id(app, world, signed_in):
    """S1's other half: the same routes with customer a's own rows answer 200/3xx (never the login page)."""
    a = world["a"]
    clients = _clients(app, world, signed_in)
    for route in _swept(app):
        for arg in route.id_args:
            own = values_of(app, arg, a.customer_id)
            for role in route.holders:
                client, token = clients[role]
                for method in route.methods:
                    codes = set()
                    for value in own:
                        response = _call(client, method, _urls(app, route, arg, value, a.customer_id), token)
                        assert not _is_login(response), (role, method, route.path)
                        codes.add(response.status_code)
                    assert codes & OK, (role, method, route.path, arg.name, codes)


def _foreign_markers(app, customer_id):
    with app.app_context():
        markers = {db.session.get(Customer, customer_id).company_name,
                   db.session.get(Customer, customer_id).hotline_password}
        for column in (Contract.contract_number, Order.order_number, Ticket.ticket_number, Invoice.invoice_number,
                       SipAccount.username):
            markers |= set(db.session.scalars(select(column).where(column.class_.customer_id == customer_id)))
        db.session.rollback()
    return {m for m in markers if m}


@pytest.mark.rule("S1")
def test_routes_without_ids_show_and_change_nothing_of_another_customer(app, world, signed_in):
    """The rest of the portal routes (start page, lists, /customer-password) as every role that holds them:
    no trace of customer b in the answer, not one of b's rows changed."""
    b = world["b"]
    markers = _foreign_markers(app, b.customer_id)
    clients = _clients(app, world, signed_in)
    before = checksum(app, b.customer_id)
    answered = 0
    for route in portal_routes(app):
        if route.id_args or route.rule.arguments:
            continue
        for role in route.holders:
            client, token = clients[role]
            for method in route.methods:
                if method in WRITE_METHODS:
                    response = client.open(route.path, method=method, headers={"X-CSRFToken": token})
                else:
                    response = client.open(route.path, method=method)
                # An empty form post may be refused as unprocessable (422): it still changes nothing.
                allowed = OK | ({422} if method in WRITE_METHODS else set())
                assert response.status_code in allowed, (role, method, route.path, response.status_code)
                body = response.get_data(as_text=True)
                assert not leaked(markers, body), (role, method, route.path, leaked(markers, body))
                answered += 1
    assert answered >= 15
    assert checksum(app, b.customer_id) == before


@pytest.mark.rule("R7", "S13")
@pytest.mark.parametrize("raw", MALFORMED_IDS)
def test_malformed_ids_are_404_on_every_method(app, world, signed_in, raw):
    """R7/S13: GET and POST routes alike answer a malformed id with 404, never a 500 or a redirect."""
    clients = _clients(app, world, signed_in)
    for route in _swept(app):
        client, token = clients[route.holders[0]]
        for arg in route.id_args:
            if not arg.is_id:
                continue
            for method in route.methods:
                url = _urls(app, route, arg, raw, world["a"].customer_id)
                response = _call(client, method, url, token)
                assert response.status_code == 404, (method, url, response.status_code)
