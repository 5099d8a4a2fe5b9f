"""R-BO-4: Admins compose staff roles in the back office; the product's own roles stay as declared."""
from __future__ import annotations

import pytest
from flask_appbuilder.security.sqla.models import PermissionView, Role
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog
from app.security.roles import ADMIN, PORTAL_ADMIN, SERVICE, sync_roles
from app.services import staff_roles
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user
from tests.integration.backoffice_forms import staff_client

PASSWORD = "Sicher#Kennwort42"


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "roles.admin")


def _pv(app, permission: str, view: str) -> int:
    with app.app_context():
        for pv in db.session.scalars(select(PermissionView)).all():
            if (pv.permission.name, pv.view_menu.name) == (permission, view):
                return pv.id
    raise AssertionError(f"no permission {permission} on {view}")


def _role(app, name: str):
    with app.app_context():
        role = db.session.scalar(select(Role).where(Role.name == name))
        if role is None:
            return None
        return role.id, {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}


def _token(client, url: str) -> str:
    return csrf_token_from(client.get(url).get_data(as_text=True))


def _add(app, client, name: str, *pairs, extra_ids=()):
    ids = [str(_pv(app, *pair)) for pair in pairs] + [str(i) for i in extra_ids]
    return client.post("/roles/add", data={"csrf_token": _token(client, "/roles/add"), "name": name,
                                           "permissions": ids})


READ_CUSTOMERS = (("can_list", "CustomerView"), ("can_show", "CustomerView"))


@pytest.mark.rule("R-BO-4")
def test_the_role_form_offers_back_office_permissions_in_german_and_no_portal_ones(app, admin_client):
    page = admin_client.get("/roles/add").get_data(as_text=True)
    assert "Kunden: auflisten" in page and "Verträge: bearbeiten" in page
    # Derived permissions are not chosen by hand, portal ones never offered.
    assert "Portal" not in page.split('name="permissions"', 1)[1].split("</select>", 1)[0]
    assert "Menüeintrag" not in page
    assert len(page.encode()) < 150_000


@pytest.mark.rule("R-BO-4")
def test_a_composed_role_gives_a_staff_account_exactly_its_views_and_their_menu(app, admin_client, client, login):
    response = _add(app, admin_client, "Callcenter", *READ_CUSTOMERS)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    role_id, pairs = _role(app, "Callcenter")
    assert set(READ_CUSTOMERS) <= pairs
    assert ("menu_access", "Customers (back office)") in pairs
    assert ("menu_access", "Customers & contracts (back office)") in pairs
    assert ("can_access", "Account") in pairs  # the user menu: profile, password
    assert ("can_lookup", "BackofficeLookup") not in pairs  # reads only: no select fields to search
    with app.app_context():
        entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "role_saved"))
        assert entry.object_id == str(role_id) and "roles.admin" in entry.details

    with app.app_context():
        make_user("Callcenter", username="cc.agent", password=PASSWORD)
        db.session.commit()
    agent = app.test_client()
    from tests.auth_helpers import complete_login_with_pin

    assert complete_login_with_pin(agent, "cc.agent", PASSWORD).status_code == 302
    page = agent.get("/customers/list/")
    assert page.status_code == 200
    navbar = page.get_data(as_text=True)
    assert "/customers/list/" in navbar and "/contracts/list/" not in navbar
    assert agent.get("/contracts/list/").status_code == 403
    assert agent.get("/customers/add").status_code == 403
    assert agent.get("/roles/list/").status_code == 403
    assert agent.get("/account/profile").status_code in (200, 302)


@pytest.mark.rule("R-BO-4")
def test_a_role_that_may_write_gets_the_select_search(app, admin_client):
    assert _add(app, admin_client, "Standorte", ("can_list", "LocationView"),
                ("can_add", "LocationView")).status_code == 302
    _, pairs = _role(app, "Standorte")
    assert ("can_lookup", "BackofficeLookup") in pairs


@pytest.mark.rule("R-BO-4", "R7")
@pytest.mark.parametrize("name, message", [
    ("", "Dieses Feld wird benötigt."),
    ("service", "eine der Rollen des Produkts"),
    ("Admin", "eine der Rollen des Produkts"),
    ("x" * 65, "höchstens 64 Zeichen"),
])
def test_bad_names_are_refused_with_the_rule(app, admin_client, name, message):
    response = _add(app, admin_client, name, *READ_CUSTOMERS)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert [r.name for r in db.session.scalars(select(Role)) if not staff_roles.is_declared(r.name)] == []


@pytest.mark.rule("R-BO-4")
def test_a_role_needs_a_permission_and_a_name_of_its_own(app, admin_client):
    response = _add(app, admin_client, "Leer")
    assert "Bitte wählen Sie mindestens eine Berechtigung." in response.get_data(as_text=True)
    assert _role(app, "Leer") is None
    assert _add(app, admin_client, "Callcenter", *READ_CUSTOMERS).status_code == 302
    response = _add(app, admin_client, "CALLCENTER", *READ_CUSTOMERS)
    assert "Eine Rolle namens CALLCENTER gibt es schon." in response.get_data(as_text=True)


@pytest.mark.rule("R-BO-4")
def test_a_portal_permission_cannot_be_slipped_in(app, admin_client):
    portal_pv = _pv(app, "can_list", "PortalContracts")
    response = _add(app, admin_client, "Hintertür", *READ_CUSTOMERS, extra_ids=[portal_pv])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Bitte wählen Sie nur Berechtigungen aus der Liste." in page
    assert _role(app, "Hintertür") is None
    with app.app_context():
        with pytest.raises(Exception) as refused:
            staff_roles.save_role(app.appbuilder, Role(), "Hintertür", [db.session.get(PermissionView, portal_pv)])
        assert "Admin" in str(refused.value)
        db.session.rollback()


@pytest.mark.rule("R-BO-4")
def test_the_products_roles_are_shown_but_never_changed(app, admin_client):
    service_id, before = _role(app, SERVICE)
    response = admin_client.get(f"/roles/edit/{service_id}")
    assert response.status_code == 302 and f"/roles/show/{service_id}" in response.headers["Location"]
    page = admin_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "roles sync" in page and "Kunden: auflisten" in page
    assert "Benutzermenü: Profil und Kennwort" in page and "Auswahlfelder: suchen" in page
    assert "can_" not in page.split("Berechtigungen", 1)[1]
    token = _token(admin_client, "/roles/list/")
    admin_client.post(f"/roles/edit/{service_id}", data={"csrf_token": token, "name": "Service",
                                                          "permissions": [str(_pv(app, *READ_CUSTOMERS[0]))]})
    response = admin_client.post(f"/roles/delete/{service_id}", data={"csrf_token": token})
    assert response.status_code == 302
    assert _role(app, SERVICE) == (service_id, before)
    with app.app_context():
        with pytest.raises(Exception):
            staff_roles.save_role(app.appbuilder, db.session.get(Role, service_id), "Service", [])
        db.session.rollback()


@pytest.mark.rule("R-BO-4")
def test_a_composed_role_is_edited_and_deleted_once_no_account_holds_it(app, admin_client):
    assert _add(app, admin_client, "Callcenter", *READ_CUSTOMERS).status_code == 302
    role_id, _ = _role(app, "Callcenter")
    token = _token(admin_client, f"/roles/edit/{role_id}")
    response = admin_client.post(f"/roles/edit/{role_id}", data={
        "csrf_token": token, "name": "Callcenter Verträge",
        "permissions": [str(_pv(app, "can_list", "ContractView"))],
    })
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    _, pairs = _role(app, "Callcenter Verträge")
    assert ("can_list", "ContractView") in pairs and ("can_list", "CustomerView") not in pairs
    assert ("menu_access", "Contracts (back office)") in pairs
    assert ("menu_access", "Customers (back office)") not in pairs

    with app.app_context():
        holder = make_user("Callcenter Verträge", username="cc.holder", password=PASSWORD)
        db.session.commit()
        holder_id = holder.id
    admin_client.post(f"/roles/delete/{role_id}", data={"csrf_token": token})
    assert _role(app, "Callcenter Verträge") is not None
    page = admin_client.get("/roles/list/").get_data(as_text=True)
    assert "noch 1 Konto zugewiesen" in page

    with app.app_context():
        from app.models import EServiceUser

        db.session.get(EServiceUser, holder_id).roles = [app.appbuilder.sm.find_role(SERVICE)]
        db.session.commit()
    admin_client.post(f"/roles/delete/{role_id}", data={"csrf_token": token})
    assert _role(app, "Callcenter Verträge") is None
    with app.app_context():
        assert db.session.scalar(select(AuditLog).where(AuditLog.action == "role_deleted")) is not None


@pytest.mark.rule("R-BO-4")
def test_roles_sync_keeps_a_composed_role(app, admin_client):
    assert _add(app, admin_client, "Callcenter", *READ_CUSTOMERS).status_code == 302
    before = _role(app, "Callcenter")
    with app.app_context():
        sync_roles(app.appbuilder)
    assert _role(app, "Callcenter") == before


@pytest.mark.rule("R-BO-4")
def test_a_composed_role_makes_an_account_a_staff_account(app, admin_client):
    assert _add(app, admin_client, "Callcenter", *READ_CUSTOMERS).status_code == 302
    with app.app_context():
        customer = make_customer()
        db.session.commit()
        customer_id = customer.id
        ids = [app.appbuilder.sm.find_role("Callcenter").id, app.appbuilder.sm.find_role(PORTAL_ADMIN).id]
    page = admin_client.get("/users/add")
    response = admin_client.post("/users/add", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": "Eva", "last_name": "Neu",
        "username": "eva.mix", "email": "eva.mix@example.com", "status": "active", "active": "y",
        "second_factor": "none", "roles": [str(i) for i in ids], "customer": str(customer_id),
        "password": "Gutes#Kennwort1", "conf_password": "Gutes#Kennwort1",
    })
    assert "entweder" in response.get_data(as_text=True)
