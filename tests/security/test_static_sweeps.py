"""Regression tests of what the static sweeps (bandit, make test-security) found in app/ (issue 19 part 3)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from app.services.notifications.adapters import DeliveryError, HttpSmsAdapter


@pytest.mark.rule("S13")
@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://gateway.example/sms", "gateway.example/sms"])
def test_the_sms_gateway_is_only_reached_over_http_or_https(app, url):
    """bandit B310: urlopen opens file: and ftp: URLs too; a misconfigured gateway URL now fails the delivery
    (the outbox retries and reports it) instead of reading a local file."""
    message = SimpleNamespace(recipient="+491711234563", body="PIN 1234", id=1)
    with app.app_context():
        saved = dict(app.config)
        app.config.update(SMS_GATEWAY_URL=url, SMS_GATEWAY_TOKEN=None)
        try:
            with pytest.raises(DeliveryError, match="http"):
                HttpSmsAdapter().send(message)
        finally:
            app.config.update(SMS_GATEWAY_URL=saved.get("SMS_GATEWAY_URL"), SMS_GATEWAY_TOKEN=saved.get("SMS_GATEWAY_TOKEN"))
