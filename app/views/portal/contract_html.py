"""The contract page's fixed texts, once per worker and language (issue 20, P9/P10).

The page showed some fifty `_()` labels, headings and help texts on every request (a context
call, a catalogue look-up and a Markup each); they only change with the language. This keeps
them per worker and language as one namespace (`contract_texts()`, read as `t.minimum_term` in
portal/contract_detail.html, _contract_actions.html and _porting_status.html): a closed set of
texts from our catalogue, never a customer's data (S1). The texts are the ones Jinja's `_()`
gave (newstyle gettext: the catalogue's text as markup, formatted with no variables), so the
HTML stays byte for byte the same. Markup is made only through `app.views.row_html`.
"""
from __future__ import annotations

from types import SimpleNamespace

from flask import current_app, request
from markupsafe import escape

from app.views.list_html import list_url
from app.views.fixed_html import fixed_texts
from app.views.row_html import catalogue_text, url_around_id


def _texts() -> dict:
    """The texts in the request's language (literal msgids, so the extraction finds them)."""
    return dict(
        all_contracts=catalogue_text("All contracts"),
        cannot_change=catalogue_text("In this status the contract cannot be changed."),
        minimum_term=catalogue_text("Minimum term"),
        notice_period=catalogue_text("Notice period"),
        start_date=catalogue_text("Start date"),
        end_of_term=catalogue_text("End of term"),
        termination_date=catalogue_text("termination date of the contract"),
        earliest_end=catalogue_text("earliest date the contract can end if you give notice today"),
        product=catalogue_text("Product"),
        per_month=catalogue_text("per month"),
        general_options=catalogue_text("Options for the whole contract"),
        none=catalogue_text("None."),
        no_location_options=catalogue_text("No options at this location."),
        phone_numbers=catalogue_text("Phone numbers"),
        monthly_total=catalogue_text("Monthly total"),
        option=catalogue_text("Option"),
        quantity=catalogue_text("Quantity"),
        monthly=catalogue_text("Monthly"),
        one_time=catalogue_text("One-time"),
        booked_since=catalogue_text("Booked since"),
        sip_accounts=catalogue_text("SIP accounts"),
        sip_username=catalogue_text("SIP username"),
        registered=catalogue_text("Registered"),
        proxy=catalogue_text("Proxy"),
        locked=catalogue_text("Locked"),
        shared_password=catalogue_text("All SIP accounts of a contract share one SIP password."),
        technical_data=catalogue_text("Technical data"),
        loading=catalogue_text("Loading the technical data from the network …"),
        unavailable=catalogue_text("The technical data is unavailable at the moment."),
        try_again=catalogue_text("Try again"),
        session_ended=catalogue_text("Your session has ended, so the technical data cannot be loaded."),
        sign_in_again=catalogue_text("Sign in again"),
        enable_javascript=catalogue_text("Please enable JavaScript to see the technical data."),
        change_options=catalogue_text("Change options"),
        actions=catalogue_text("Actions"),
        reset_sip_password=catalogue_text("Reset account password"),
        failover=catalogue_text("ecotel@once"),
        permanent=catalogue_text("Permanent call forwarding"),
        trunk_ips=catalogue_text("Multi-registration"),
        reset_dsl_password=catalogue_text("Reset DSL password"),
        router=catalogue_text("Get CPE status"),
    )


def contract_texts() -> SimpleNamespace:
    """The contract page's fixed texts in the request's language (kept per app and language)."""
    return fixed_texts("contract", _texts)


def technical_url(contract_id: int):
    """`url_for("PortalContractView.technical", pk=contract_id)`, escaped: the URL around the id kept per
    worker and script root (no customer data), the id filled in per request."""
    cache = current_app.extensions.setdefault("eservice_contract_links", {})
    parts = cache.get(request.script_root)
    if parts is None:
        parts = cache[request.script_root] = url_around_id("PortalContractView.technical")
    before, after = parts
    return before + "/" + escape(contract_id) + "/" + after


def sign_in_again_url() -> str:
    """The sign-in page back to this page: `url_for(<login>, next=request.path)` as Flask writes it."""
    return list_url(current_app.appbuilder.sm.auth_view.endpoint + ".login", next=request.path)
