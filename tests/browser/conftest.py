"""Browser fixtures: Debian's Chromium driven by Playwright, and a live e:service site.

Chromium is always `/usr/bin/chromium` from Debian (`.ci/ensure-chromium` installs it
when we are root); Playwright never downloads a browser of its own. Without it every
test marked `browser` is skipped with the reason.

`smoke_site` runs a complete app of its own — a fresh SQLite file migrated by Alembic,
roles synced, demo data loaded — on a free local port, served by werkzeug in a
background thread. It does not touch the session `app` or its per-test row cleanup,
so it can hold data for a whole module.
"""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]
ARTIFACTS_DIR = Path(__file__).resolve().parent / "artifacts"

SMOKE_ADMIN = "smoke.admin"
SMOKE_PASSWORD = "Sicher#Kennwort42"


def pytest_collection_modifyitems(config, items):
    """Skip every browser test, with the reason, when Debian's Chromium is not installed."""
    if os.access(CHROMIUM, os.X_OK):
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium (`bash .ci/ensure-chromium` as root)"
    )
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(skip)


@pytest.fixture(scope="module")
def chromium_browser():
    """One headless Chromium per test module (Playwright's sync API allows one per thread at a time)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(WSGIRequestHandler):
    """No access log line per request (dozens per page); errors are still logged by the app."""

    def log_request(self, code="-", size="-") -> None:
        pass


@dataclass
class SmokeSite:
    """A running site: its base URL, the app behind it and the back-office login."""

    url: str
    app: object
    username: str
    password: str
    seeded_by: str


def _seed(app) -> str:
    """Load the demo data when the demo seed exists, else a few rows from the factories.

    Returns which of the two ran. Only a missing demo module falls back; any error
    inside the seed fails the fixture.
    """
    try:
        from app.services.demo import seed_demo
    except ImportError:
        seed_demo = None
    from app.extensions import db

    if seed_demo is not None:
        seed_demo(only_if_empty=False, echo=lambda *args, **kwargs: None)
        db.session.commit()
        return "demo"

    from app.models.enums import ProductKind
    from app.security.roles import PBX_ADMIN, PORTAL_ADMIN
    from tests.factories import (
        make_contract, make_customer, make_location, make_option, make_option_type, make_product, make_user,
    )

    trunk = make_product(ProductKind.SIP_TRUNK, name="SIP-Trunk Business")
    option_type = make_option_type(name="Zusätzlicher Sprachkanal")
    for n, company in enumerate(("Müller Logistik GmbH", "Rheinblick Hotel KG", "Nordlicht Software AG"), start=1):
        customer = make_customer(company_name=company)
        contract = make_contract(customer, trunk)
        make_location(contract)
        make_option(contract, option_type)
        make_user(PORTAL_ADMIN, customer=customer, username=f"kunde{n}.admin", mobile="+4917012345%02d" % n)
        make_user(PBX_ADMIN, customer=customer, username=f"kunde{n}.tk")
    db.session.commit()
    return "factories"


@pytest.fixture(scope="module")
def smoke_site():
    """The real app on a fresh, migrated SQLite file, seeded, served on 127.0.0.1:<free port>."""
    import config
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.security.roles import ADMIN, sync_roles
    from tests.factories import make_user

    tmp_dir = tempfile.mkdtemp(prefix="eservice-smoke-")

    class SmokeConfig(config.TestConfig):
        # Behave like a deployed site: errors render the product's error pages.
        TESTING = False
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{os.path.join(tmp_dir, 'smoke.db')}"
        DOCUMENT_STORAGE_DIR = os.path.join(tmp_dir, "documents")

    application = create_app(SmokeConfig)
    with application.app_context():
        upgrade(directory=str(config.BASE_DIR / "migrations"))
        sync_roles(application.appbuilder)
        seeded_by = _seed(application)
        make_user(ADMIN, username=SMOKE_ADMIN, password=SMOKE_PASSWORD, first_name="Smoke", last_name="Admin")
        db.session.commit()
        db.session.remove()

    server = make_server("127.0.0.1", 0, application, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="smoke-site", daemon=True)
    thread.start()
    try:
        yield SmokeSite(
            url=f"http://127.0.0.1:{server.server_port}", app=application,
            username=SMOKE_ADMIN, password=SMOKE_PASSWORD, seeded_by=seeded_by,
        )
    finally:
        server.shutdown()
        thread.join(10)
        server.server_close()
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
        shutil.rmtree(tmp_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def artifacts_dir():
    """tests/browser/artifacts/ (git-ignored), created on demand."""
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS_DIR
