"""Read endpoints of the REST API (issue 19): contracts, orders, tickets, invoices, documents, calls."""
from __future__ import annotations

from datetime import date, timedelta

from flask import request

from app.models.enums import ContractStatus, DocumentType, OrderStatus, TicketStatus
from app.models.mixins import utcnow
from app.services import api_reads as reads
from app.views.api.base import api, page_args, page_body
from app.views.portal.base import object_ids, send_document


def _iso(value):
    return value.isoformat() if value is not None else None


def _money(value):
    return str(value) if value is not None else None


def _enum(value):
    return getattr(value, "value", value)


def _contract(row) -> dict:
    return {"id": row.id, "contract_number": row.contract_number, "status": _enum(row.status),
            "product": row.product.name if row.product else None, "start_date": _iso(row.start_date),
            "minimum_term_months": row.minimum_term_months, "notice_period_months": row.notice_period_months,
            "terminated_on": _iso(row.terminated_on)}


def _option(row) -> dict:
    return {"id": row.id, "line_key": f"booked:{row.id}", "option": row.option_type.name if row.option_type else None, "quantity": row.quantity,
            "monthly_price": _money(row.monthly_price), "one_time_price": _money(row.one_time_price),
            "start_date": _iso(row.start_date), "end_date": _iso(row.end_date)}


def _number(row) -> dict:
    return {"id": row.id, "number": str(row), "kind": _enum(row.kind)}


def _order(row) -> dict:
    return {"id": row.id, "order_number": row.order_number, "kind": _enum(row.kind), "status": _enum(row.status),
            "contract_id": row.contract_id, "created_at": _iso(row.created_at),
            "completed_at": _iso(row.completed_at), "offer_valid_until": _iso(row.offer_valid_until)}


def _ticket(row) -> dict:
    return {"id": row.id, "ticket_number": row.ticket_number, "kind": _enum(row.kind),
            "subject": _enum(row.subject), "title": row.title, "status": _enum(row.status),
            "contract_id": row.contract_id, "created_at": _iso(row.created_at), "closed_at": _iso(row.closed_at)}


def _invoice(row) -> dict:
    return {"id": row.id, "invoice_number": row.invoice_number, "invoice_date": _iso(row.invoice_date),
            "period_start": _iso(row.period_start), "period_end": _iso(row.period_end),
            "net_amount": _money(row.net_amount), "tax_amount": _money(row.tax_amount),
            "gross_amount": _money(row.gross_amount), "due_date": _iso(row.due_date), "paid_on": _iso(row.paid_on)}


def _document(row) -> dict:
    return {"id": row.id, "type": _enum(row.doc_type), "title": row.title, "mime_type": row.mime_type,
            "size_bytes": row.size_bytes, "document_date": _iso(row.document_date), "contract_id": row.contract_id,
            "invoice_id": row.invoice_id, "download": f"/api/v1/documents/{row.id}/download"}


def _call(row) -> dict:
    return {"id": row.id, "contract_id": row.contract_id, "started_at": _iso(row.started_at), "caller": row.caller,
            "callee": row.callee, "duration_seconds": row.duration_seconds, "zone": row.zone}


def _dates() -> tuple[date | None, date | None]:
    return (reads.parse_day(request.args.get("date_from"), "date_from"),
            reads.parse_day(request.args.get("date_to"), "date_to"))


@api.get("/contracts")
@object_ids()
def contracts():
    page = reads.contracts(*page_args(), status=reads.parse_enum(ContractStatus, request.args.get("status")))
    return page_body(page, [_contract(row) for row in page.items])


@api.get("/contracts/<pk>")
@object_ids(pk="Contract")
def contract(pk):
    row, options, numbers, bookable = reads.contract(pk)
    locations = [{"id": loc.id, "name": loc.name} for loc in row.locations]
    offered = [{"option_type_id": t.id, "name": t.name, "location_bound": bool(t.location_bound),
                "line_key": f"new:{t.id}:" + ("<location id>" if t.location_bound else "")} for t in bookable]
    return {**_contract(row), "options": [_option(o) for o in options], "numbers": [_number(n) for n in numbers],
            "locations": locations, "bookable_options": offered}


@api.get("/orders")
@object_ids()
def orders():
    page = reads.orders(*page_args(), reads.parse_enum(OrderStatus, request.args.get("status")), *_dates())
    return page_body(page, [_order(row) for row in page.items])


@api.get("/orders/<pk>")
@object_ids(pk="Order")
def order(pk):
    row = reads.order(pk)
    steps = [{"position": s.position, "name": s.name_en or s.name, "status": _enum(s.status),
              "completed_at": _iso(s.completed_at)} for s in row.steps]
    items = [{"change": _enum(i.change), "description": i.description, "quantity_before": i.quantity_before,
              "quantity_after": i.quantity_after, "effective_date": _iso(i.effective_date)} for i in row.items]
    return {**_order(row), "items": items, "steps": steps}


@api.get("/tickets")
@object_ids()
def tickets():
    page = reads.tickets(*page_args(), reads.parse_enum(TicketStatus, request.args.get("status")), *_dates())
    return page_body(page, [_ticket(row) for row in page.items])


@api.get("/tickets/<pk>")
@object_ids(pk="Ticket")
def ticket(pk):
    row, comments = reads.ticket(pk)
    replies = [{"id": c.id, "created_at": _iso(c.created_at), "body": c.body} for c in comments]
    return {**_ticket(row), "description": row.description, "replies": replies}


@api.get("/invoices")
@object_ids()
def invoices():
    page = reads.invoices(*page_args(), *_dates())
    return page_body(page, [_invoice(row) for row in page.items])


@api.get("/documents")
@object_ids()
def documents():
    page = reads.documents(*page_args(), reads.parse_enum(DocumentType, request.args.get("type")), *_dates())
    return page_body(page, [_document(row) for row in page.items])


@api.get("/documents/<pk>/download")
@object_ids(pk="Document")
def document_download(pk):
    return send_document(reads.document(pk), as_attachment=True)


@api.get("/call-records")
@object_ids(query={"contract": "Contract"})
def call_records():
    date_from, date_to = _dates()
    date_to = date_to or utcnow().date()
    date_from = date_from or date_to - timedelta(days=30)
    page = reads.call_records(*page_args(), date_from, date_to, request.args.get("contract") or None)
    return page_body(page, [_call(row) for row in page.items])
