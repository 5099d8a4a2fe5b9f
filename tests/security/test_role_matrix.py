"""QUALITY S2: the route × role matrix is a fixture; a changed cell, or a portal route without a cell, fails.

Rows: every portal route (chosen from `app.url_map` by the portal roles' permissions, so
`/customer-password` is one; tests/portal/routes.py) × every method it allows, ids filled with
the owner's rows (named in the third column, see `Tenant.named`), POST routes included; plus the
start page, the profile and every back-office menu entry (the back office's entry points).
Columns: anonymous, Portal Admin, PBX Admin, Accounting, Sales, Service, Admin.

Cells: a status code, or "login" for a redirect to the login page. 404 for staff on portal routes
(the portal holds no page for them), 403 for a customer role without the permission, 401 for a
signed-out script request (the technical panel, the customer password).
"""
from __future__ import annotations

import re

import pytest

from app.roles import ACCOUNTING, ADMIN, PBX_ADMIN, PORTAL_ADMIN, SALES, SERVICE
from tests.conftest import csrf_token_from
from tests.portal.conftest import page_token
from tests.portal.routes import WRITE_METHODS, portal_routes
from tests.security.auth_fixtures import new_client

ROLES = ("anonymous", PORTAL_ADMIN, PBX_ADMIN, ACCOUNTING, SALES, SERVICE, ADMIN)
L = "login"

# (method, rule, owner's row for <pk>):   anonymous, Portal Admin, PBX Admin, Accounting, Sales, Service, Admin
MATRIX: dict[tuple[str, str, str | None], tuple] = {
    # --- the start page and the customer password (R-HOME-1, R-HOME-3) ---
    ("GET", "/", None):                                     (L, 200, 200, 200, 200, 200, 200),
    ("POST", "/customer-password", None):                   (401, 200, 403, 403, 404, 404, 404),
    ("GET", "/account/profile", None):                      (L, 200, 200, 200, 200, 200, 200),
    # --- contracts (R-CON) ---
    ("GET", "/portal/contracts/", None):                    (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>", "trunk"):             (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/technical", "trunk"):   (401, 200, 403, 403, 404, 404, 404),
    # --- self-care actions (issue 14, R-SIP-1..7): the Portal Admin's alone; the world's trunk has a SIP
    # --- password but no option booked, so the option-gated actions send the user back (302) ---
    ("GET", "/portal/contracts/<pk>/sip-password", "trunk"):  (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/contracts/<pk>/sip-password", "trunk"): (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/dsl-password", "trunk"):  (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/contracts/<pk>/dsl-password", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/failover", "trunk"):      (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/contracts/<pk>/failover", "trunk"):     (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/permanent-forwarding", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/contracts/<pk>/permanent-forwarding", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/registration-ips", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/contracts/<pk>/registration-ips", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/contracts/<pk>/router-status", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    # (302: the sip-password POST above made a newer change, so the old failed one is no longer retried)
    ("POST", "/portal/contracts/<pk>/changes/<change_id>/retry", "trunk"): (L, 302, 403, 403, 404, 404, 404),
    # --- cloud.phone (R-PBX-1): the Portal Admin sees the list, only the PBX Admin signs on ---
    ("GET", "/portal/cloud-phone/", None):                  (L, 200, 200, 403, 404, 404, 404),
    ("POST", "/portal/cloud-phone/<pk>/sign-on", "cloud"):  (L, 403, 303, 403, 404, 404, 404),
    # --- orders and offers (R-ORD) ---
    ("GET", "/portal/orders/", None):                       (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/orders/<pk>", "offer"):                (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/orders/<pk>/accept", "offer"):        (L, 302, 403, 403, 404, 404, 404),
    # --- invoices and call records (R-INV-1) ---
    ("GET", "/portal/invoices/", None):                     (L, 200, 403, 200, 404, 404, 404),
    ("GET", "/portal/invoices/call-records.csv", None):     (L, 200, 403, 200, 404, 404, 404),
    ("GET", "/portal/invoices/<pk>/download", "invoice_doc"): (L, 200, 403, 200, 404, 404, 404),
    # --- contract documents (R-DOC-1) ---
    ("GET", "/portal/documents/", None):                    (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/documents/<pk>/view", "contract_doc"): (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/documents/<pk>/download", "contract_doc"): (L, 200, 403, 403, 404, 404, 404),
    # --- support tickets (R-TIC-5: all three portal roles) ---
    ("GET", "/portal/tickets/", None):                      (L, 200, 200, 200, 404, 404, 404),
    ("GET", "/portal/tickets/<pk>", "ticket"):              (L, 200, 200, 200, 404, 404, 404),
    # --- the option-order wizard (R-WIZ): the Portal Admin's alone; <draft> is the Portal Admin's draft ---
    ("GET", "/portal/option-order/", None):                 (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/", None):                (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/option-order/<draft>/numbers", "draft"): (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/<draft>/numbers", "draft"): (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/<draft>/numbers/change", "draft"): (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/option-order/<draft>/options", "draft"): (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/<draft>/options", "draft"): (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/option-order/<draft>/summary", "draft"): (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/<draft>/summary", "draft"): (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/option-order/<draft>/abandon", "draft"): (L, 302, 403, 403, 404, 404, 404),
    # --- company data (R-CUS): the Portal Admin only; editing redirects to the lock page until unlocked ---
    ("GET", "/portal/company/", None):                      (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/company/unlock", None):                (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/unlock", None):               (L, 422, 403, 403, 404, 404, 404),
    ("GET", "/portal/company/edit", None):                  (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/edit", None):                 (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/company/customer-password", None):     (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/customer-password", None):    (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/company/contacts/new", None):          (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/contacts/new", None):         (L, 302, 403, 403, 404, 404, 404),
    ("GET", "/portal/company/contacts/<pk>", "contact"):    (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/contacts/<pk>", "contact"):   (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/company/contacts/<pk>/delete", "contact"): (L, 302, 403, 403, 404, 404, 404),
    # --- user management (R-USR): the Portal Admin only ---
    ("GET", "/portal/users/", None):                        (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/users/new", None):                     (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/users/new", None):                    (L, 422, 403, 403, 404, 404, 404),
    ("GET", "/portal/users/<pk>", "accounting_user"):       (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/users/<pk>", "accounting_user"):      (L, 302, 403, 403, 404, 404, 404),
    ("POST", "/portal/users/<pk>/status", "accounting_user"): (L, 302, 403, 403, 404, 404, 404),
    # --- the company's own audit log: the Portal Admin only ---
    ("GET", "/portal/audit-log/", None):                    (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/audit-log/export.csv", None):          (L, 200, 403, 403, 404, 404, 404),
    ("GET", "/portal/tickets/new", None):                   (L, 200, 200, 200, 404, 404, 404),
    ("POST", "/portal/tickets/new", None):                  (L, 200, 200, 200, 404, 404, 404),
    ("GET", "/portal/tickets/suggest", None):               (401, 200, 200, 200, 404, 404, 404),
    ("GET", "/portal/tickets/subject-options", None):       (401, 404, 404, 404, 404, 404, 404),
    ("POST", "/portal/tickets/<pk>/reply", "ticket"):       (L, 200, 200, 200, 404, 404, 404),
    ("GET", "/portal/tickets/files/<pk>", "ticket_file"):   (L, 200, 200, 200, 404, 404, 404),
    # --- personal API keys (issue 19): the Portal Admin's alone ---
    ("GET", "/portal/api-keys/", None):                     (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/api-keys/", None):                    (L, 200, 403, 403, 404, 404, 404),
    ("POST", "/portal/api-keys/<pk>/revoke", "api_key"):    (L, 302, 403, 403, 404, 404, 404),
    # --- back office entry points (R-BO): every menu entry's list ---
    ("GET", "/customers/list/", None):                      (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/contact-persons/list/", None):                (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/contracts/list/", None):                      (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/contract-options/list/", None):               (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/locations/list/", None):                      (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/products/list/", None):                       (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/option-types/list/", None):                   (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/phone-numbers/list/", None):                  (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/sip-accounts/list/", None):                   (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/call-forwardings/list/", None):               (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/trunk-registrations/list/", None):            (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/dsl-accounts/list/", None):                   (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/cpe/list/", None):                            (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/shipments/list/", None):                      (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/self-care-changes/list/", None):              (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/orders/list/", None):                         (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/order-items/list/", None):                    (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/order-steps/list/", None):                    (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/portings/list/", None):                       (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/tickets/list/", None):                        (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/ticket-comments/list/", None):                (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/invoices/list/", None):                       (L, 403, 403, 403, 403, 200, 200),
    # Sales read documents too: an option order's uploads (issue 13 part 6).
    ("GET", "/documents/list/", None):                      (L, 403, 403, 403, 200, 200, 200),
    ("GET", "/call-records/list/", None):                   (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/outbox/list/", None):                         (L, 403, 403, 403, 403, 200, 200),
    ("GET", "/audit-log/list/", None):                      (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/users/list/", None):                          (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/roles/list/", None):                          (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/groups/list/", None):                         (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/permissions/list/", None):                    (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/viewmenus/list/", None):                      (L, 403, 403, 403, 403, 403, 200),
    ("GET", "/permissionviews/list/", None):                (L, 403, 403, 403, 403, 403, 200),
}


def _outcome(response):
    if response.status_code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return L
    return response.status_code


def _client(app, role, world, signed_in):
    """A client for the role and a CSRF token of its session (anonymous: the login page's)."""
    if role == "anonymous":
        client = new_client(app)
        return client, csrf_token_from(client.get("/login/").get_data(as_text=True))
    username = world["a"].users.get(role) or world["staff"][role]
    client = signed_in(username)
    return client, page_token(client.get("/").get_data(as_text=True))


def _request(client, token, method, rule, fill, world):
    url = rule.replace("<change_id>", str(world["a"].named["change"]))  # the trunk's failed self-care change
    url = re.sub(r"<[a-z_]+>", str(world["a"].named[fill]), url) if fill else url
    if method in WRITE_METHODS:
        response = client.open(url, method=method, data={"csrf_token": token}, headers={"X-CSRFToken": token})
    else:
        response = client.open(url, method=method)
    response.get_data()
    response.close()
    return _outcome(response)


def _menu_urls(app):
    """The URL of every back-office menu entry (portal entries are portal routes, checked above)."""
    urls = set()
    with app.test_request_context():
        for item in app.appbuilder.menu.get_list():
            for child in item.childs or [item]:
                view = getattr(child, "baseview", None)
                if view is not None and not view.class_permission_name.startswith("Portal"):
                    urls.add(child.get_url())
    return urls


@pytest.mark.rule("S2")
def test_every_portal_route_and_method_has_a_cell(app):
    cells = {(method, rule) for method, rule, _ in MATRIX}
    missing = sorted((method, route.path) for route in portal_routes(app) for method in route.methods
                     if method != "HEAD" and (method, route.path) not in cells)
    assert not missing, f"add these portal routes to the S2 matrix: {missing}"


@pytest.mark.rule("S2")
def test_every_back_office_entry_point_has_a_cell(app):
    cells = {rule for method, rule, _ in MATRIX if method == "GET"}
    menu = _menu_urls(app)
    assert len(menu) >= 25
    assert not menu - cells, f"add these back-office entry points to the S2 matrix: {sorted(menu - cells)}"


@pytest.mark.rule("S2")
def test_the_matrix_names_only_existing_routes_and_owner_rows(app, world):
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules() for method in rule.methods}
    for method, rule, fill in MATRIX:
        assert (method, rule) in rules, f"no such route: {method} {rule}"
        assert ("<" in rule) == (fill is not None), (rule, fill)
        assert fill is None or fill in world["a"].named, fill
        assert len(MATRIX[(method, rule, fill)]) == len(ROLES), rule


@pytest.mark.rule("S2")
@pytest.mark.parametrize("role", ROLES)
def test_route_role_matrix(app, world, signed_in, role):
    """S2: every cell for one role, reads before writes (accepting the offer changes it)."""
    client, token = _client(app, role, world, signed_in)
    column = ROLES.index(role)
    cells = sorted(MATRIX, key=lambda key: key[0] in WRITE_METHODS)
    got = {key: _request(client, token, *key, world) for key in cells}
    expected = {key: MATRIX[key][column] for key in cells}
    changed = {f"{m} {r}": (expected[(m, r, f)], got[(m, r, f)]) for m, r, f in cells if got[(m, r, f)] != expected[(m, r, f)]}
    assert not changed, f"{role}: cells changed (expected, got): {changed}"


@pytest.mark.rule("S2")
def test_menu_shows_only_what_the_role_may_open(app, world, signed_in):
    pbx = signed_in(world["a"].users[PBX_ADMIN]).get("/").get_data(as_text=True)
    assert "/portal/cloud-phone/" in pbx and "/portal/tickets/" in pbx
    assert "/portal/contracts/" not in pbx and "/portal/invoices/" not in pbx
    accounting = signed_in(world["a"].users[ACCOUNTING]).get("/").get_data(as_text=True)
    assert "/portal/invoices/" in accounting and "/portal/orders/" not in accounting
    admin = signed_in(world["staff"][ADMIN]).get("/").get_data(as_text=True)
    assert "/portal/" not in admin
