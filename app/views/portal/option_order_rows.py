"""The option order's step 1 list of contracts, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/option_order/contract.html:
one radio button per offered contract, every value escaped, the Aktiv – Schwebend warning
(R-WIZ-1) under its contract.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.views.row_html import joined

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
