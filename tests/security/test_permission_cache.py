"""R-BO-4 with cached permissions (issue 20): every worker keeps permission sets and the menu per role
set, and still sees a change of a role's permissions on its next request.

"Another worker" is a second app object over the same database, as with gunicorn -w 2: it
has caches of its own and learns of a change only through the database's counter.
"""
from __future__ import annotations

import pytest
from flask_appbuilder.security.sqla.models import PermissionView, Role, assoc_permissionview_role
from sqlalchemy import select

import config
from app import create_app
from app.extensions import db
from app.roles import ADMIN, PORTAL_ADMIN, SERVICE
from app.security import menu_cache, permission_cache
from app.security.manager import RoleRef
from app.security.roles import sync_roles
from app.services import staff_roles
from tests.auth_helpers import complete_login_with_pin
from tests.factories import make_user
from tests.sql_counting import statements_of

PASSWORD = "Sicher#Kennwort42"
CUSTOMERS = (("can_list", "CustomerView"), ("can_show", "CustomerView"))
CONTRACTS = (("can_list", "ContractView"),)


@pytest.fixture
def worker(app):
    """A second app (a second gunicorn worker) over the suite's database."""
    class WorkerConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        DOCUMENT_STORAGE_DIR = app.config["DOCUMENT_STORAGE_DIR"]

    second = create_app(WorkerConfig)
    yield second
    with second.app_context():
        db.session.remove()
        db.engine.dispose()


def _pvs(pairs):
    chosen = []
    for pv in db.session.scalars(select(PermissionView)).all():
        if (pv.permission.name, pv.view_menu.name) in pairs:
            chosen.append(pv)
    assert len(chosen) == len(pairs), pairs
    return chosen


def _compose(app, name: str, pairs, role_id: int | None = None) -> int:
    """Create or change a composed staff role (the back office's role form does the same), committed."""
    with app.test_request_context():
        role = db.session.get(Role, role_id) if role_id else Role()
        staff_roles.save_role(app.appbuilder, role, name, _pvs(pairs))
        db.session.commit()
        return role.id


def _staff(app, role: str, username: str):
    with app.app_context():
        make_user(role, username=username, password=PASSWORD)
        db.session.commit()


def _signed_in(app, username: str):
    client = app.test_client()
    assert complete_login_with_pin(client, username, PASSWORD, app=app).status_code == 302
    return client


def _version(app):
    with app.app_context():
        return permission_cache.read_version()


@pytest.mark.rule("R-BO-4")
def test_a_grant_and_its_revocation_reach_the_other_worker_on_its_next_request(app, worker):
    role_id = _compose(app, "Callcenter", CUSTOMERS)
    _staff(app, "Callcenter", "cc.worker")
    agent = _signed_in(worker, "cc.worker")
    page = agent.get("/customers/list/").get_data(as_text=True)
    assert "/customers/list/" in page and 'href="/contracts/list/"' not in page
    assert agent.get("/contracts/list/").status_code == 403

    before = _version(app)
    _compose(app, "Callcenter", CUSTOMERS + CONTRACTS, role_id)  # on the first worker
    assert _version(app) != before
    page = agent.get("/customers/list/").get_data(as_text=True)
    assert 'href="/contracts/list/"' in page  # the menu entry appears
    assert agent.get("/contracts/list/").status_code == 200

    _compose(app, "Callcenter", CUSTOMERS, role_id)
    page = agent.get("/customers/list/").get_data(as_text=True)
    assert 'href="/contracts/list/"' not in page  # and goes again
    assert agent.get("/contracts/list/").status_code == 403


@pytest.mark.rule("R-BO-4")
def test_any_write_to_the_grants_and_roles_sync_are_seen_by_the_other_worker(app, worker):
    _staff(app, SERVICE, "service.worker")
    agent = _signed_in(worker, "service.worker")
    assert 'href="/customers/list/"' in agent.get("/").get_data(as_text=True)
    assert agent.get("/customers/list/").status_code == 200

    with app.app_context():  # plain SQL on the association table, no ORM involved
        role_id = app.appbuilder.sm.find_role(SERVICE).id
        granted = db.session.execute(
            select(PermissionView.id).join(assoc_permissionview_role)
            .where(assoc_permissionview_role.c.role_id == role_id)).scalars().all()
        listed = [pv.id for pv in db.session.scalars(select(PermissionView).where(PermissionView.id.in_(granted)))
                  if (pv.permission.name, pv.view_menu.name) in {("can_list", "CustomerView"),
                                                                 ("menu_access", "Customers (back office)")}]
        assert len(listed) == 2
        db.session.execute(assoc_permissionview_role.delete().where(
            assoc_permissionview_role.c.role_id == role_id,
            assoc_permissionview_role.c.permission_view_id.in_(listed)))
        db.session.commit()
    try:
        assert 'href="/customers/list/"' not in agent.get("/").get_data(as_text=True)
        assert agent.get("/customers/list/").status_code == 403
    finally:
        with app.app_context():
            sync_roles(app.appbuilder)  # `flask roles sync` puts the declared grants back
    assert 'href="/customers/list/"' in agent.get("/").get_data(as_text=True)
    assert agent.get("/customers/list/").status_code == 200


@pytest.mark.rule("R-BO-4")
def test_a_transaction_moves_the_counter_once_and_a_rollback_not_at_all(app):
    with app.app_context():
        role_id = app.appbuilder.sm.find_role(SERVICE).id
        rows = db.session.execute(select(assoc_permissionview_role.c.permission_view_id)
                                  .where(assoc_permissionview_role.c.role_id == role_id)).scalars().all()
        db.session.remove()
        before = permission_cache.read_version()
        db.session.remove()
        with db.engine.begin() as conn:  # the grants taken away and given back, row by row
            conn.execute(assoc_permissionview_role.delete().where(assoc_permissionview_role.c.role_id == role_id))
            for pv_id in rows:
                conn.execute(assoc_permissionview_role.insert().values(role_id=role_id, permission_view_id=pv_id))
        assert permission_cache.read_version() == before + 1
        db.session.remove()
        with db.engine.connect() as conn:
            conn.execute(assoc_permissionview_role.delete().where(assoc_permissionview_role.c.role_id == role_id))
            conn.rollback()
        assert permission_cache.read_version() == before + 1


@pytest.mark.rule("P5")
def test_a_page_asks_for_user_session_and_permissions_in_one_statement(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    client.get("/portal/contracts/")  # the worker's caches filled
    counts = []
    for _ in range(2):
        statements, response = statements_of(app, lambda: client.get("/portal/contracts/"))
        assert response.status_code == 200
        counts.append(len(statements))
        security = [s for s in statements if "ab_user" in s or "user_session" in s or "ab_role" in s
                    or "permission" in s]
        assert len(security) == 1, security  # the user load: roles, groups, session row and counter
        assert "JOIN user_session" in security[0] and "permission_version" in security[0]
    assert counts[0] == counts[1] <= 4, counts


@pytest.mark.rule("R-BO-4")
def test_the_cached_menu_never_mixes_role_sets_or_locales(app, world, signed_in):
    _staff(app, ADMIN, "admin.menu")
    _staff(app, SERVICE, "service.menu")
    admin, service = _signed_in(app, "admin.menu"), _signed_in(app, "service.menu")
    portal = signed_in(world["a"].users[PORTAL_ADMIN])
    for _ in range(2):  # interleaved, from the warm cache the second time
        admin_page = admin.get("/").get_data(as_text=True)
        service_page = service.get("/").get_data(as_text=True)
        portal_page = portal.get("/").get_data(as_text=True)
        assert 'href="/roles/list/"' in admin_page
        assert 'href="/roles/list/"' not in service_page and 'href="/customers/list/"' in service_page
        assert 'href="/customers/list/"' not in portal_page and 'href="/portal/contracts/"' in portal_page
        assert 'href="/portal/contracts/"' not in admin_page
    assert "Kunden &amp; Verträge" in admin.get("/").get_data(as_text=True) or \
        "Kunden & Verträge" in admin.get("/").get_data(as_text=True)
    admin.get("/lang/en")
    english = admin.get("/").get_data(as_text=True)
    assert "Kunden & Verträge" not in english and "Customers & contracts" in english
    german = service.get("/").get_data(as_text=True)
    assert "Kunden & Verträge" in german and "Customers & contracts" not in german


def test_the_menu_tree_follows_the_visibility_it_is_given(app):
    """Sections: a heading only with a visible entry after it, a divider only between shown sections."""
    with app.test_request_context():
        items = app.appbuilder.menu.get_list()
        everything = menu_cache.build_menu(items, lambda item: True)
        nothing = menu_cache.build_menu(items, lambda item: False)
    assert nothing == ()
    assert all(entry.kind in ("dropdown", "item") for entry in everything)
    for entry in everything:
        kinds = [child.kind for child in entry.children]
        assert not kinds or kinds[0] != "divider"
        assert "divider" not in kinds[-1:]


@pytest.mark.rule("P5")
def test_the_signed_out_sign_in_page_reads_the_public_grants_from_the_cache(app):
    browser = app.test_client()
    browser.get("/login/")
    statements, response = statements_of(app, lambda: browser.get("/login/"))
    assert response.status_code == 200
    assert len(statements) <= 1, statements  # the permission counter; no public role read per check


@pytest.mark.rule("R-BO-4")
def test_roles_through_a_group_count_like_own_roles(app):
    """FAB's groups: a user's permissions are those of the own roles and the groups' roles, loaded with
    the user in one statement of flat joins (issue 20), with several roles and groups at once."""
    from flask_appbuilder.security.sqla.models import Group, assoc_group_role, assoc_user_group

    with app.app_context():  # rows as FAB's group forms write them (its Group.users takes no subclass)
        sm = app.appbuilder.sm
        user_id = make_user(SERVICE, username="grouped.staff", password=PASSWORD).id
        north, empty = Group(name="Vertrieb Nord", label="Nord"), Group(name="Leer", label="Ohne Rollen")
        db.session.add_all([north, empty])
        db.session.flush()
        db.session.execute(assoc_group_role.insert().values(group_id=north.id, role_id=sm.find_role(ADMIN).id))
        db.session.execute(assoc_user_group.insert(), [{"user_id": user_id, "group_id": north.id},
                                                       {"user_id": user_id, "group_id": empty.id}])
        db.session.commit()
    staff = _signed_in(app, "grouped.staff")
    assert staff.get("/roles/list/").status_code == 200  # from the group's Admin role only
    assert staff.get("/customers/list/").status_code == 200
    with app.app_context():
        db.session.execute(assoc_user_group.delete().where(assoc_user_group.c.user_id == user_id))
        db.session.commit()
    assert staff.get("/roles/list/").status_code == 403  # the group left, its role's rights with it
    assert staff.get("/customers/list/").status_code == 200


@pytest.mark.rule("R-BO-4")
def test_a_role_given_to_or_taken_from_a_user_counts_on_the_other_workers_next_request(app, worker):
    """The user's role list is cached per worker under the counter: a write to ab_user_role moves it."""
    from flask_appbuilder.security.sqla.models import assoc_user_role

    _staff(app, SERVICE, "promoted.staff")
    agent = _signed_in(worker, "promoted.staff")
    assert agent.get("/roles/list/").status_code == 403
    assert agent.get("/roles/list/").status_code == 403  # from the worker's cache the second time
    with app.app_context():
        sm = app.appbuilder.sm
        user = sm.find_user("promoted.staff")
        before = permission_cache.read_version()
        user.roles.append(sm.find_role(ADMIN))  # as the back office's user form writes it
        db.session.commit()
        assert permission_cache.read_version() != before
        user_id, admin_id = user.id, sm.find_role(ADMIN).id
    assert agent.get("/roles/list/").status_code == 200
    with app.app_context():  # plain SQL on the association table, no ORM involved
        db.session.execute(assoc_user_role.delete().where(assoc_user_role.c.user_id == user_id,
                                                          assoc_user_role.c.role_id == admin_id))
        db.session.commit()
    assert agent.get("/roles/list/").status_code == 403
    assert agent.get("/customers/list/").status_code == 200  # the own role stays


def test_the_request_users_roles_are_those_fab_reads(app):
    """The cached role list names the same roles as FAB's own reading of the user's relationships
    (own roles, then the groups', each once), and a request that itself changed roles asks the ORM."""
    from flask_appbuilder.security.manager import BaseSecurityManager
    from flask_appbuilder.security.sqla.models import Group, assoc_user_group

    _staff(app, SERVICE, "roles.staff")
    with app.test_request_context():  # rows as FAB's group forms write them (its Group.users takes no subclass)
        sm = app.appbuilder.sm
        user = sm.find_user("roles.staff")
        group = Group(name="Leitung", label="Leitung", roles=[sm.find_role(ADMIN), sm.find_role(SERVICE)])
        db.session.add(group)
        db.session.flush()
        db.session.execute(assoc_user_group.insert().values(user_id=user.id, group_id=group.id))
        db.session.commit()
    with app.test_request_context():
        sm = app.appbuilder.sm
        user = sm.find_user("roles.staff")
        permission_cache.request_store()["request_user"] = (user, user.id)  # as the user load leaves it
        cached = sm.get_user_roles(user)
        assert all(isinstance(role, RoleRef) for role in cached)
        fab = BaseSecurityManager.get_user_roles(sm, user)
        assert [(role.id, role.name) for role in cached] == list(
            dict.fromkeys((role.id, role.name) for role in fab))
        assert [role.name for role in cached] == [SERVICE, ADMIN]  # own first, then the group's
        db.session.execute(assoc_user_group.delete().where(assoc_user_group.c.user_id == user.id))
        db.session.expire(user, ["groups"])  # this request's own write: from here on FAB's reading
        assert [role.name for role in sm.get_user_roles(user)] == [SERVICE]
