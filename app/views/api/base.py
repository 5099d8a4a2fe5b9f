"""The REST API's blueprint: key authentication, scope, rate limit, problem+json (issue 19, S8/S9).

Only a personal API key authenticates (`Authorization: Bearer esv_…` or `X-API-Key`); a
session cookie counts for nothing here, so no sign-in without the second factor reaches
the data. The key's user is bound as the acting user through `app.context`, the same way the
portal's request hook does, so the services scope every query by `app.services.tenancy`.
"""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from app import context
from app.extensions import csrf, db
from app.services import api_keys
from app.services.errors import ServiceError

api = Blueprint("api_v1", __name__, url_prefix="/api/v1")
csrf.exempt(api)
PUBLIC_ENDPOINTS = {"api_v1.openapi", "api_v1.docs"}
KEY_VIEW = "PortalApiKeys"  # the permission whose holders make keys (app/roles/grants.py)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          413: "Payload Too Large", 429: "Too Many Requests", 500: "Internal Server Error"}


def problem(status: int, detail: str | None = None, headers: dict | None = None):
    """An RFC 9457 problem document."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status}
    if detail:
        body["detail"] = detail
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="e:service API"'
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def presented_key() -> str | None:
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("X-API-Key", "").strip() or None


@api.before_request
def _authenticate():
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    context.bind(None, request.remote_addr)  # whatever the session cookie says, the API ignores it
    grant = api_keys.authenticate(presented_key())
    if grant is None:
        return problem(401, "a valid API key is required (Authorization: Bearer <key> or X-API-Key)")
    user = api_keys.key_user(grant)
    if not current_app.appbuilder.sm._has_view_access(user, "can_list", KEY_VIEW):
        # The key's maker no longer manages the company's keys (role taken away): the key stops with that.
        return problem(401, "a valid API key is required (Authorization: Bearer <key> or X-API-Key)")
    wait = api_keys.take_request(grant)
    if wait is not None:
        return problem(429, "rate limit of this key reached", {"Retry-After": str(wait)})
    if request.method in WRITE_METHODS and grant.scope != api_keys.READ_WRITE:
        return problem(403, "this key may only read")
    g.api_grant = grant
    context.bind(user, request.remote_addr)
    return None


@api.after_request
def _no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@api.errorhandler(ServiceError)
def _service_error(error: ServiceError):
    db.session.rollback()
    detail = " ".join(error.messages) if error.status in (400, 409, 429) and error.messages else None
    return problem(error.status, detail)


@api.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    if error.code is None or error.code < 400:
        return error
    return problem(error.code)


def page_args() -> tuple[int, int]:
    """`page` (from 1) and `per_page` (1 … MAX_PAGE_SIZE, larger values are cut to the maximum)."""
    from app.services.api_reads import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
    from app.services.portal.paging import page_number

    raw = str(request.args.get("per_page") or DEFAULT_PAGE_SIZE)
    per_page = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 7 else DEFAULT_PAGE_SIZE
    return page_number(request.args.get("page")), max(1, min(per_page, MAX_PAGE_SIZE))


def page_body(page, items: list) -> dict:
    return {"items": items, "page": page.page, "pages": page.pages, "total": page.total}
