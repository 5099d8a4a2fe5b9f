"""Issue 19's done-when in Chromium, on the demo data: the demo Portal Admin creates an API key in the
browser, a plain HTTP client lists the company's contracts with it, the browsable API documentation
renders from the app's own files, and after revoking the key in the browser it answers 401.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.auth_helpers import browser_login

pytestmark = pytest.mark.browser


def _get(url: str, key: str | None) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - the local test site
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_demo_portal_admin_creates_uses_and_revokes_a_key(chromium_browser, smoke_site):
    app, base = smoke_site.app, smoke_site.url
    assert smoke_site.seeded_by == "demo"
    context = chromium_browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        browser_login(page, base, "customer9000001", "Rhein#Portal2026", app=app)
        page.goto(f"{base}/portal/api-keys/")
        assert page.locator("h1").inner_text() == "API-Schlüssel"
        page.fill("#name", "Warenwirtschaft")
        page.select_option("#scope", "read")
        page.click("#api-key-form button[type=submit]")
        secret = page.locator(".api-key-secret").inner_text().strip()
        assert secret.startswith("esv_")

        status, body = _get(f"{base}/api/v1/contracts", secret)
        assert status == 200 and body["total"] >= 1
        assert {item["contract_number"] for item in body["items"]} >= {"V2100101"}
        assert _get(f"{base}/api/v1/contracts", None)[0] == 401

        page.goto(f"{base}/portal/api-keys/")
        row = page.locator("#api-key-list tr", has_text="Warenwirtschaft")
        assert "nie" not in row.inner_text()  # last use is shown
        row.locator("button", has_text="Widerrufen").click()
        assert page.locator("#api-key-list tr", has_text="Warenwirtschaft").locator("button").count() == 0
        assert _get(f"{base}/api/v1/contracts", secret)[0] == 401

        page.goto(f"{base}/api/v1/docs")
        # swagger-ui (started by api-docs.js) fetches the OpenAPI document after the page has loaded; until it
        # has it, its loading placeholder is a ".info" too. Wait for the document's info and operations.
        page.wait_for_selector(".swagger-ui .information-container .info", timeout=15000)
        page.wait_for_function("() => document.querySelectorAll('.swagger-ui .opblock').length >= 10", timeout=15000)
        assert page.locator(".opblock").count() >= 10
        assert not errors, errors
    finally:
        context.close()
