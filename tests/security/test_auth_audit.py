"""Audit log completeness (issue 3 point 8) and "inactive is final" (R-AUTH-10).

Account creation, back-office edits (field names, never values) and status changes are audited on
every path; the back office shows each action by its translated label and filters by action.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, Customer, EServiceUser
from app.models.enums import UserStatus
from app.security.roles import ADMIN, PBX_ADMIN, SERVICE
from app.services import audit
from app.services.auth import status as account_status
from app.services.customers import PortalAdminData, create_customer
from app.services.errors import Invalid
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user
from tests.integration.backoffice_forms import staff_client
from tests.security.auth_fixtures import client, new_client, password_step  # noqa: F401  - fixtures

PW = "Sicher#Kennwort42"
INACTIVE_DE = "endgültig"


def _entries(action: str, **where):
    db.session.expire_all()
    query = select(AuditLog).where(AuditLog.action == action)
    for key, value in where.items():
        query = query.where(getattr(AuditLog, key) == value)
    return db.session.scalars(query.order_by(AuditLog.id)).all()


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "audit.admin")


def _edit_form(app, c, user_id, **changes):
    page = c.get(f"/users/edit/{user_id}")
    assert page.status_code == 200
    with app.app_context():
        user = db.session.get(EServiceUser, user_id)
        data = {"csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": user.first_name,
                "last_name": user.last_name, "username": user.username, "email": user.email,
                "phone": user.phone or "", "mobile": user.mobile or "", "customer": str(user.customer_id or ""),
                "status": user.status.value, "second_factor": user.second_factor.value,
                "roles": [str(r.id) for r in user.roles]}
        if user.active:
            data["active"] = "y"
    data.update(changes)
    return c.post(f"/users/edit/{user_id}", data=data)


# --- account creation ----------------------------------------------------------------------------

def test_account_created_by_the_back_office_is_audited(app, admin_client):
    page = admin_client.get("/users/add")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role(SERVICE).id
    response = admin_client.post("/users/add", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": "Neu", "last_name": "Angelegt",
        "username": "new.staff", "email": "new.staff@example.com", "status": "active", "active": "y",
        "second_factor": "none", "roles": str(role_id), "password": "Gutes#Kennwort1",
        "conf_password": "Gutes#Kennwort1"})
    assert response.status_code == 302
    with app.app_context():
        [entry] = _entries(audit.ACCOUNT_CREATED, username="new.staff")
        assert "by audit.admin" in entry.details and "Gutes" not in entry.details
        assert entry.object_id == str(db.session.scalar(select(EServiceUser.id).where(
            EServiceUser.username == "new.staff")))


@pytest.mark.rule("R-AUTH-4")
def test_portal_admin_created_with_the_customer_is_audited(app_ctx):
    """R-AUTH-4: creating a customer creates its Portal Admin; the account creation is in the audit log."""
    customer = Customer(company_name="Audit GmbH", email="info@audit.example", street="Weg 1", zip_code="40210",
                        city="Düsseldorf", main_phone="+49 211 1")
    _, user = create_customer(customer, PortalAdminData("Anna", "Audit", "anna@audit.example", "+491712223335"))
    [entry] = _entries(audit.ACCOUNT_CREATED, user_id=user.id)
    assert entry.customer_id == customer.id and entry.object_type == "user"


# --- back-office edits -----------------------------------------------------------------------------

@pytest.mark.rule("S14")
def test_back_office_edit_records_the_changed_fields_never_their_values(app, admin_client):
    with app.app_context():
        user = make_user(PBX_ADMIN, customer=make_customer(), username="audit.edit", email="old@example.com")
        db.session.commit()
        user_id = user.id
    response = _edit_form(app, admin_client, user_id, email="new.secret.address@example.com", first_name="Neuer")
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    with app.app_context():
        [entry] = _entries(audit.USER_EDITED, user_id=user_id)
        assert entry.details.startswith("changed: ")
        assert set(entry.details.split(" by ")[0][len("changed: "):].split(", ")) == {"first_name", "email"}
        assert "by audit.admin" in entry.details
        assert "new.secret.address" not in entry.details and "Neuer" not in entry.details
    # Saving without a change writes no entry.
    assert _edit_form(app, admin_client, user_id).status_code == 302
    with app.app_context():
        assert len(_entries(audit.USER_EDITED, user_id=user_id)) == 1


# --- status changes, wherever they happen ----------------------------------------------------------

@pytest.mark.rule("R-AUTH-10")
def test_status_changes_are_audited_on_every_path(app, admin_client):
    with app.app_context():
        user = make_user(PBX_ADMIN, customer=make_customer(), username="audit.status")
        db.session.commit()
        user_id = user.id
        account_status.set_status(user, UserStatus.LOCKED)  # service, outside a request: "system"
    assert _edit_form(app, admin_client, user_id, status="active").status_code == 302  # back office
    with app.app_context():
        user = db.session.get(EServiceUser, user_id)
        user.status = UserStatus.INACTIVE  # any other path, e.g. a script
        db.session.commit()
        details = [e.details for e in _entries(audit.STATUS_CHANGED, user_id=user_id)]
    assert details == ["active → locked by system", "locked → active by audit.admin",
                       "active → inactive by system"]


# --- R-AUTH-10: inactive is final -----------------------------------------------------------------

@pytest.mark.rule("R-AUTH-10")
def test_service_refuses_to_reactivate_an_inactive_account(app_ctx):
    user = make_user(PBX_ADMIN, customer=make_customer(), status=UserStatus.INACTIVE)
    db.session.commit()
    for status in (UserStatus.ACTIVE, UserStatus.LOCKED):
        with pytest.raises(Invalid) as caught:
            account_status.set_status(user, status)
        assert INACTIVE_DE in caught.value.messages[0]
    db.session.expire_all()
    assert db.session.get(EServiceUser, user.id).status is UserStatus.INACTIVE


@pytest.mark.rule("R-AUTH-10")
def test_no_path_can_reactivate_an_inactive_account(app_ctx):
    """Even a write that skips the service is refused with the rule's message."""
    user = make_user(PBX_ADMIN, customer=make_customer(), status=UserStatus.INACTIVE)
    db.session.commit()
    user.status = UserStatus.ACTIVE  # attribute expired after the commit: the old value is loaded first
    with pytest.raises(Invalid):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(EServiceUser, user.id).status is UserStatus.INACTIVE


@pytest.mark.rule("R-AUTH-10")
def test_back_office_refuses_to_reactivate_an_inactive_account(app, admin_client):
    with app.app_context():
        user = make_user(PBX_ADMIN, customer=make_customer(), username="audit.gone", status=UserStatus.INACTIVE)
        db.session.commit()
        user_id = user.id
    response = _edit_form(app, admin_client, user_id, status="active")
    assert response.status_code == 422
    assert INACTIVE_DE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EServiceUser, user_id).status is UserStatus.INACTIVE
        assert _entries(audit.STATUS_CHANGED, user_id=user_id) == []


@pytest.mark.rule("R-AUTH-10", "S8")
def test_deactivation_ends_sessions_and_sign_in(app, admin_client):
    """R-AUTH-10, S8: set inactive in the back office, the user's open session ends and sign-in fails."""
    with app.app_context():
        user = make_user(PBX_ADMIN, customer=make_customer(), username="audit.bye")
        db.session.commit()
        user_id = user.id
    browser = new_client(app)
    assert password_step(browser, "audit.bye", PW).status_code == 302
    assert browser.get("/account/profile").status_code == 200
    assert _edit_form(app, admin_client, user_id, status="inactive").status_code == 302
    assert browser.get("/account/profile").status_code == 302
    assert password_step(new_client(app), "audit.bye", PW).status_code == 200


# --- the back office's audit view ------------------------------------------------------------------

def _rows(html: str) -> str:
    """The list's table (after the search form and its script)."""
    start = html.find('<table class="table table-bordered')
    return html[start:html.find("</table>", start)] if start >= 0 else ""


def test_audit_view_shows_translated_actions_and_filters_by_action(app, admin_client):
    with app.app_context():
        make_user(PBX_ADMIN, customer=make_customer(), username="audit.view")
        db.session.commit()
    rows = _rows(admin_client.get("/audit-log/list/").get_data(as_text=True))
    assert "Konto angelegt" in rows and "Angemeldet" in rows  # the admin's sign-in and the new account
    assert "account_created" not in rows and "sign_in" not in rows
    filtered = _rows(admin_client.get("/audit-log/list/?_flt_0_action=account_created").get_data(as_text=True))
    assert "Konto angelegt" in filtered and "Angemeldet" not in filtered
    # The filter offers the actions by their labels (FAB renders the search form as JSON for its script).
    page = admin_client.get("/audit-log/list/").get_data(as_text=True)
    assert '\\u003coption value=\\"account_created\\"\\u003eKonto angelegt' in page


def test_every_action_code_has_a_label():
    """Each code the product records is labelled (an unknown code would be shown raw)."""
    import app.services.audit as audit_module

    codes = {value for name, value in vars(audit_module).items() if name.isupper() and isinstance(value, str)}
    assert codes <= set(audit.ACTION_LABELS)
    from app.services.portal import call_records, orders, overview, pbx

    for code in (call_records.CALL_RECORDS_EXPORTED, orders.ORDER_ACCEPTED, overview.HOTLINE_PASSWORD_SHOWN,
                 pbx.PBX_SIGN_ON):
        assert code in audit.ACTION_LABELS


@pytest.mark.rule("R7")
def test_customer_text_filters_of_the_account_and_audit_lists_work(app, admin_client):
    """R7: `?_flt_0_customer_id=…` on the user and audit lists is a filtered page, not a 500."""
    with app.app_context():
        customer = make_customer(customer_number="8123456")
        make_user(PBX_ADMIN, customer=customer, username="audit.filtered")
        make_user(PBX_ADMIN, customer=make_customer(), username="audit.other")
        db.session.commit()
    users = admin_client.get("/users/list/?_flt_0_customer_id=8123456")
    assert users.status_code == 200
    assert "audit.filtered" in users.get_data(as_text=True) and "audit.other" not in users.get_data(as_text=True)
    assert admin_client.get("/audit-log/list/?_flt_0_customer_id=8123456").status_code == 200
