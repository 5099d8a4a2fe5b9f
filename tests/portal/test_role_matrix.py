"""QUALITY S2: route × role matrix. A changed cell or a portal route missing from the matrix fails."""
from __future__ import annotations

import pytest

from app.security.roles_base import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE

ROLES = ("anonymous", PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING, SALES, SERVICE, ADMIN)
# 200 page, 403 forbidden for this role, 404 not a page for staff, "login" redirect to the login page.
MATRIX = {
    "/":                   {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 200, ACCOUNTING: 200, SALES: 200, SERVICE: 200, ADMIN: 200},
    "/portal/contracts/":  {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 403, ACCOUNTING: 403, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/cloud-phone/": {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 200, ACCOUNTING: 403, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/orders/":     {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 403, ACCOUNTING: 403, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/invoices/":   {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 403, ACCOUNTING: 200, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/invoices/call-records.csv": {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 403, ACCOUNTING: 200, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/documents/":  {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 403, ACCOUNTING: 403, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/portal/tickets/":    {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 200, ACCOUNTING: 200, SALES: 404, SERVICE: 404, ADMIN: 404},
    "/customers/list/":    {"anonymous": "login", PORTAL_ADMIN: 403, PBX_ADMIN: 403, ACCOUNTING: 403, SALES: 200, SERVICE: 200, ADMIN: 200},
    "/account/profile":    {"anonymous": "login", PORTAL_ADMIN: 200, PBX_ADMIN: 200, ACCOUNTING: 200, SALES: 200, SERVICE: 200, ADMIN: 200},
}
# Object routes by role (owner's ids): the same rules as their list.
OBJECT_ROUTES = {
    "/portal/contracts/<pk>": ("contract", "/portal/contracts/"),
    "/portal/contracts/<pk>/technical": ("contract", "/portal/contracts/"),
    "/portal/orders/<pk>": ("order", "/portal/orders/"),
    "/portal/tickets/<pk>": ("ticket", "/portal/tickets/"),
}


def _outcome(response):
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return "login"
    return response.status_code


def _client(app, role, world, signed_in):
    from tests.security.auth_fixtures import new_client

    if role == "anonymous":
        return new_client(app)
    username = world["a"].users.get(role) or world["staff"][role]
    return signed_in(username)


def test_every_portal_list_route_is_in_the_matrix(app):
    listed = {rule.rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/portal/") and not rule.arguments and "GET" in rule.methods}
    assert listed <= set(MATRIX), f"add to the matrix: {sorted(listed - set(MATRIX))}"


@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix(app, world, signed_in, role):
    client = _client(app, role, world, signed_in)
    got = {url: _outcome(client.get(url)) for url in MATRIX}
    assert got == {url: cells[role] for url, cells in MATRIX.items()}


@pytest.mark.parametrize("role", ROLES)
def test_object_routes_follow_the_list_rules(app, world, signed_in, role):
    client = _client(app, role, world, signed_in)
    for rule, (kind, list_url) in OBJECT_ROUTES.items():
        expected = MATRIX[list_url][role]
        url = rule.replace("<pk>", str(world["a"].ids[kind][0]))
        assert _outcome(client.get(url)) == expected, (role, url)


def test_menu_shows_only_what_the_role_may_open(app, world, signed_in):
    pbx = signed_in(world["a"].users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert "/portal/cloud-phone/" in pbx and "/portal/tickets/" in pbx
    assert "/portal/contracts/" not in pbx and "/portal/invoices/" not in pbx
    accounting = signed_in(world["a"].users[ACCOUNTING]).get("/").get_data(as_text=True)
    assert "/portal/invoices/" in accounting and "/portal/orders/" not in accounting
    admin = signed_in(world["staff"][ADMIN]).get("/").get_data(as_text=True)
    assert "/portal/" not in admin
