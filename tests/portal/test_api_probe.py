"""A small probe of every documented operation (S13, R7): odd values in every parameter never give a 5xx.

Schemathesis is not installed in this environment; until it is, this walks the OpenAPI document
itself, so a new operation is probed without editing the test.
"""
from __future__ import annotations

import pytest

from app.roles import PORTAL_ADMIN
from app.services import api_keys
from tests.portal.api_helpers import bearer, make_key
from tests.security.auth_fixtures import new_client

ODD = ["", "0", "-1", "1.5", "abc", "99999999999999999999", "²", "%00", "' OR 1=1 --", "2026-02-30", "ä" * 300]


@pytest.mark.rule("S13", "R7")
def test_every_operation_answers_odd_values_without_a_server_error(app, world):
    _grant, secret = make_key(app, world["a"].users[PORTAL_ADMIN], scope=api_keys.READ_WRITE)
    client = new_client(app)
    limit, app.config["API_RATE_LIMIT_PER_MINUTE"] = app.config["API_RATE_LIMIT_PER_MINUTE"], 100000
    try:
        _probe(client, secret)
    finally:
        app.config["API_RATE_LIMIT_PER_MINUTE"] = limit


def _probe(client, secret):
    spec = client.get("/api/v1/openapi.json").json
    probed = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            names = [p for p in operation.get("parameters", []) if p["in"] in ("query", "path")]
            for value in ODD:
                url = "/api/v1" + path.replace("{pk}", value or "x")
                query = {p["name"]: value for p in names if p["in"] == "query"}
                bodies = [None] if method == "get" else [{}, [], "x", {"contract_id": value, "options": value,
                                                                       "customer_password": value}]
                for body in bodies:
                    response = client.open(url, method=method.upper(), query_string=query, json=body,
                                           headers=bearer(secret))
                    probed += 1
                    assert response.status_code < 500, (method, url, query, body, response.status_code)
                    if response.status_code >= 400:
                        assert response.mimetype == "application/problem+json", (method, url, query)
    assert probed > 100


@pytest.mark.rule("R7")
def test_page_numbers_in_other_scripts_are_page_one():
    from app.services.portal.paging import page_number

    assert [page_number(raw) for raw in ("²", "١", "3", "0", None)] == [1, 1, 3, 1, 1]
