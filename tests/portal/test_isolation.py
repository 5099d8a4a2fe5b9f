"""QUALITY S1: every portal route with an object id × every method × another customer's ids → 404,
nothing changed; the owner gets through. Routes come from `app.url_map`, so a new route is covered
without editing this test."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, Order, OutboxMessage
from app.models.enums import OrderStatus
from app.security.roles_base import PORTAL_ADMIN
from tests.conftest import csrf_token_from

OK = {200, 302, 303}


def object_routes(app):
    """(rule, methods) of every portal route that takes an object id."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.arguments and (rule.rule.startswith("/portal/") or rule.endpoint.startswith("Portal")):
            methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
            routes.append((rule, methods))
    assert len(routes) >= 8, "portal object routes are missing from the url_map"
    assert all(rule.arguments == {"pk"} for rule, _ in routes), "a portal route takes an id other than <pk>"
    return routes


def _snapshot(app):
    with app.app_context():
        return (
            tuple(db.session.execute(select(Order.id, Order.status).order_by(Order.id)).all()),
            db.session.scalar(select(func.count(AuditLog.id))),
            db.session.scalar(select(func.count(OutboxMessage.id))),
        )


def _call(client, method, url, token):
    if method == "GET":
        return client.get(url)
    return client.open(url, method=method, data={"csrf_token": token})


def test_other_customers_ids_are_404_and_change_nothing(app, world, signed_in):
    a, b = world["a"], world["b"]
    client = signed_in(a.users[PORTAL_ADMIN])
    token = csrf_token_from(client.get(f"/portal/orders/{a.ids['order'][0]}").get_data(as_text=True))
    before = _snapshot(app)
    checked = 0
    for rule, methods in object_routes(app):
        for method in methods:
            for foreign_id in sorted(b.all_ids() - a.all_ids()):
                url = rule.rule.replace("<pk>", str(foreign_id))
                response = _call(client, method, url, token)
                assert response.status_code == 404, (method, url, response.status_code)
                checked += 1
    assert checked > 20
    assert _snapshot(app) == before
    with app.app_context():
        statuses = {o.status for o in db.session.scalars(select(Order).where(Order.id.in_(b.ids["order"])))}
    assert OrderStatus.OFFER_CREATED in statuses


def test_the_owner_gets_through_on_every_object_route(app, world, signed_in):
    a = world["a"]
    client = signed_in(a.users[PORTAL_ADMIN])
    token = csrf_token_from(client.get(f"/portal/orders/{a.ids['order'][0]}").get_data(as_text=True))
    for rule, methods in object_routes(app):
        for method in methods:
            codes = {
                _call(client, method, rule.rule.replace("<pk>", str(own)), token).status_code
                for own in sorted(a.all_ids())
            }
            assert codes & OK, (method, rule.rule, codes)


@pytest.mark.parametrize("raw", ["0", "-1", "abc", "99999999999999999999", "2147483648", "1.5"])
def test_malformed_ids_are_404(app, world, signed_in, raw):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    for rule, methods in object_routes(app):
        if "GET" in methods:
            assert client.get(rule.rule.replace("<pk>", raw)).status_code == 404, rule.rule


def test_staff_see_no_customer_data_on_portal_routes(app, world, signed_in):
    """Back-office users have no customer: every portal route is 404 for them, whatever the id."""
    a = world["a"]
    for username in world["staff"].values():
        client = signed_in(username)
        for rule, methods in object_routes(app):
            if "GET" in methods:
                for own in a.all_ids():
                    assert client.get(rule.rule.replace("<pk>", str(own))).status_code == 404, (username, rule.rule)
