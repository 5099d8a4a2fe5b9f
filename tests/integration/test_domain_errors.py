"""Services raise domain errors; one place answers them (app/errors.py, DESIGN rule 5).

NotFound → 404, Forbidden → 403, an Invalid no view turned into a form message → 400 with
its messages; the transaction is rolled back first. The acting user reaches services through
app/context.py, bound once per request by the web layer.
"""
from __future__ import annotations

import pytest

from app import context
from app.services.errors import Forbidden, Invalid, NotFound


@pytest.fixture
def error_app(tmp_path):
    import config
    from app import create_app

    class ErrorConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'errors.db'}"

    application = create_app(ErrorConfig)
    seen = {}

    @application.route("/_test_raise/<kind>")
    def _raise(kind):
        seen["actor"], seen["ip"] = context.actor_name(), context.client_ip()
        raise {"missing": NotFound(), "forbidden": Forbidden(),
               "invalid": Invalid("Bitte die Kundennummer prüfen.", fields={"zip_code": ["PLZ fehlt."]})}[kind]

    application.seen = seen
    return application


def _get(error_app, kind, **kwargs):
    # JSON: the same answer as the page (app/errors.py::_render) without a migrated database for the menu.
    return error_app.test_client().get(f"/_test_raise/{kind}", headers={"Accept": "application/json"}, **kwargs)


@pytest.mark.parametrize("kind, status", [("missing", 404), ("forbidden", 403), ("invalid", 400)])
def test_domain_errors_become_their_status(error_app, kind, status):
    response = _get(error_app, kind)
    assert response.status_code == status and response.get_json()["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)


def test_an_unhandled_invalid_shows_every_message(error_app):
    detail = _get(error_app, "invalid").get_json()["detail"]
    assert "Bitte die Kundennummer prüfen." in detail and "PLZ fehlt." in detail


def test_the_web_layer_binds_who_acts_before_the_view_runs(error_app):
    _get(error_app, "missing", environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert error_app.seen == {"actor": "system", "ip": "198.51.100.9"}


def test_invalid_keeps_field_messages_apart_and_in_its_messages():
    error = Invalid("Allgemein.", fields={"email": ["E-Mail fehlt."]})
    assert error.fields == {"email": ["E-Mail fehlt."]}
    assert error.messages == ["Allgemein.", "E-Mail fehlt."]


def test_outside_a_request_the_system_acts(app):
    with app.app_context():
        assert context.actor_name() == "system" and context.client_ip() == "-"
        assert context.current().customer_id is None


def test_a_view_shows_field_messages_under_their_fields_and_flashes_the_rest(app):
    from flask import get_flashed_messages
    from wtforms import Form, StringField

    from app.errors import show_on_form

    class ProfileForm(Form):
        email = StringField()

    with app.test_request_context():
        form = ProfileForm()
        show_on_form(Invalid("Allgemein.", fields={"email": ["E-Mail fehlt."], "other": ["Sonst."]}), form)
        assert form.email.errors == ["E-Mail fehlt."]
        assert get_flashed_messages() == ["Allgemein.", "Sonst."]
