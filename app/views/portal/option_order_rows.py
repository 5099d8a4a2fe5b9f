"""The option order's step 1 list of contracts, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/option_order/contract.html:
one radio button per offered contract, every value escaped, the Aktiv – Schwebend warning
(R-WIZ-1) under its contract.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import money, request_locale_code
from app.views.row_html import catalogue_text, joined

CHOICE = ('\n      \n      <div class="radio">\n        <label>\n'
          '          <input type="radio" name="contract" id="contract-{0}" value="{0}"{1}{2}>\n'
          '          <strong>{3}</strong> · {4} · {5}\n        </label>\n        {6}\n      </div>\n      ')
WARNING = '<p class="alert alert-warning contract-warning" id="contract-warning-{0}">{1}</p>'


def contract_choice_rows(choices, chosen) -> Markup:
    """The radio buttons of step 1; `chosen` is the form's value (a contract id as text, or None)."""
    parts = []
    for choice in choices:
        row = choice.contract
        value = str(row.id)
        warning = escape(choice.warning) if choice.warning else ""
        parts.append(CHOICE.format(
            value, " checked" if chosen == value else "",
            f' aria-describedby="contract-warning-{value}"' if warning else "",
            escape(row.contract_number), escape(choice.product_name), escape(row.status.label),
            WARNING.format(value, warning) if warning else "",
        ))
    return joined(parts)


# Step 2's form fields as `_form_macros.field` writes them, kept per worker while a field is untouched
# (no value, no error): then its HTML is the same fixed strings for everyone in one language (issue 20, P10;
# no customer's data: the location field, whose choices are the customer's locations, is never kept).
_KEPT_FIELDS: dict[tuple, Markup] = {}


def kept_field(field, help=None, **attrs) -> Markup:
    """`field(form.x, help=..., **attrs)` of _form_macros.html, from the per-worker store when untouched."""
    from flask import current_app

    macro = current_app.jinja_env.get_template("_form_macros.html").module.field
    if field.errors or field.data not in (None, "") or field.raw_data:
        return macro(field, help=help, **attrs)
    choices = tuple((value, str(label)) for value, label in field.choices) if hasattr(field, "choices") else ()
    key = (request_locale_code(), field.name, field.id, str(field.label.text), str(help) if help else help,
           tuple(sorted(attrs.items())), choices, field.type)
    html = _KEPT_FIELDS.get(key)
    if html is None:
        html = _KEPT_FIELDS[key] = macro(field, help=help, **attrs)
    return html


CHANGE = ('\n      <tr class="change-{6}">\n        <td data-label="{0}"><span class="label label-{7}">{8}</span></td>\n'
          '        <td data-label="{1}">{9}</td>\n        <td class="text-right" data-label="{2}">{10} → {11}</td>\n'
          '        <td class="text-right" data-label="{3}">{12}</td>\n'
          '        <td class="text-right" data-label="{4}">{13}</td>\n'
          '        <td class="text-right" data-label="{5}">{14}</td>\n      </tr>\n    ')
CHANGE_LABELS = ("Change", "What", "Before → after", "Monthly each", "Monthly before → after", "One-time")
CHANGE_STYLES = {"added": "success", "changed": "info", "reduced": "warning"}


def summary_rows(changes) -> Markup:
    """The `<tbody>` rows of step 4's table of changes (`changes.Change` of the plan)."""
    labels = [catalogue_text(label) for label in CHANGE_LABELS]
    parts = []
    for change in changes:
        kind = change.change.value
        priced = change.unit_monthly is not None
        parts.append(CHANGE.format(
            *labels, escape(kind), CHANGE_STYLES[kind], escape(change.change.label), escape(change.name),
            escape(change.before), escape(change.after), escape(money(change.unit_monthly)) if priced else "–",
            (f"{escape(money(change.monthly_before))} → {escape(money(change.monthly_after))}" if priced else "–"),
            escape(money(change.one_time)) if change.one_time else "–",
        ))
    return joined(parts)
