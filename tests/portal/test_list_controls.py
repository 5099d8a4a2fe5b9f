"""The portal lists' controls written in Python (app/views/list_html.py, issue 20): the same links as
`url_for`, filters read as WTForms read them (odd values show everything, never a 500, R7), every
value escaped, and the fixed fragments keyed by language only (S1: nothing of a request is kept)."""
from __future__ import annotations

import pytest
from flask import url_for
from werkzeug.datastructures import MultiDict

from app.forms.portal import DocumentFilterForm, StatusFilterForm
from app.models.enums import ContractStatus, DocumentType
from app.roles import PORTAL_ADMIN
from app.services.portal.paging import Page, Sort
from app.views import list_html

ODD = ["a b", "ä&ö", "<script>", '"x"', "1/2?3", "%41", "", None]


@pytest.mark.rule("R-ORD-1")
def test_links_are_the_ones_url_for_writes(app):
    with app.test_request_context("/portal/audit-log/"):
        for value in ODD:
            query = {"page": 2, "type": value, "user": "7", "from": value}
            assert list_html.list_url("PortalAuditLogView.list", **query) == url_for("PortalAuditLogView.list", **query)
        assert list_html.list_url("PortalContractView.list") == url_for("PortalContractView.list")


@pytest.mark.rule("R-ORD-1")
def test_controls_escape_what_they_show(app):
    with app.test_request_context("/portal/audit-log/"):
        html = str(list_html.pager(Page(items=[], page=2, pages=3, total=60), "PortalAuditLogView.list",
                                   type='"><script>'))
        assert "<script>" not in html and "&#34;&gt;&lt;script&gt;" not in html  # url-quoted, then escaped
        assert html.count("type=%22%3E%3Cscript%3E") == 2
        header = str(list_html.sort_th("<b>", "number", Sort("number", False), "PortalContractView.list"))
        assert "&lt;b&gt;" in header and 'aria-sort="ascending"' in header and "sort=-number" in header
        form = StatusFilterForm(MultiDict({"status": "<b>"}), ContractStatus, '"><x')
        html = str(list_html.status_filter(form))
        assert "<x" not in html and "<b>" not in html and " selected " not in html


@pytest.mark.rule("R-CON-1", "R-INV-2")
def test_filters_read_the_query_string_as_before():
    first = StatusFilterForm(MultiDict([("status", "active"), ("status", "blocked")]), ContractStatus, "number")
    assert first.selected is ContractStatus.ACTIVE and first.sort == "number"
    assert StatusFilterForm(MultiDict({"status": "bogus"}), ContractStatus).selected is None
    assert StatusFilterForm(MultiDict(), ContractStatus).value is None
    invoices = DocumentFilterForm(MultiDict({"type": "bogus"}), [DocumentType.INVOICE], default=DocumentType.INVOICE)
    assert invoices.selected is DocumentType.INVOICE and invoices.value == "invoice"
    assert DocumentFilterForm(MultiDict({"type": ""}), [DocumentType.INVOICE], allow_all=True).selected is None


@pytest.mark.rule("R-CON-1", "S1")
def test_list_pages_answer_odd_filters_and_stay_per_language(app, world, signed_in):
    client = signed_in(world["a"].users[PORTAL_ADMIN])
    for query in ("?status=%3Cb%3E&sort=%22", "?status=&status=active", "?type=%00", "?page=x&sort=-bogus"):
        for base in ("/portal/contracts/", "/portal/orders/", "/portal/documents/", "/portal/invoices/"):
            assert client.get(base + query).status_code == 200
    german = client.get("/portal/contracts/?_l_=de").get_data(as_text=True)
    english = client.get("/portal/contracts/?_l_=en").get_data(as_text=True)
    assert "Was bedeuten die Status?" in german and "What do the statuses mean?" in english
    assert "What do the statuses mean?" not in german
