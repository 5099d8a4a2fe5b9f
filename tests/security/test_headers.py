"""S11: security headers on every page; no-store once signed in."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.factories import make_user

PASSWORD = "Sicher#Kennwort42"


@pytest.mark.rule("S11")
def test_login_page_forbids_framing_and_sniffing(client):
    response = client.get("/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer")


@pytest.mark.rule("S11")
def test_error_pages_carry_the_headers_too(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


@pytest.mark.rule("S11")
def test_signed_in_pages_are_not_stored(app, client, login):
    with app.app_context():
        make_user("Admin", username="hdr.admin", password=PASSWORD)
        db.session.commit()
    assert login("hdr.admin", PASSWORD).status_code == 302
    for url in ("/", "/customers/list/", "/account/profile"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/eservice.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")


@pytest.mark.rule("S11")
def test_scripts_run_from_our_files_or_with_this_responses_nonce(app, client, login):
    """Issue 19: no 'unsafe-inline' for scripts; each inline script carries a nonce that changes per response."""
    import re

    with app.app_context():
        make_user("Admin", username="hdr.nonce", password=PASSWORD)
        db.session.commit()
    assert login("hdr.nonce", PASSWORD).status_code == 302
    seen = set()
    for url in ("/customers/list/", "/customers/list/", "/account/profile", "/login/"):
        response = client.get(url, follow_redirects=True)
        csp = response.headers["Content-Security-Policy"]
        script_src = next(part for part in csp.split("; ") if part.startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
        html = response.get_data(as_text=True)
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
        for attributes in inline:
            nonce = re.search(r'nonce="([^"]+)"', attributes)
            assert nonce and f"'nonce-{nonce.group(1)}'" in script_src, (url, attributes)
            seen.add(nonce.group(1))
    assert len(seen) >= 2, "the back-office list has inline scripts, each response its own nonce"


@pytest.mark.rule("S11")
def test_no_template_has_a_script_the_policy_would_block(app):
    """Every inline <script> of our templates takes the nonce, and no element carries an on…= handler."""
    import re
    from pathlib import Path

    root = Path(app.root_path) / "templates"
    problems = []
    for path in root.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if "nonce=" not in match.group(0):
                problems.append(f"{path.relative_to(root)}: {match.group(0)}")
        for match in re.finditer(r"<[a-zA-Z][^>]*\son[a-z]+\s*=", text):
            problems.append(f"{path.relative_to(root)}: inline handler {match.group(0)[:60]}")
    assert not problems, problems


@pytest.mark.rule("S11")
def test_permissions_opener_and_transport_policies(app, client):
    response = client.get("/login/")
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers  # the tests serve plain http, like development
    app.config["HSTS_SECONDS"] = 31536000
    try:
        assert client.get("/login/").headers["Strict-Transport-Security"].startswith("max-age=31536000")
    finally:
        app.config["HSTS_SECONDS"] = 0
