"""Back-office account creation follows R-AUTH-1/2 and keeps portal and staff accounts apart."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import EServiceUser
from app.security.roles import ADMIN, PBX_ADMIN, SERVICE
from tests.conftest import csrf_token_from
from tests.factories import make_customer
from tests.integration.backoffice_forms import staff_client


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "users.admin")


def _role_id(app, name):
    with app.app_context():
        return app.appbuilder.sm.find_role(name).id


def _post(app, client, **fields):
    page = client.get("/users/add")
    data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": "Eva", "last_name": "Neu",
            "username": "eva.neu", "email": "eva.neu@example.com", "status": "active", "active": "y",
            "second_factor": "none", "roles": str(_role_id(app, SERVICE)), "password": "Gutes#Kennwort1",
            "conf_password": "Gutes#Kennwort1"}
    data.update(fields)
    return client.post("/users/add", data=data)


def _count(app):
    with app.app_context():
        return db.session.scalar(select(func.count(EServiceUser.id)))


@pytest.mark.rule("R-BO-4", "S14")
def test_a_valid_staff_account_is_created(app, admin_client):
    response = _post(app, admin_client)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == "eva.neu"))
        assert user.password != "Gutes#Kennwort1" and user.password.startswith("scrypt")


@pytest.mark.rule("R-AUTH-1", "R-AUTH-2")
@pytest.mark.parametrize("fields", [
    {"username": "ev"},                                                   # R-AUTH-1 too short
    {"username": "eva<neu>"},                                             # R-AUTH-1 characters
    {"password": "kurz#1", "conf_password": "kurz#1"},                    # R-AUTH-2 too short
    {"password": "Kennwort€uro1", "conf_password": "Kennwort€uro1"},      # R-AUTH-2 characters
    {"password": "eva.neu#Kennwort", "conf_password": "eva.neu#Kennwort"},  # contains the username
])
def test_rule_breaking_accounts_are_refused(app, admin_client, fields):
    before = _count(app)
    response = _post(app, admin_client, **fields)
    assert response.status_code == 422
    assert _count(app) == before


@pytest.mark.rule("R-BO-4")
def test_portal_role_needs_a_customer_and_staff_must_not_have_one(app, admin_client):
    before = _count(app)
    assert _post(app, admin_client, roles=str(_role_id(app, PBX_ADMIN))).status_code == 422
    with app.app_context():
        customer_id = make_customer().id
        db.session.commit()
    assert _post(app, admin_client, customer=str(customer_id)).status_code == 422
    assert _count(app) == before
    assert _post(app, admin_client, roles=str(_role_id(app, PBX_ADMIN)), customer=str(customer_id)).status_code == 302


def test_show_page_counts_failed_sign_in_steps(app, admin_client):
    """S6, S7: the back office shows an account's failed steps of the last day, read from the lockout's own
    counters (a failed step writes no account row, so known and unknown names cost the same)."""
    from tests.factories import make_user
    from tests.security.auth_fixtures import new_client, password_step

    with app.app_context():
        user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.fails")
        db.session.commit()
        user_id = user.id
    for _ in range(3):
        assert password_step(new_client(app), "pbx.fails", "falsches-Kennwort1").status_code == 200
    page = admin_client.get(f"/users/show/{user_id}").get_data(as_text=True)
    assert "Fehlgeschlagene Anmeldeschritte (letzte 24 Stunden)" in page
    cell = page[page.index("Fehlgeschlagene Anmeldeschritte"):][:400]
    assert ">3<" in cell.replace(" ", "").replace("\n", ""), cell
