"""The API's OpenAPI 3.1 document (/api/v1/openapi.json) and its browsable UI (/api/v1/docs).

The UI is FAB's bundled swagger-ui (no CDN), started by a static script (the CSP allows no inline script).
"""
from __future__ import annotations

from flask import render_template, url_for

from app.services.api_reads import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from app.views.api.base import api
from app.views.portal.base import object_ids

_PAGING = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query", "description": f"at most {MAX_PAGE_SIZE}; larger values are cut",
     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE}},
]
_DATES = [{"name": name, "in": "query", "schema": {"type": "string", "format": "date"}}
          for name in ("date_from", "date_to")]


def _status(*values):
    return [{"name": "status", "in": "query", "schema": {"type": "string", "enum": list(values)}}]


def _pk(name="pk"):
    return [{"name": name, "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}]


def _operation(summary, parameters=(), content="application/json", tag="read"):
    # A download answers in the document's own type (PDF, CSV, ...): "*/*", as schemathesis showed (S13).
    body = {"schema": {"type": "object"}} if content == "application/json" else {
        "schema": {"type": "string", "format": "binary"}}
    responses = {"200": {"description": "OK", "content": {content: body}}}
    for code, text in (("400", "Bad request"), ("401", "No valid API key"), ("404", "Not found"),
                       ("429", "Rate limit reached (see Retry-After)")):
        responses[code] = {"description": text, "content": {"application/problem+json": {
            "schema": {"$ref": "#/components/schemas/Problem"}}}}
    return {"get": {"summary": summary, "tags": [tag], "parameters": list(parameters), "responses": responses}}


def document() -> dict:
    """The OpenAPI document of every operation the blueprint serves."""
    from app.models.enums import ContractStatus, DocumentType, OrderStatus, TicketKind, TicketStatus, TicketSubject

    def values(enum_cls):
        return [m.value for m in enum_cls]

    paths = {
        "/contracts": _operation("The company's contracts", _PAGING + _status(*values(ContractStatus))),
        "/contracts/{pk}": _operation("One contract with its options and numbers", _pk()),
        "/orders": _operation("Orders and offers", _PAGING + _status(*values(OrderStatus)) + _DATES),
        "/orders/{pk}": _operation("One order with its items and work steps", _pk()),
        "/tickets": _operation("Support tickets", _PAGING + _status(*values(TicketStatus)) + _DATES),
        "/tickets/{pk}": _operation("One ticket with its replies", _pk()),
        "/invoices": _operation("Invoices", _PAGING + _DATES),
        "/documents": _operation("Invoices' and contracts' documents", _PAGING + _DATES + [
            {"name": "type", "in": "query", "schema": {"type": "string", "enum": values(DocumentType)}}]),
        "/documents/{pk}/download": _operation("The document's file, in its own media type", _pk(), content="*/*"),
        "/call-records": _operation("Itemised calls of a period (at most 31 days)", _PAGING + _DATES + [
            {"name": "contract", "in": "query", "schema": {"type": "integer", "minimum": 1}}]),
    }
    paths["/option-orders"] = {"post": {
        "summary": "Place an option order (read-write key of a Portal Admin), as the portal's wizard does",
        "description": "options: {line key: new total}; line keys come from GET /contracts/{pk} "
                       "(booked:<option id>, new:<option type id>:<location id or empty>); 0 cancels. "
                       "customer_password: the company's customer password (hotline password).",
        "tags": ["write"],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "description": "a repeated request with the same key places nothing and answers 200 "
                                       "with the first order", "schema": {"type": "string", "maxLength": 200}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["contract_id", "options", "customer_password"],
            "properties": {"contract_id": {"type": "integer", "minimum": 1},
                           "options": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0}},
                           "customer_password": {"type": "string"}}}}}},
        "responses": {"201": {"description": "The order was placed", "content": {"application/json": {
            "schema": {"type": "object"}}}},
            "200": {"description": "Placed earlier under the same Idempotency-Key", "content": {
                "application/json": {"schema": {"type": "object"}}}},
            **{code: {"description": text, "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}
               for code, text in (("400", "Refused input"), ("401", "No valid API key"),
                                  ("403", "Read-only key, or the user may not order"), ("404", "Not found"),
                                  ("429", "Rate limit reached (see Retry-After)"))}},
    }}
    paths["/tickets"]["post"] = _write_operation(
        "Create a ticket as the portal's form does (a key whose user may create tickets; files only in the portal)",
        {"type": "object", "required": ["kind", "subject", "title", "description"],
         "properties": {"kind": {"type": "string", "enum": [k.value for k in TicketKind]},
                        "subject": {"type": "string", "enum": [s.value for s in TicketSubject]},
                        "contract_number": {"type": "string"}, "option_id": {"type": "integer", "minimum": 1},
                        "invoice_number": {"type": "string"}, "title": {"type": "string", "maxLength": 500},
                        "description": {"type": "string"}, "express": {"type": "boolean"}}},
        idempotent=True)
    paths["/tickets/{pk}/replies"] = {"post": _write_operation(
        "Reply on one of the company's tickets (the carrier's team is emailed)",
        {"type": "object", "required": ["body"], "properties": {"body": {"type": "string"}}},
        parameters=[{"name": "pk", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}])}
    return {
        "openapi": "3.1.0",
        "info": {"title": "e:service API", "version": "1",
                 "description": "Read your company's data with a personal API key made by your Portal Admin "
                                "in the portal (menu 'API keys')."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
            "schemas": {"Problem": {"type": "object", "properties": {
                "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                "detail": {"type": "string"}}}},
        },
    }


@api.get("/openapi.json")
@object_ids()
def openapi():
    return document()


@api.get("/docs")
@object_ids()
def docs():
    return render_template("api/docs.html", spec_url=url_for("api_v1.openapi"))


def _write_operation(summary: str, schema: dict, *, idempotent: bool = False, parameters: list | None = None) -> dict:
    params = list(parameters or [])
    if idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "a repeated request with the same key creates nothing more",
                       "schema": {"type": "string", "maxLength": 200}})
    return {
        "summary": summary, "tags": ["write"], "parameters": params,
        "requestBody": {"required": True, "content": {"application/json": {"schema": schema}}},
        "responses": {"201": {"description": "Created", "content": {"application/json": {
            "schema": {"type": "object"}}}},
            **{code: {"description": text, "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}}
               for code, text in (("400", "Refused input"), ("401", "No valid API key"),
                                  ("403", "Read-only key, or the user may not do this"), ("404", "Not found"),
                                  ("429", "Rate limit reached (see Retry-After)"))}},
    }
