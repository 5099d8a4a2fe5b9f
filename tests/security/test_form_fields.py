"""Sign-in and account forms put each error at its field and keep what was typed, never a password
(R-AUTH-2, R-AUTH-5, R-AUTH-6, R-AUTH-8, R-AUTH-9; forms in app/forms/, rendered by _form_macros.html).

At a field means: the input carries aria-invalid="true" and names its error in
aria-describedby, and the error text stands in the element of that id.
"""
from __future__ import annotations

import re

import pyotp
import pytest
from wtforms import StringField

from app.forms.base import EServiceForm
from app.security.roles import PBX_ADMIN, PORTAL_ADMIN
from app.services.errors import Invalid
from tests.auth_helpers import link_from_outbox
from tests.factories import make_customer, make_user
from tests.security.auth_fixtures import client, new_client, password_step, post_form  # noqa: F401  - fixtures

PW = "Sicher#Kennwort42"
NEW = "Neues(Kennwort)77"


def _input(html: str, field_id: str) -> str:
    match = re.search(rf'<input[^>]*\bid="{re.escape(field_id)}"[^>]*>', html)
    assert match, f"no input #{field_id}"
    return match.group(0)


def _error_at(html: str, field_id: str) -> str:
    """The error text shown at a field; fails unless the field points to it and says it is invalid."""
    tag = _input(html, field_id)
    assert 'aria-invalid="true"' in tag, tag
    described = re.search(r'aria-describedby="([^"]+)"', tag)
    assert described and f"{field_id}-error" in described.group(1).split(), tag
    match = re.search(rf'<p[^>]*id="{re.escape(field_id)}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error element for #{field_id}"
    return match.group(1)


def _valid(html: str, field_id: str) -> bool:
    return 'aria-invalid' not in _input(html, field_id) and f'id="{field_id}-error"' not in html


@pytest.mark.rule("R-AUTH-6")
def test_login_names_the_missing_field_and_keeps_the_username(app_ctx, client):
    response = post_form(client, "/login/", {"username": "jemand.<b>", "password": ""})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Bitte fülle dieses Feld aus." in _error_at(html, "password")
    assert _valid(html, "username") and 'value="jemand.&lt;b&gt;"' in _input(html, "username")


@pytest.mark.rule("S7")
def test_a_failed_sign_in_is_one_message_above_the_form_and_no_password_comes_back(app_ctx, client):
    """S7: the same answer for every username: a form-level message, not at a field."""
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.fields")
    html = password_step(client, "pbx.fields", "Falsch#Kennwort99").get_data(as_text=True)
    assert re.search(r'id="form-errors">\s*<p>Die Anmeldung ist fehlgeschlagen', html)
    assert _valid(html, "username") and _valid(html, "password")
    assert "Falsch#Kennwort99" not in html


@pytest.mark.rule("R-AUTH-6")
def test_wrong_pin_stands_at_the_pin_field(app_ctx, client):
    make_user(PORTAL_ADMIN, customer=make_customer(), username="pa.fields", mobile="+491711230031")
    assert password_step(client, "pa.fields", PW).headers["Location"].endswith("/login/pin/")
    response = post_form(client, "/login/pin/", {"pin": "00000000"})
    html = response.get_data(as_text=True)
    assert "Die PIN ist nicht korrekt" in _error_at(html, "pin")


@pytest.mark.rule("R-AUTH-9", "R-AUTH-2")
def test_change_password_errors_at_their_fields_without_echoing_passwords(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.chg")
    password_step(client, "pbx.chg", PW)
    wrong = post_form(client, "/account/password", {"current_password": "Nicht#dasRichtige1", "new_password": NEW,
                                                     "confirm": NEW})
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 422
    assert "Das aktuelle Kennwort ist nicht korrekt." in _error_at(html, "current_password")
    assert _valid(html, "new_password") and _valid(html, "confirm")
    assert "Nicht#dasRichtige1" not in html and NEW not in html
    short = post_form(client, "/account/password", {"current_password": PW, "new_password": "kurz",
                                                     "confirm": "anders"}).get_data(as_text=True)
    assert "8 bis 40 Zeichen" in _error_at(short, "new_password")
    assert "stimmen nicht überein" in _error_at(short, "confirm")
    assert _valid(short, "current_password")
    # The rules beside the field stay named by the field (help and error alike).
    assert "new_password-help" in _input(short, "new_password")


@pytest.mark.rule("R-AUTH-5", "R-AUTH-3")
def test_set_password_link_page_puts_the_rules_at_the_field(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.linkf")
    # The link is made once the response has been sent and closed, as a server does (S7).
    post_form(client, "/forgot-password/", {"username": "pbx.linkf"}).close()
    path = "/" + link_from_outbox(client.application, "pbx.linkf").split("/", 3)[3]
    response = post_form(client, path, {"password": "xxpbx.linkfxx#1", "confirm": "xxpbx.linkfxx#1"},
                         page_url=path)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Benutzernamen nicht enthalten" in _error_at(html, "password")
    assert "xxpbx.linkfxx#1" not in html
    differ = post_form(client, path, {"password": NEW, "confirm": NEW + "x"}, page_url=path).get_data(as_text=True)
    assert "stimmen nicht überein" in _error_at(differ, "confirm")
    assert post_form(client, path, {"password": NEW, "confirm": NEW}, page_url=path).status_code == 302


@pytest.mark.rule("R-AUTH-8", "R-AUTH-1")
def test_profile_keeps_the_typed_values_and_names_the_wrong_field(app_ctx, client):
    user = make_user(PBX_ADMIN, customer=make_customer(), username="pbx.proff", email="alt@example.com")
    make_user(PBX_ADMIN, customer=make_customer(), username="vergeben.name")
    password_step(client, "pbx.proff", PW)
    response = post_form(client, "/account/profile", {"username": "pbx.proff", "email": "neu@example.com",
                                                       "mobile": "0211 5500700"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "keine Mobilfunknummer" in _error_at(html, "mobile")
    assert 'value="neu@example.com"' in _input(html, "email") and _valid(html, "email")
    assert 'value="0211 5500700"' in _input(html, "mobile")
    assert 'data-initial="alt@example.com"' in _input(html, "email")
    assert 'id="profile-fields" >' in html  # unlocked again, not disabled
    taken = post_form(client, "/account/profile", {"username": "VERGEBEN.name", "email": user.email,
                                                    "mobile": "", "current_password": PW}).get_data(as_text=True)
    assert "bereits vergeben" in _error_at(taken, "username")
    assert PW not in taken
    rules = post_form(client, "/account/profile", {"username": "a<b", "email": user.email, "mobile": ""})
    assert "nicht erlaubt" in _error_at(rules.get_data(as_text=True), "username")


@pytest.mark.rule("R-AUTH-6")
def test_authenticator_code_error_at_the_code_field(app_ctx, client):
    make_user(PBX_ADMIN, customer=make_customer(), username="pbx.totpf")
    password_step(client, "pbx.totpf", PW)
    response = post_form(client, "/account/authenticator", {"action": "enable", "code": "000000"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Der Code stimmt nicht" in _error_at(html, "code")
    assert 'name="action" type="hidden" value="enable"' in html
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', html).group(1)
    ok = post_form(client, "/account/authenticator", {"action": "enable", "code": pyotp.TOTP(secret).now()})
    assert ok.status_code == 302
    off = post_form(client, "/account/authenticator", {"action": "disable", "current_password": "falsch"})
    assert "Das aktuelle Kennwort ist nicht korrekt." in _error_at(off.get_data(as_text=True), "current_password")


class _Form(EServiceForm):
    name = StringField("Name")
    message_fields = {"name": ("Belongs to the name.",)}


def _named_by_service():
    """A domain error that names its fields (`fields`, its texts also among `messages`)."""
    error = Invalid("General.")
    error.fields = {"name": ["Named by the service."], "elsewhere": ["No such field."]}
    error.messages = ["General.", "Named by the service.", "No such field."]
    return error


@pytest.mark.parametrize("make_error, at_name, above", [
    (lambda: Invalid("Belongs to the name.", "General."), ["Belongs to the name."], ["General."]),
    (_named_by_service, ["Named by the service."], ["No such field.", "General."]),
])
def test_take_errors_puts_messages_at_fields_or_above_the_form(app_ctx, make_error, at_name, above):
    """A service error that names its fields goes there; a known message goes to its field; the rest above."""
    form = _Form(formdata=None, meta={"csrf": False})
    form.take_errors(make_error())
    assert form.name.errors == at_name
    assert sorted(form.form_errors) == sorted(above)
    assert form.has_errors
