"""Schemathesis against the API's own OpenAPI document, in-process (issue 19 part 3; S13, S9, R7).

Every operation of /api/v1/openapi.json is fuzzed with schema-conforming and schema-violating
input (query, path, headers, JSON bodies) under a real read-write key of company A, and each
answer must be:
- no server error (schemathesis' not_a_server_error), never a 5xx;
- conformant where that is cheap: documented status code, content type and body schema;
- refused without a valid key: the very same request again without a key, with a wrong key,
  with a revoked key and with the key of a locked user → 401 problem+json carrying no data
  (our probes, plus schemathesis' own ignored_auth); a read key on a write → 403;
- for writes: a refused request (4xx) leaves no row behind, an accepted one adds at most one;
- company B's ids → 404 on every `{pk}` operation.

`make test` runs a short derandomized run (API_FUZZ_EXAMPLES, default 10 examples per
operation); `make test-security` runs it with 100 and prints the counts.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import hypothesis
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, ignored_auth, response_schema_conformance, status_code_conformance,
)
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from app import context
from app.extensions import db
from app.models import ApiKeyGrant, AuditLog, EServiceUser, Order, OrderItem, Ticket, TicketComment
from app.models.enums import UserStatus
from app.roles import PORTAL_ADMIN
from app.services import api_keys
from tests import option_order_world
from tests.portal.api_helpers import bearer, make_key

EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES") or 12)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          ignored_auth]
WRITTEN = (Ticket, TicketComment, Order, OrderItem, AuditLog)
# Values that once broke parsers elsewhere: other scripts' digits, NUL, injection, impossible dates, long text.
ODD = ["", "0", "-1", "1.5", "abc", "99999999999999999999", "²", "١", "%00", "' OR 1=1 --", "2026-02-30", "ä" * 300]
WRONG_KEYS = ({"Authorization": "Bearer esv_" + "x" * 43}, {"X-API-Key": "esv_wrong"}, {"Authorization": "Basic eDp5"})


@dataclass
class Tally:
    operations: int = 0
    examples: int = 0
    probes: int = 0
    server_errors: list = field(default_factory=list)
    auth_findings: list = field(default_factory=list)
    other_findings: list = field(default_factory=list)
    codes: dict = field(default_factory=dict)
    by_operation: dict = field(default_factory=dict)


def _row_counts(app) -> tuple[int, ...]:
    with app.app_context():
        return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in WRITTEN)


def _key(app, username: str, scope: str, name: str) -> tuple[int, str]:
    """A real key made by the service, its stored hash then re-made with a cheap work factor.

    The key check (`api_keys.authenticate`) runs unchanged and reads the method from the stored
    hash; scrypt's ~0.1 s per request would otherwise be 9 of 10 seconds of the run. That the
    service stores scrypt hashes is test_api_keys.py's to prove.
    """
    grant_id, secret = make_key(app, username, scope=scope, name=name)
    with app.app_context():
        db.session.get(ApiKeyGrant, grant_id).api_key.key_hash = generate_password_hash(secret, "pbkdf2:sha256:1")
        db.session.commit()
    return grant_id, secret


def _revoked_key(app, username: str) -> str:
    grant_id, secret = _key(app, username, api_keys.READ_WRITE, "revoked")
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == username))
        context.bind(user, "127.0.0.1")
        try:
            api_keys.revoke_key(user, grant_id)
        finally:
            context.unbind()
    return secret


def _locked_users_key(app, username: str) -> str:
    """A read-write key whose user is locked afterwards (a user of company B: A's keys keep working)."""
    _grant_id, secret = _key(app, username, api_keys.READ_WRITE, "locked")
    with app.app_context():
        user = db.session.scalar(select(EServiceUser).where(EServiceUser.username == username))
        user.status = UserStatus.LOCKED
        db.session.commit()
    return secret


def _problem(response) -> bool:
    content_type = {k.lower(): v for k, v in response.headers.items()}.get("content-type", [""])[0]
    return content_type.startswith("application/problem+json")


def _refused(response, expected: int) -> str | None:
    """Why `response` is not a clean refusal with `expected`, or None."""
    if response.status_code != expected:
        return f"{response.status_code} instead of {expected}"
    if not _problem(response):
        return f"{expected} without problem+json"
    body = response.json()
    if set(body) - {"type", "title", "status", "detail"}:
        return f"{expected} carrying data: {sorted(body)}"
    return None


def _steered(operation, known: dict) -> list:
    """Bodies the writes accept when their values are right: random ones almost never are, so the
    accepted path (201, one row, audited) is fuzzed too, with real and foreign references mixed in."""
    text = st.text(min_size=1, max_size=80)  # empty values come from the plain positive/negative examples
    steered = []
    names = [p["name"] for p in operation.definition.raw.get("parameters", []) if p["in"] == "query"]
    if names:  # the odd values of the former hand probe, in every query parameter at once
        steered.append(st.sampled_from(ODD).flatmap(
            lambda value: operation.as_strategy(generation_mode=GenerationMode.POSITIVE,
                                                query={name: value for name in names})))
    if "{pk}" in operation.path:
        steered.append(st.sampled_from([v for v in ODD if v]).flatmap(
            lambda value: operation.as_strategy(generation_mode=GenerationMode.POSITIVE,
                                                path_parameters={"pk": value})))
    if operation.method.upper() == "POST" and operation.path == "/tickets":
        bodies = st.fixed_dictionaries({
            "kind": st.sampled_from(known["ticket_kinds"]), "subject": st.just("contract"),
            "contract_number": st.sampled_from(known["contract_numbers"]), "title": text,
            "description": text}, optional={"express": st.booleans(), "option_id": st.integers(-2, 50)})
    elif operation.method.upper() == "POST" and operation.path == "/option-orders":
        orders = known["orders"]  # company C of tests/option_order_world.py: a catalogue with option rules
        bodies = st.fixed_dictionaries({
            "contract_id": st.sampled_from([orders["trunk"], orders["trunk"], known["contracts"][0]]),
            "options": st.dictionaries(st.sampled_from(orders["line_keys"]), st.integers(0, 30),
                                       min_size=1, max_size=2),
            "customer_password": st.sampled_from([orders["hotline_password"]] * 3 + ["", "falsch"])})
    else:
        return steered
    return steered + [bodies.flatmap(
        lambda body: operation.as_strategy(generation_mode=GenerationMode.POSITIVE, body=body))]


def _fuzz_operation(app, operation, keys: dict, known: dict, tally: Tally) -> None:
    ids, foreign_ids = known["ids"], known["foreign"]
    is_write = operation.method.upper() != "GET"
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
                  operation.as_strategy(generation_mode=GenerationMode.NEGATIVE)]
    if "{pk}" in operation.path:  # random ids mostly miss: a third of the examples use the world's ids
        strategies.append(st.sampled_from(ids).flatmap(
            lambda pk: operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters={"pk": pk})))
    strategies += _steered(operation, known)
    strategy = st.one_of(*strategies)
    good = keys["orders"] if operation.path == "/option-orders" else keys["good"]

    @hypothesis.given(case=strategy)
    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None, print_blob=False,
              suppress_health_check=list(HealthCheck),
              phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate])
    def run(case):
        before = _row_counts(app) if is_write else None
        response = case.call(headers=bearer(good))
        tally.examples += 1
        tally.codes[response.status_code] = tally.codes.get(response.status_code, 0) + 1
        per_operation = tally.by_operation.setdefault(operation.label, {})
        per_operation[response.status_code] = per_operation.get(response.status_code, 0) + 1
        if os.environ.get("API_FUZZ_DEBUG") and is_write:
            print(operation.label, case.body, response.status_code, response.text[:200])
        label = f"{operation.label} {case.path_parameters or ''} {case.query or ''} → {response.status_code}"
        if response.status_code >= 500:
            tally.server_errors.append(label)
        if is_write:
            after = _row_counts(app)
            grown = [a - b for a, b in zip(after, before)]
            if response.status_code >= 400 and any(grown):
                tally.other_findings.append(f"half-written rows after a refusal: {label} {grown}")
            if any(g < 0 for g in grown) or any(g > 1 for g in grown[:3]):  # lost rows; 2 tickets, replies, orders
                tally.other_findings.append(f"odd row changes: {label} {grown}")
        pk = (case.path_parameters or {}).get("pk")
        if response.status_code >= 400 and not _problem(response):
            tally.other_findings.append(f"{label}: an error without problem+json")
        kind = operation.path.split("/")[1].rstrip("s")  # /tickets/{pk}/replies → ticket
        if isinstance(pk, int) and pk in foreign_ids.get(kind, ()) and response.status_code not in (400, 404):
            tally.auth_findings.append(f"another company's id answered: {label}")
        probes = [(headers, 401) for headers in ({},) + WRONG_KEYS]
        probes += [(bearer(keys["revoked"]), 401), (bearer(keys["locked"]), 401)]
        if is_write:
            probes.append((bearer(keys["read"]), 403))
        for headers, expected in probes:
            before_probe = _row_counts(app) if is_write else None
            probe = case.call(headers=headers)
            tally.probes += 1
            why = _refused(probe, expected)
            if why is None and is_write and _row_counts(app) != before_probe:
                why = "wrote rows"
            if why:
                tally.auth_findings.append(f"{operation.label} with {sorted(headers) or 'no key'}: {why}")
        try:
            case.validate_response(response, checks=CHECKS, headers=bearer(good))
        except (Exception, BaseExceptionGroup) as error:  # noqa: BLE001 - collected, the test fails naming each
            findings = tally.auth_findings if "auth" in type(error).__name__.lower() else tally.other_findings
            findings.append(f"{label}: {error}"[:1500])

    run()


def _known(app, world, key: str) -> dict:
    """Ids, contract numbers, line keys and the hotline password the steered examples draw from."""
    from app.models import Contract, Customer
    from app.models.enums import TicketKind
    from tests.security.auth_fixtures import new_client

    a, b = world["a"], world["b"]
    trunk = new_client(app).get(f"/api/v1/contracts/{a.named['trunk']}", headers=bearer(key)).json
    with app.app_context():
        numbers = [db.session.get(Contract, t.named["trunk"]).contract_number for t in (a, b)]
        password = db.session.get(Customer, a.customer_id).hotline_password
    return {"ids": sorted(a.all_ids() | b.all_ids()),
            "foreign": {kind: set(b.ids[kind]) for kind in ("contract", "order", "ticket", "document")},
            "contract_numbers": [numbers[0], numbers[0], numbers[1], "V0"],  # mostly A's own: accepted
            "contracts": [a.named["trunk"], a.named["cloud"], b.named["trunk"]],
            "line_keys": [o["line_key"] for o in trunk["options"]]
            + [o["line_key"].replace("<location id>", str(loc["id"])) for o in trunk["bookable_options"]
               for loc in trunk["locations"]],
            "hotline_password": password, "ticket_kinds": [k.value for k in TicketKind]}


@pytest.mark.rule("S13", "S9", "R7")
def test_schemathesis_finds_no_server_error_and_no_auth_gap(app, world, capsys):
    a_admin, b_admin = world["a"].users[PORTAL_ADMIN], world["b"].users[PORTAL_ADMIN]
    keys = {"good": _key(app, a_admin, api_keys.READ_WRITE, "ERP")[1],
            "read": _key(app, a_admin, api_keys.READ, "read")[1],
            "revoked": _revoked_key(app, a_admin), "locked": _locked_users_key(app, b_admin)}
    known = _known(app, world, keys["good"])
    with app.app_context():  # option orders go to company C, whose catalogue lets them be placed
        orders = option_order_world.build()
        orders_user, known["orders"] = orders.user.username, {
            "trunk": orders.trunk.id, "hotline_password": orders.customer.hotline_password,
            "line_keys": [f"booked:{o.id}" for o in (orders.channels, orders.router, orders.legacy)]
            + [f"new:{orders.failover_type.id}:", f"new:{orders.failover_type.id}:{orders.verified_location.id}"]}
    keys["orders"] = _key(app, orders_user, api_keys.READ_WRITE, "Bestellsystem")[1]
    limit, app.config["API_RATE_LIMIT_PER_MINUTE"] = app.config["API_RATE_LIMIT_PER_MINUTE"], 10 ** 9
    tally = Tally()
    try:
        schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
        for result in schema.get_all_operations():
            operation = result.ok()
            tally.operations += 1
            _fuzz_operation(app, operation, keys, known, tally)
    finally:
        app.config["API_RATE_LIMIT_PER_MINUTE"] = limit
    summary = (f"schemathesis: {tally.operations} operations × {EXAMPLES} examples = {tally.examples} requests "
               f"(+{tally.probes} auth probes); status codes {dict(sorted(tally.codes.items()))}; "
               f"server errors: {len(tally.server_errors)}; auth findings: {len(tally.auth_findings)}; "
               f"other findings: {len(tally.other_findings)}")
    if os.environ.get("API_FUZZ_EXAMPLES"):
        with capsys.disabled():
            print("\n" + summary)
            for label, codes in tally.by_operation.items():
                print(f"  {label}: {dict(sorted(codes.items()))}")
    assert tally.operations >= 13, summary
    assert not tally.server_errors, "\n".join([summary] + tally.server_errors)
    assert not tally.auth_findings, "\n".join([summary] + tally.auth_findings)
    assert not tally.other_findings, "\n".join([summary] + tally.other_findings)


@pytest.mark.rule("R7")
def test_page_numbers_in_other_scripts_are_page_one():
    from app.services.portal.paging import page_number

    assert [page_number(raw) for raw in ("²", "١", "3", "0", None)] == [1, 1, 3, 1, 1]
