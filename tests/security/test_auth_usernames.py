"""R-AUTH-1: usernames are unique case-insensitively in every alphabet, on every path that sets one.

`username_key` (NFC + Unicode case folding) is what sign-in looks up and what a unique index keeps
unique; a duplicate is a translated message naming the rule, never an IntegrityError.
"""
from __future__ import annotations

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, insert, select, text
from sqlalchemy.exc import IntegrityError

import config
from app.extensions import db
from app.models import Customer, EServiceUser
from app.security.roles import ADMIN, PBX_ADMIN, SERVICE
from app.services.auth import usernames
from app.services.customers import PortalAdminData, create_customer
from app.services.errors import Invalid
from tests.conftest import csrf_token_from
from tests.factories import make_customer, make_user
from tests.integration.backoffice_forms import staff_client
from tests.security.auth_fixtures import client, new_client, password_step, post_form  # noqa: F401  - fixtures

PW = "Sicher#Kennwort42"
RULE_DE = "bereits vergeben"
RULE_EN = "regardless of upper and lower case"


def _count(username_like: str) -> int:
    return db.session.scalar(select(func.count(EServiceUser.id)).where(
        func.lower(EServiceUser.username).like(username_like)))


@pytest.mark.rule("R-AUTH-1")
def test_non_ascii_username_signs_in_as_typed_and_in_any_case(app_ctx, client):
    """SQLite's lower() folds ASCII only: `ÖZGÜR.Admin` could not sign in even with the exact name."""
    make_user(PBX_ADMIN, customer=make_customer(), username="ÖZGÜR.Admin")
    for typed in ("ÖZGÜR.Admin", "özgür.admin", "Özgür.ADMIN"):
        c = new_client(client.application)
        response = password_step(c, typed, PW)
        assert response.status_code == 302, typed
        assert c.get("/account/profile").status_code == 200, typed


@pytest.mark.rule("R-AUTH-1")
def test_case_folding_joins_sharp_s_and_composed_forms(app_ctx):
    """Unicode case folding (ß = ss) and NFC (composed = decomposed é) make one name."""
    user = make_user(PBX_ADMIN, customer=make_customer(), username="Straße.Café")
    assert usernames.find_by_username("STRASSE.CAFE\u0301") == user
    assert usernames.find_by_username("strasse.café") == user


@pytest.mark.rule("R-AUTH-1")
def test_the_database_refuses_a_second_name_differing_only_in_case(app_ctx):
    """The unique index holds even for a write that skips every service check."""
    make_user(PBX_ADMIN, customer=make_customer(), username="dup.name")
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(EServiceUser.__table__).values(
            first_name="X", last_name="Y", username="DUP.name", username_key="dup.name", email="dup2@example.com",
            status="active", second_factor="none", session_version=1, active=True))
    db.session.rollback()


@pytest.mark.rule("R-AUTH-1", "R7")
def test_any_write_of_a_duplicate_is_a_translated_message(app_ctx):
    """A path that forgot to check gets the rule's message from the flush guard, not an IntegrityError."""
    make_user(PBX_ADMIN, customer=make_customer(), username="dup.flush")
    db.session.commit()
    with pytest.raises(Invalid) as caught:
        make_user(PBX_ADMIN, customer=make_customer(), username="DUP.Flush")
    db.session.rollback()
    assert RULE_DE in caught.value.messages[0] or RULE_EN in caught.value.messages[0]
    assert _count("dup.flush") == 1


@pytest.mark.rule("R-AUTH-1", "R-AUTH-8")
def test_profile_rename_to_a_name_taken_in_another_case_is_refused(app_ctx, client):
    """R-AUTH-1/8: renaming to `ÖZGÜR.taken` beside `özgür.TAKEN` is refused with the rule's message."""
    make_user(PBX_ADMIN, customer=make_customer(), username="özgür.TAKEN")
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.rename", email="rename@example.com")
    password_step(client, "pbx.rename", PW)
    response = post_form(client, "/account/profile", {"username": "ÖZGÜR.taken", "email": "rename@example.com",
                                                       "mobile": "", "current_password": PW})
    assert response.status_code == 422
    assert RULE_DE in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(EServiceUser, user.id).username == "pbx.rename"
    # Changing only the case of one's own name is allowed, and the key follows.
    ok = post_form(client, "/account/profile", {"username": "PBX.Rename", "email": "rename@example.com",
                                                 "mobile": "", "current_password": PW})
    assert ok.status_code == 302
    db.session.expire_all()
    renamed = db.session.get(EServiceUser, user.id)
    assert (renamed.username, renamed.username_key) == ("PBX.Rename", "pbx.rename")


@pytest.fixture
def admin_client(app, client, login):
    return staff_client(app, client, login, ADMIN, "uk.admin")


def _add_user(app, c, username):
    page = c.get("/users/add")
    with app.app_context():
        role_id = app.appbuilder.sm.find_role(SERVICE).id
    return c.post("/users/add", data={
        "csrf_token": csrf_token_from(page.get_data(as_text=True)), "first_name": "Eva", "last_name": "Neu",
        "username": username, "email": f"{abs(hash(username))}@example.com", "status": "active", "active": "y",
        "second_factor": "none", "roles": str(role_id), "password": "Gutes#Kennwort1",
        "conf_password": "Gutes#Kennwort1"})


@pytest.mark.rule("R-AUTH-1")
def test_back_office_add_refuses_a_case_variant(app, admin_client):
    """R-AUTH-1 in the back office: `EVA.NEU` beside `eva.neu` is refused with the rule's message."""
    assert _add_user(app, admin_client, "eva.neu").status_code == 302
    response = _add_user(app, admin_client, "EVA.NEU")
    assert response.status_code == 422
    assert RULE_DE in response.get_data(as_text=True)
    with app.app_context():
        assert _count("eva.neu") == 1
        assert db.session.scalars(select(EServiceUser.username_key).where(
            EServiceUser.username == "eva.neu")).one() == "eva.neu"


@pytest.mark.rule("R-AUTH-1")
def test_back_office_edit_refuses_a_case_variant(app, admin_client):
    with app.app_context():
        make_user(SERVICE, username="ülrich.one")
        other = make_user(SERVICE, username="ulrich.two")
        db.session.commit()
        other_id = other.id
    page = admin_client.get(f"/users/edit/{other_id}")
    html = page.get_data(as_text=True)
    with app.app_context():
        role_id = app.appbuilder.sm.find_role(SERVICE).id
        email = db.session.get(EServiceUser, other_id).email
    response = admin_client.post(f"/users/edit/{other_id}", data={
        "csrf_token": csrf_token_from(html), "first_name": "Test", "last_name": "Zwei", "username": "ÜLRICH.ONE",
        "email": email, "status": "active", "active": "y", "second_factor": "none", "roles": str(role_id)})
    assert response.status_code == 422
    assert RULE_DE in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(EServiceUser, other_id).username == "ulrich.two"


@pytest.mark.rule("R-AUTH-1", "R-AUTH-4")
def test_customer_creation_refuses_a_portal_admin_name_taken_in_another_case(app_ctx):
    """R-AUTH-4 path: the Portal Admin's chosen name `ÖZGÜR.KUNDE` beside `özgür.kunde` is a message."""
    make_user(PBX_ADMIN, customer=make_customer(), username="özgür.kunde")
    db.session.commit()
    customer = Customer(company_name="Doppelt GmbH", email="info@doppelt.example", street="Weg 1",
                        zip_code="40210", city="Düsseldorf", main_phone="+49 211 1")
    with pytest.raises(Invalid) as caught:
        create_customer(customer, PortalAdminData("Özgür", "Kunde", "oz@doppelt.example", None, "ÖZGÜR.KUNDE"))
    assert any(RULE_DE in m or RULE_EN in m or "vergeben" in m for m in caught.value.messages)
    assert _count("%kunde") == 1


@pytest.mark.rule("R-AUTH-1")
def test_fab_find_user_uses_the_same_key(app_ctx):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="ÄRGER.fab")
    assert app_ctx.appbuilder.sm.find_user(username="ärger.FAB") == user


# --- the migration -------------------------------------------------------------------------------

MIGRATIONS = str(config.BASE_DIR / "migrations")
BEFORE_KEY = "a3c5e7f9b1d2"


def _insert_old_user(username: str, n: int) -> None:
    db.session.execute(text(
        "INSERT INTO ab_user (first_name, last_name, username, email, active, status, second_factor, "
        "session_version) VALUES ('A', 'B', :u, :e, 1, 'active', 'none', 1)"), {"u": username, "e": f"m{n}@x.example"})
    db.session.commit()


@pytest.mark.rule("R-AUTH-1")
def test_migration_fills_the_key_of_existing_accounts(scratch_app):
    with scratch_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_KEY)
        _insert_old_user("ÖZGÜR.Admin", 1)
        _insert_old_user("plain", 2)
        upgrade(directory=MIGRATIONS)
        keys = dict(db.session.execute(text("SELECT username, username_key FROM ab_user")).all())
        assert keys == {"ÖZGÜR.Admin": "özgür.admin", "plain": "plain"}
        downgrade(directory=MIGRATIONS, revision=BEFORE_KEY)
        assert "username_key" not in {c["name"] for c in db.inspect(db.engine).get_columns("ab_user")}


@pytest.mark.rule("R-AUTH-1")
def test_migration_stops_and_names_existing_case_duplicates(scratch_app, capfd):
    """Two existing names differing only in case: the upgrade names them and changes nothing, so it can
    run again once one is renamed."""
    with scratch_app.app_context():
        upgrade(directory=MIGRATIONS, revision=BEFORE_KEY)
        _insert_old_user("dup.name", 1)
        _insert_old_user("DUP.name", 2)
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits
            upgrade(directory=MIGRATIONS)
        assert "'dup.name' (id 1) and 'DUP.name' (id 2)" in capfd.readouterr().err
        assert "username_key" not in {c["name"] for c in db.inspect(db.engine).get_columns("ab_user")}
        db.session.execute(text("UPDATE ab_user SET username = 'dup.name2' WHERE id = 2"))
        db.session.commit()
        upgrade(directory=MIGRATIONS)
        assert db.session.execute(text("SELECT username_key FROM ab_user WHERE id = 2")).scalar() == "dup.name2"
