"""Invoices and call records (R-INV-1/2) and contract documents (R-DOC-1): filter, view, download."""
from __future__ import annotations

from datetime import date

from flask import g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access

from app.forms.portal import CallRecordExportForm, DocumentFilterForm
from app.models.enums import BILLING_DOCUMENT_TYPES, DocumentType
from app.services.portal import call_records, invoices
from app.services.portal import documents as service
from app.views.portal.base import PortalView, object_ids, send_document, stream_csv
from app.views.portal.document_rows import document_rows
from app.views.portal.invoice_rows import invoice_rows


class PortalInvoiceView(PortalView):
    """R-INV-2: the filter defaults to invoices; EVN PDF and CSV on request."""

    route_base = "/portal/invoices"
    class_permission_name = "PortalInvoices"
    method_permission_name = {"list": "list", "download": "download", "export": "download"}
    base_permissions = ["can_list", "can_download"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        form = DocumentFilterForm(request.args, BILLING_DOCUMENT_TYPES, default=DocumentType.INVOICE)
        doc_type = form.selected
        if doc_type is DocumentType.INVOICE:
            # R-INV-2: the default view lists the invoices themselves, with amount, due date and state.
            page = invoices.list_invoices(self.page_arg(), date.today())
            return self.render_template("portal/invoices.html", page=page, doc_type=doc_type, filter_form=form,
                                        title_kind="billing", export=None, today=date.today(),
                                        invoice_rows=invoice_rows)
        page = service.list_documents(BILLING_DOCUMENT_TYPES, doc_type, self.page_arg())
        export = None
        if doc_type in (DocumentType.EVN_PDF, DocumentType.EVN_CSV):
            export = CallRecordExportForm.restored(date.today(), call_records.contract_choices())
        return self.render_template("portal/documents.html", page=page, doc_type=doc_type, filter_form=form,
                                    title_kind="billing", export=export, document_rows=document_rows)

    @expose("/call-records.csv")
    @has_access
    @object_ids(query={"contract": "Contract", "contract_number": "Contract.contract_number"})
    def export(self):
        """The customer's itemised calls in a date range as one CSV file, streamed (P6).

        An unusable filter goes back to the list, where the form shows it with the error at its field.
        """
        today = date.today()
        form = CallRecordExportForm(request.args, today)
        export = None
        if form.validate():
            try:
                export = call_records.parse_filter(request.args, today)
            except call_records.InvalidExportFilter as error:
                form.take_errors(error)
        if export is None:
            form.stash()
            return redirect(url_for(".list", type=DocumentType.EVN_CSV.value))
        call_records.record_export(g.user, export)
        return stream_csv(call_records.csv_chunks(export), export.filename)

    @expose("/<pk>/download")
    @has_access
    @object_ids(pk="Document")
    def download(self, pk):
        return send_document(service.owned_document(pk, BILLING_DOCUMENT_TYPES), as_attachment=True)


class PortalDocumentView(PortalView):
    """R-DOC-1: contract documents by type; PDFs can be viewed in the browser."""

    route_base = "/portal/documents"
    class_permission_name = "PortalDocuments"
    method_permission_name = {"list": "list", "view": "download", "download": "download"}
    base_permissions = ["can_list", "can_download"]

    @expose("/")
    @has_access
    @object_ids()
    def list(self):
        form = DocumentFilterForm(request.args, service.PORTAL_CONTRACT_TYPES, allow_all=True)
        doc_type = form.selected
        page = service.list_documents(service.PORTAL_CONTRACT_TYPES, doc_type, self.page_arg())
        return self.render_template("portal/documents.html", page=page, doc_type=doc_type, filter_form=form,
                                    title_kind="contract", document_rows=document_rows)

    @expose("/<pk>/view")
    @has_access
    @object_ids(pk="Document")
    def view(self, pk):
        document = service.owned_document(pk, service.PORTAL_CONTRACT_TYPES)
        return send_document(document, as_attachment=document.mime_type != "application/pdf")

    @expose("/<pk>/download")
    @has_access
    @object_ids(pk="Document")
    def download(self, pk):
        return send_document(service.owned_document(pk, service.PORTAL_CONTRACT_TYPES), as_attachment=True)
