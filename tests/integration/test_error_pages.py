"""Errors answer with a translated page, never Werkzeug's default or a traceback (QUALITY R7)."""

import pytest


@pytest.mark.rule("R7")
def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Traceback" not in body
    assert 'href="/"' in body  # a way back to the start page


@pytest.mark.rule("S11", "R7")
def test_post_without_csrf_token_is_refused_with_a_message(client):
    response = client.post("/login/", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.rule("R7")
def test_api_callers_get_json_errors(client):
    response = client.get("/api/v1/no-such-endpoint", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.is_json and response.get_json()["status"] == 404


def test_unexpected_exception_becomes_500_page_without_details(tmp_path):
    import config
    from app import create_app

    class BoomConfig(config.TestConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'boom.db'}"

    boom_app = create_app(BoomConfig)

    @boom_app.route("/_test_boom")
    def _boom():
        raise RuntimeError("secret internals")

    response = boom_app.test_client().get("/_test_boom")
    assert response.status_code == 500
    assert "secret internals" not in response.get_data(as_text=True)


@pytest.mark.rule("S11", "R7")
def test_a_post_without_csrf_token_gets_a_translated_400_not_a_500(client):
    """QUALITY R7: the CSRF check runs before the user is loaded; its error page must still render."""
    response = client.post("/login/", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert "Formular" in response.get_data(as_text=True) or "form" in response.get_data(as_text=True)


def test_favicon_is_served_not_a_404(client):
    """Every browser asks for /favicon.ico: the portal's icon, cacheable, without signing in."""
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert b"<svg" in response.data and response.cache_control.max_age == 86400
