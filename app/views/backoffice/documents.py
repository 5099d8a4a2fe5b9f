"""Invoices, stored documents and itemised call records (SPEC §9, §10, R-BO-3)."""
from __future__ import annotations

from datetime import date

from flask import abort
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.security.decorators import has_access
from flask_babel import LazyString, gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField
from wtforms.validators import Optional

from app.models import CallRecord, Document, Invoice, Order
from app.services.portal.documents import download_name
from app.services.uploads import upload_document, upload_limit_mb
from app.views.backoffice.base import BackofficeModelView, ReadOnlyModelView
from app.views.backoffice.customers import contract_field, customer_field, customer_shown
from app.views.backoffice.datamodel import BackofficeInterface
from app.views.backoffice.filters import CONTRACT_FILTERS, CUSTOMER_FILTERS, INVOICE_FILTERS
from app.views.backoffice.widgets import AjaxRelationField
from app.views.downloads import send_stored


class InvoiceView(BackofficeModelView):
    """Invoices; the PDF is a document of type invoice."""

    datamodel = BackofficeInterface(Invoice)
    route_base = "/invoices"
    list_title = _l("Invoices")
    show_title = _l("Invoice")
    add_title = _l("New invoice")
    edit_title = _l("Edit invoice")
    title = _l("Invoices")

    list_columns = ["invoice_number", "customer", "invoice_date", "period_start", "period_end", "gross_amount",
                    "due_date", "paid_on"]
    search_columns = ["invoice_number", "customer_id", "invoice_date", "due_date", "paid_on"]
    text_filters = {"customer_id": CUSTOMER_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["invoice_number", "invoice_date", "gross_amount", "due_date"]
    label_columns = {
        "invoice_date": _l("Invoice date"),
        "period_start": _l("Period from"),
        "period_end": _l("Period to"),
        "net_amount": _l("Net amount (€)"),
        "tax_amount": _l("VAT (€)"),
        "gross_amount": _l("Gross amount (€)"),
        "due_date": _l("Due date"),
        "paid_on": _l("Paid on"),
    }
    show_fieldsets = [
        (_l("Invoice"), {"fields": ["invoice_number", "customer", "invoice_date", "period_start", "period_end",
                                    "due_date", "paid_on"]}),
        (_l("Amounts"), {"fields": ["net_amount", "tax_amount", "gross_amount"]}),
    ]
    description_columns = {"paid_on": _l("The day the payment arrived; empty while it is open.")}
    add_columns = ["invoice_number", "customer", "invoice_date", "period_start", "period_end", "net_amount",
                   "tax_amount", "gross_amount", "due_date", "paid_on"]
    edit_columns = add_columns
    add_form_extra_fields = {"customer": customer_field()}
    edit_form_extra_fields = {"customer": customer_shown()}


class DocumentView(BackofficeModelView):
    """Stored files: Service uploads documents and invoice PDFs (R-BO-3), corrects and releases them.

    The file is checked by content and stored under a server-made name with its
    size and SHA-256 (S12, app/services/uploads.py); the edit form changes metadata only.
    """

    datamodel = BackofficeInterface(Document)
    route_base = "/documents"
    list_title = _l("Documents")
    show_title = _l("Document")
    add_title = _l("Upload document")
    edit_title = _l("Edit document")
    title = _l("Documents")
    same_customer = ("contract", "order", "invoice")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_delete", "can_download"]
    show_template = "backoffice/document_show.html"

    list_columns = ["document_date", "doc_type", "title", "customer", "contract", "released", "size_bytes"]
    search_columns = ["doc_type", "title", "customer_id", "contract_id", "invoice_id", "released",
                      "document_date"]
    text_filters = {"customer_id": CUSTOMER_FILTERS, "contract_id": CONTRACT_FILTERS,
                    "invoice_id": INVOICE_FILTERS}
    base_order = ("id", "desc")
    order_columns = ["document_date", "doc_type", "title", "released", "size_bytes"]
    label_columns = {
        "doc_type": _l("Document type"),
        "filename": _l("File name"),
        "mime_type": _l("File type"),
        "size_bytes": _l("Size (bytes)"),
        "sha256": _l("SHA-256"),
        "document_date": _l("Document date"),
        "released": _l("Released to the portal"),
        "file": _l("File"),
        "title": _l("Title (German)"),
        "title_en": _l("Title (English)"),
    }
    show_fieldsets = [
        (_l("Document"), {"fields": ["title", "title_en", "doc_type", "document_date", "released", "customer"]}),
        (_l("Belongs to"), {"fields": ["contract", "order", "invoice"]}),
        (_l("File"), {"fields": ["filename", "mime_type", "size_bytes", "sha256", "created_at"]}),
    ]
    description_columns = {
        "file": LazyString(lambda: gettext(
            "A PDF file; for an itemised call record (CSV) a UTF-8 text file. The type is checked by the "
            "file's content; at most %(size)s MB.", size=upload_limit_mb())),
        "invoice": _l("Needed for an invoice PDF."),
        "document_date": _l("Leave empty for today."),
    }
    add_columns = ["doc_type", "customer", "contract", "order", "invoice", "title", "title_en", "document_date",
                   "released", "file"]
    add_form_extra_fields = {
        "customer": customer_field(),
        "contract": contract_field(required=False),
        "order": AjaxRelationField(_l("Order"), model=Order, lookup="order", required=False),
        "invoice": AjaxRelationField(_l("Invoice"), model=Invoice, lookup="invoice", required=False),
        "document_date": DateField(_l("Document date"), default=date.today, validators=[Optional()],
                                   widget=DatePickerWidget()),
        "released": BooleanField(_l("Released to the portal"), default=True),
        "file": FileField(_l("File"), validators=[FileRequired(message=_l("Please choose the file."))]),
    }
    edit_columns = ["title", "title_en", "doc_type", "document_date", "released", "contract", "order", "invoice"]
    edit_form_extra_fields = {
        "contract": contract_field(required=False),
        "order": AjaxRelationField(_l("Order"), model=Order, lookup="order", required=False),
        "invoice": AjaxRelationField(_l("Invoice"), model=Invoice, lookup="invoice", required=False),
    }

    @expose("/download/<pk>")
    @has_access
    def download(self, pk):
        """Staff download a stored file (e.g. a wizard upload: porting form, address proof), never inline."""
        document = self.datamodel.get(pk)
        if document is None:
            abort(404)
        return send_stored(document, as_attachment=True, name=download_name(document))

    def create_item(self, form):
        """Check and store the upload with its row in one transaction (app/services/uploads.py)."""
        upload = form.file.data
        return upload_document(
            customer=form.customer.data, doc_type=form.doc_type.data, title=form.title.data,
            title_en=form.title_en.data,
            stream=getattr(upload, "stream", None), filename=getattr(upload, "filename", None),
            document_date=form.document_date.data, contract=form.contract.data, order=form.order.data,
            invoice=form.invoice.data, released=form.released.data,
        )


class CallRecordView(ReadOnlyModelView):
    """Itemised call records (EVN), read only; deleted after 180 days by a job (R-INV-3)."""

    datamodel = BackofficeInterface(CallRecord)
    # Counts stop past 10,000 rows: counting millions cost more than the page may (issue 20, P10).
    count_limit = 10_000
    route_base = "/call-records"
    list_title = _l("Call records")
    show_title = _l("Call record")
    title = _l("Call records")

    list_columns = ["started_at", "customer", "contract", "caller", "callee", "duration_seconds", "zone",
                    "charge"]
    search_columns = ["customer_id", "contract_id", "caller", "callee", "zone", "started_at"]
    text_filters = {"customer_id": CUSTOMER_FILTERS, "contract_id": CONTRACT_FILTERS}
    # By id: the newest rows first without sorting millions of them (P4).
    base_order = ("id", "desc")
    order_columns = ["started_at", "duration_seconds", "charge"]
    label_columns = {
        "started_at": _l("Call start"),
        "caller": _l("Caller"),
        "callee": _l("Called number"),
        "duration_seconds": _l("Duration (s)"),
        "zone": _l("Zone"),
        "charge": _l("Charge (€)"),
    }
    show_columns = ["started_at", "customer", "contract", "caller", "callee", "duration_seconds", "zone",
                    "charge", "created_at"]
