"""The option wizard's frame, written in Python (issue 20, P10): the four steps and "abandon".

Writes the same HTML, byte for byte, as the includes it replaces (portal/option_order/_steps.html and
_abandon.html, Jinja whitespace kept): the steps with the current one marked, the contract, and the
abandon form. The abandon form on a page is only shown, never validated there (its POST goes to
`abandon`, which builds its own form): its CSRF input is written from the request's token as
Flask-WTF's `hidden_tag()` writes it, without building a form for it.
"""
from __future__ import annotations

from flask import url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import escape

from app.views.fixed_html import fixed_html
from app.views.row_html import catalogue_text, joined

STEP = ('\n      \n      <li class="wizard-step{0}"{1}>\n        <span class="badge">{2}</span>\n        {3}'
        '\n      </li>\n      \n    ')
LINK = '<a href="{0}">{1}</a>\n        '
STEPS = ('\n\n<nav aria-label="{0}">\n  <ol class="wizard-steps list-inline" id="wizard-steps">\n    {1}\n'
         '  </ol>\n</nav>\n{2}')
CONTRACT = '\n<p id="wizard-contract"><strong>{0}:</strong> {1} · {2}</p>\n'


def wizard_steps(steps, step: str, numbers_apply: bool, draft) -> str:
    """`_steps.html`: the steps of the wizard (the numbers step only where it applies), links to the others."""
    labels = dict(zip(steps, (catalogue_text("Contract"), catalogue_text("Phone numbers"), catalogue_text("Options"),
                              catalogue_text("Summary"))))
    parts = []
    for index, name in enumerate(steps, 1):
        if name == "numbers" and not numbers_apply:
            parts.append("\n      \n    ")
            continue
        current = name == step
        label = labels[name]
        if draft is not None and not current:
            endpoint = "PortalOptionOrderView.start" if name == "contract" else "PortalOptionOrderView." + name
            label = LINK.format(escape(url_for(endpoint, draft=draft.id)), label)
        parts.append(STEP.format(" active" if current else "", ' aria-current="step"' if current else "", index,
                                 label))
    contract = ""
    if draft is not None:
        contract = CONTRACT.format(labels["contract"], escape(draft.contract.contract_number),
                                   escape(draft.contract.product.display_name))
    return joined([STEPS.format(catalogue_text("Steps of the option order"), "".join(parts), contract)])


CSRF = '<input id="{0}csrf_token" name="{0}csrf_token" type="hidden" value="{1}">'


def csrf_input(prefix: str) -> str:
    """The hidden CSRF input of a `StepForm(prefix=...)` as its `hidden_tag()` writes it (the request's token):
    for a form a page only shows; the view its POST goes to builds the form and checks the token."""
    return joined([CSRF.format(escape(prefix), escape(generate_csrf()))])


ABANDON = ('\n<form method="post" action="{0}" class="wizard-abandon" id="wizard-abandon">\n'
           '  {1}\n'
           '  <input type="hidden" name="confirm" value="yes">\n'
           '  <button type="submit" class="btn btn-link">{2}</button>\n'
           '  <span class="help-block">{3}</span>\n</form>\n')


def abandon_form(draft) -> str:
    """`_abandon.html`: the form that discards the draft (R-WIZ-7); nothing without a draft."""
    if draft is None:
        return joined([""])
    return joined([ABANDON.format(escape(url_for("PortalOptionOrderView.abandon", draft=draft.id)),
                                  csrf_input("abandon-"), catalogue_text("Abandon the option order"),
                                  catalogue_text("Nothing is changed until you submit the order in step 4."))])


def kept_block(name: str, keep: bool, *, caller):
    """`fixed_html(name)` when `keep` (a block of fixed text and untouched fields), else the block rendered now.

    Step 2's add form before anything is entered (a GET) is the same text and fields for everyone in one
    language, except the customer's locations, which stay outside such a block (S1: nothing of a customer
    is kept)."""
    if keep:
        return fixed_html(name, caller=caller)
    return caller()


class BlankForm:
    """A form a page shows untouched (a GET), built only if a block that is not kept yet reads a field of it."""

    def __init__(self, build):
        self._build, self._form = build, None

    def __getattr__(self, name):
        if self._form is None:
            self._form = self._build()
        return getattr(self._form, name)


UPLOAD_ID = '<input id="upload_id" name="upload_id" type="hidden" value="">'


def blank_add_hidden() -> str:
    """`hidden_tag()` of step 2's untouched add form: the empty upload id, then the CSRF input."""
    return joined([UPLOAD_ID, "\n", csrf_input("")])


LOCATION_FIELD = ('<div class="form-group">\n    <label class="control-label" for="location_id">{0}</label>\n'
                  '    <select aria-describedby="location_id-help" class="form-control" id="location_id" '
                  'name="location_id"><option value="">{1}</option>{2}</select>\n'
                  '    <p class="help-block" id="location_id-help">{3}</p>\n  </div>')
LOCATION = '<option value="{0}">{1}</option>'


def blank_location_field(locations) -> str:
    """Step 2's untouched location field as `_form_macros.field` and WTForms write it (NumberAddForm's choices):
    the customer's locations, none chosen."""
    options = "".join(LOCATION.format(location.id, escape(f"{location.name} – {location.street}, "
                                                          f"{location.zip_code} {location.city}"))
                      for location in locations)
    return joined([LOCATION_FIELD.format(
        catalogue_text("Location"), catalogue_text("No location (area code 032)"), options,
        catalogue_text("For numbers with a local area code: the location they are for."))])
