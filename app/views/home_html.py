"""The portal start page's fixed texts and links, once per worker and language (issue 20, P9/P10).

The start page showed some thirty `_()` labels and twenty `url_for` links on every request; the
texts only change with the language and the links (areas, the customer password's endpoint) not
at all. This keeps the texts per worker and language as one namespace (`home_texts()`, read as
`t.welcome` in home.html): a closed set of texts from our catalogue, never a customer's data (S1).
They are the texts Jinja's `_()` gave (newstyle gettext: the catalogue's text as markup, formatted
with no variables), so the HTML stays byte for byte the same. The links come from
`app.views.list_html.list_url` (kept per endpoint and script root) and, for a record,
`app.views.row_html.url_before_id` plus its id. Markup is made only through `app.views.row_html`.
"""
from __future__ import annotations

from types import SimpleNamespace

from app.views.fixed_html import fixed_texts
from app.views.row_html import catalogue_text


def _texts() -> dict:
    """The texts in the request's language (literal msgids, so the extraction finds them)."""
    return dict(
        start_page=catalogue_text("Start page"),
        welcome=catalogue_text("Welcome to e:service"),
        customer_number=catalogue_text("Customer number"),
        password_error=catalogue_text("The customer password could not be shown. Please try again."),
        show_password=catalogue_text("Show customer password"),
        password_help=catalogue_text(
            "The customer password identifies you at our hotline. It is not your login password."),
        cloud_phone_contracts=catalogue_text("Your cloud.phone contracts"),
        no_cloud_phone=catalogue_text("Your company has no active cloud.phone contract."),
        contracts_at_a_glance=catalogue_text("Your contracts at a glance"),
        no_contracts=catalogue_text("No contracts found."),
        date=catalogue_text("Date"),
        what=catalogue_text("What"),
        contract=catalogue_text("Contract"),
        product=catalogue_text("Product"),
        minimum_term_ends=catalogue_text("Minimum term ends"),
        no_upcoming=catalogue_text("No minimum term ends and no notice deadline falls in this period."),
        show_contracts=catalogue_text("Show contracts"),
        orders=catalogue_text("Orders"),
        show_orders=catalogue_text("Show orders"),
        support_tickets=catalogue_text("Support tickets"),
        create_ticket=catalogue_text("Create support ticket"),
        latest_invoice=catalogue_text("Latest invoice"),
        invoice_number=catalogue_text("Invoice number"),
        invoice_date=catalogue_text("Invoice date"),
        amount=catalogue_text("Amount"),
        due_date=catalogue_text("Due date"),
        status=catalogue_text("Status"),
        no_invoice=catalogue_text("No invoice yet."),
        show_invoices=catalogue_text("Show invoices"),
        contracts=catalogue_text("Contracts"),
        orders_and_offers=catalogue_text("Orders and offers"),
        invoices_and_calls=catalogue_text("Invoices & call records"),
        contract_documents=catalogue_text("Contract documents"),
        mail_to_carrier=catalogue_text("Mail to ecotel"),
        hotline=catalogue_text("Hotline"),
    )


def home_texts() -> SimpleNamespace:
    """The start page's fixed texts in the request's language (kept per app and language)."""
    return fixed_texts("home", _texts)
