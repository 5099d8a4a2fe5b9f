"""The technical panel stays robust (R-CON-3, R-CON-4, QUALITY P1).

- Every adapter gets PROVISIONING_TIMEOUT_SECONDS (default 8): a back end that hangs costs the
  request the timeout and answers "unavailable, retry" (503), never a worker held for ever — also
  for an adapter that ignores the timeout it is given, and for the simulated one.
- A signed-out panel request (the session ended while the page was open) gets 401 with JSON, never
  the login page inside the panel.
- SIP usernames and proxy come from the database with the page itself, so phones can be set up
  while the network systems are down; only registered/locked come from the panel.
"""
from __future__ import annotations

import re
import threading
import time

import pytest

from app.extensions import db
from app.models import Contract
from app.models.enums import ContractStatus
from app.roles import PORTAL_ADMIN
from app.services import provisioning
from app.services.provisioning import DeadlineCaller, ProvisioningUnavailable, SipStatus, TechnicalStatus
from tests.security.auth_fixtures import clock, new_client  # noqa: F401  - fixture

XHR = {"X-Requested-With": "XMLHttpRequest"}
RELEASE = threading.Event()


class _Hung:
    """A network back end that never answers and ignores the timeout it is given."""

    entered = threading.Semaphore(0)

    def __init__(self, config):
        pass

    def technical_status(self, contract, timeout):
        _Hung.entered.release()
        RELEASE.wait(60)
        return TechnicalStatus(contract_number=contract.contract_number, locked=False)


class _Registered:
    """Answers at once: every SIP account of the contract registered."""

    def __init__(self, config):
        pass

    def technical_status(self, contract, timeout):
        from sqlalchemy import select

        from app.models import SipAccount

        names = db.session.scalars(select(SipAccount.username).where(
            SipAccount.customer_id == contract.customer_id, SipAccount.contract_id == contract.id)).all()
        return TechnicalStatus(contract_number=contract.contract_number, locked=False, sip_accounts=[
            SipStatus(username=name, registered=True, proxy=contract.sip_proxy, locked=False) for name in names])


@pytest.fixture
def configure(app):
    """configure(**settings): change the app's provisioning settings for one test (a fresh adapter)."""
    keys = ("PROVISIONING_ADAPTER", "PROVISIONING_TIMEOUT_SECONDS", "PROVISIONING_LATENCY_SECONDS",
            "PROVISIONING_FAILURE_RATE")
    saved = {key: app.config.get(key) for key in keys}

    def _set(**settings):
        app.config.update(settings)
        app.extensions.pop("eservice_provisioning", None)

    RELEASE.clear()
    yield _set
    RELEASE.set()
    app.config.update(saved)
    app.extensions.pop("eservice_provisioning", None)


def _technical(client, world, **headers):
    return client.get(f"/portal/contracts/{world['a'].named['trunk']}/technical", headers={**XHR, **headers})


@pytest.mark.rule("R-CON-4")
def test_the_default_timeout_is_eight_seconds(app):
    import config

    assert config.Config.PROVISIONING_TIMEOUT_SECONDS == 8
    with app.test_request_context():
        for raw, expected in ((None, 8), ("2.5", 2.5), ("abc", 8), ("0", 8), ("-1", 8), ("inf", 8), (3, 3)):
            app.config["PROVISIONING_TIMEOUT_SECONDS"] = raw
            assert provisioning.timeout_seconds() == expected, raw
    app.config["PROVISIONING_TIMEOUT_SECONDS"] = 8


@pytest.mark.rule("R-CON-4")
def test_a_hung_back_end_is_abandoned_at_the_timeout(app, world, signed_in, configure):
    """An adapter that never answers (and ignores its timeout): 503 "unavailable, retry" after the timeout."""
    configure(PROVISIONING_ADAPTER=f"{__name__}._Hung", PROVISIONING_TIMEOUT_SECONDS=0.5)
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    started = time.monotonic()
    response = _technical(client, world)
    waited = time.monotonic() - started
    assert response.status_code == 503 and response.get_json()["retry"] is True
    assert response.get_json()["error"] == "Die technischen Daten sind gerade nicht verfügbar."
    assert 0.5 <= waited < 3, f"waited {waited:.2f} s"
    # The page itself never waits for the network.
    assert client.get(f"/portal/contracts/{world['a'].named['trunk']}").status_code == 200


@pytest.mark.rule("R-CON-4")
def test_the_simulated_back_end_gives_up_at_the_timeout(app, world, signed_in, configure):
    configure(PROVISIONING_ADAPTER=None, PROVISIONING_LATENCY_SECONDS="inf", PROVISIONING_TIMEOUT_SECONDS=0.4)
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    started = time.monotonic()
    response = _technical(client, world)
    assert response.status_code == 503 and time.monotonic() - started < 3
    configure(PROVISIONING_LATENCY_SECONDS="0.1", PROVISIONING_TIMEOUT_SECONDS=5)
    assert _technical(client, world).status_code == 200


@pytest.mark.rule("R-CON-4")
def test_calls_left_waiting_are_bounded(app, world):
    """A back end that hangs holds at most `max_waiting` threads; further calls are unavailable at once."""
    caller = DeadlineCaller(_Hung({}), max_waiting=2)
    with app.app_context():
        contract = db.session.get(Contract, world["a"].named["trunk"])
        ref = provisioning.ContractRef.of(contract)
    RELEASE.clear()
    try:
        for _ in range(2):
            with pytest.raises(ProvisioningUnavailable, match="no answer"):
                caller.technical_status(app, ref, 0.2)
        started = time.monotonic()
        with pytest.raises(ProvisioningUnavailable, match="too many"):
            caller.technical_status(app, ref, 5)
        assert time.monotonic() - started < 0.5
    finally:
        RELEASE.set()
    time.sleep(0.2)  # the released calls end and free their slots
    assert caller.technical_status(app, ref, 2).contract_number == ref.contract_number


@pytest.mark.rule("R-CON-4")
def test_adapter_errors_reach_the_request(app, world):
    class _Refused:
        def technical_status(self, contract, timeout):
            raise ConnectionRefusedError("network system down")

    with app.app_context():
        ref = provisioning.ContractRef.of(db.session.get(Contract, world["a"].named["trunk"]))
    with pytest.raises(ConnectionRefusedError):
        DeadlineCaller(_Refused()).technical_status(app, ref, 2)


@pytest.mark.rule("R-CON-4")
def test_a_signed_out_panel_request_gets_401_not_the_login_page(app, world):
    anonymous = new_client(app)
    response = _technical(anonymous, world, Referer=f"http://localhost/portal/contracts/{world['a'].named['trunk']}")
    assert response.status_code == 401 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["error"] == "Deine Sitzung ist abgelaufen. Bitte melde dich erneut an."
    assert body["login_url"].startswith("/login/") and "next=/portal/contracts/" in body["login_url"]
    assert "<form" not in response.get_data(as_text=True)
    # The same request from another site's page: no way back offered to it.
    assert "next" not in _technical(new_client(app), world, Referer="https://evil.example/x").get_json()["login_url"]


@pytest.mark.rule("S8")
def test_a_session_that_timed_out_gets_401_in_the_panel(app, world, signed_in, clock):
    """S8's idle timeout ends the session while the contract page is open: the panel says so."""
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    assert _technical(client, world).status_code == 200
    clock.advance(minutes=31)
    response = _technical(client, world)
    assert response.status_code == 401 and response.get_json()["login_url"]
    # A page (not a script) still goes to the login page as before.
    page = client.get(f"/portal/contracts/{world['a'].named['trunk']}")
    assert page.status_code == 302 and "/login" in page.headers["Location"]


@pytest.mark.rule("R-CON-4", "P1")
def test_the_page_tells_the_browser_when_to_give_up(app, world, signed_in, configure):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    url = f"/portal/contracts/{world['a'].named['trunk']}"
    configure(PROVISIONING_TIMEOUT_SECONDS=8)
    html = client.get(url).get_data(as_text=True)
    assert 'data-timeout-ms="10000"' in html  # the server's 8 s plus 2 s
    assert 'data-state="expired"' in html and "Erneut anmelden" in html
    configure(PROVISIONING_TIMEOUT_SECONDS=1)
    assert 'data-timeout-ms="3000"' in client.get(url).get_data(as_text=True)


@pytest.mark.rule("R-CON-3", "R-CON-4")
def test_sip_usernames_and_proxy_come_with_the_page_while_the_network_is_down(app, world, signed_in, configure):
    """R-CON-3: usernames and proxy from the database at once; registered/locked only from the panel."""
    a = world["a"]
    configure(PROVISIONING_ADAPTER=f"{__name__}._Hung", PROVISIONING_TIMEOUT_SECONDS=0.3)
    client = signed_in(a.users[PORTAL_ADMIN])
    html = client.get(f"/portal/contracts/{a.named['trunk']}").get_data(as_text=True)
    username = f"sip-a-{a.named['trunk']}@sip.example"
    table = html[html.index('id="sip-accounts"'):html.index("</table>", html.index('id="sip-accounts"'))]
    assert f'data-sip-username="{username}"' in table and username in table
    assert re.search(r'<td class="sip-proxy"[^>]*>sip\.example</td>', table)
    assert len(re.findall(r'data-field="registered"[^>]*>…', table)) == 1
    assert len(re.findall(r'data-field="locked"[^>]*>…', table)) == 1
    assert _technical(client, world).status_code == 503  # the network is down all the while


@pytest.mark.rule("R-CON-3")
def test_the_panel_brings_registered_and_locked_for_each_account(app, world, signed_in, configure):
    a = world["a"]
    configure(PROVISIONING_ADAPTER=f"{__name__}._Registered")
    client = signed_in(a.users[PORTAL_ADMIN])
    fragment = _technical(client, world).get_data(as_text=True)
    username = f"sip-a-{a.named['trunk']}@sip.example"
    assert f'data-username="{username}"' in fragment and 'data-field="registered">ja<' in fragment
    assert "1 von 1 SIP-Account registriert" in fragment


@pytest.mark.rule("R-CON-3")
def test_contracts_without_sip_show_no_sip_table(app, world, signed_in):
    a = world["a"]
    with app.app_context():
        assert db.session.get(Contract, a.named["cloud"]).sip_password is None
        db.session.get(Contract, a.named["cloud"]).status = ContractStatus.ACTIVE
        db.session.commit()
    html = signed_in(a.users[PORTAL_ADMIN]).get(f"/portal/contracts/{a.named['cloud']}").get_data(as_text=True)
    assert 'id="sip-accounts"' not in html and "data-technical-panel" in html
