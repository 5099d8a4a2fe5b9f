"""The document list's rows, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/documents.html (which calls
`document_rows`): labels and link parts once per page, every value escaped, dates and sizes through
app.i18n, the type's label as the template showed it. `rows` come from
services.portal.documents.list_documents (plain rows of the shown columns).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day_formatter, file_size_formatter
from app.services.portal.language import english_page, in_language
from app.views.row_html import catalogue_text, catalogue_texts, joined, url_around_id

ROW = ('\n      <tr>\n        <td data-label="{0}">{6}</td>\n        <td data-label="{1}">{7}</td>\n'
       '        <td data-label="{2}">{8}</td>\n        <td data-label="{3}">{9}</td>\n'
       '        <td class="text-nowrap" data-label="{4}">{10}</td>\n'
       '        <td class="text-nowrap" data-label="{5}">\n          {11}\n'
       '          <a href="{12}/{13}/{14}" class="document-download"><i class="fa fa-download"></i> {15}</a>\n'
       '        </td>\n      </tr>\n    ')
VIEW = ('\n          <a href="{0}/{1}/{2}" target="_blank" rel="noopener"><i class="fa fa-eye"></i> {3}</a> \u00b7\n'
        '          ')
LABELS = ("Date", "Title", "Type", "Contract", "Size", "File")
PDF = "application/pdf"


def document_rows(rows, endpoint: str, viewable: bool) -> Markup:
    """The `<tbody>` content of the document table; `viewable`: PDFs get a "View" link (contract documents)."""
    labels = catalogue_texts(LABELS)
    download_prefix, download_suffix = url_around_id(endpoint + ".download")
    download = catalogue_text("Download")
    if viewable:
        view_prefix, view_suffix = url_around_id(endpoint + ".view")
        view = catalogue_text("View")
    english = english_page()
    day, file_size = day_formatter(), file_size_formatter()
    types = {}
    parts = ["\n    "]
    for doc_id, document_date, title, title_en, doc_type, mime_type, size_bytes, contract_number, invoice_number \
            in rows:
        type_label = types.get(doc_type)
        if type_label is None:
            type_label = types[doc_type] = escape(doc_type.label)
        shown_title = in_language(title, title_en, english)  # as Document.display_title
        if contract_number is not None:
            reference = contract_number
        else:
            reference = invoice_number if invoice_number is not None else "–"
        parts.append(ROW.format(
            *labels,
            escape(day(document_date)),
            escape(shown_title),
            type_label,
            escape(reference),
            escape(file_size(size_bytes)),
            VIEW.format(view_prefix, doc_id, view_suffix, view) if viewable and mime_type == PDF else "",
            download_prefix, doc_id, download_suffix, download,
        ))
    return joined(parts)
