"""The contract page's option rows, rendered in Python (issue 20, P10).

A contract books up to some fifty options; as a Jinja macro each row cost a dozen context
look-ups, attribute walks and escapes. This writes the same HTML, byte for byte, as the macro
it replaces (`option_rows` in portal/contract_detail.html, which now calls this function):
the cards' labels once per table, every value escaped, amounts and dates through app.i18n.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day, money, number
from app.views.row_html import catalogue_plural, catalogue_text, joined

ROW = ('\n  <tr>\n    <td data-label="{0}">{6}</td>\n    <td class="text-right" data-label="{1}">{7}</td>\n'
       '    <td class="text-right" data-label="{2}">{8}</td>\n    <td class="text-right" data-label="{3}">{9}</td>\n'
       '    <td data-label="{4}">{10}</td>\n    <td data-label="{5}">{11}</td>\n  </tr>\n  ')
LABELS = ("Option", "Quantity", "Monthly", "One-time", "Booked since", "Minimum term")


def option_rows(options) -> Markup:
    """The `<tr>` rows of an option table (name, quantity, monthly and one-time price, since, minimum term)."""
    labels = [catalogue_text(label) for label in LABELS]  # as Jinja's `_()`: the catalogue's text is trusted
    parts = ["\n  "]
    for option in options:
        quantity = option.quantity
        parts.append(ROW.format(
            *labels,
            escape(option.option_type.display_name),
            escape(quantity if quantity < 1000 else number(quantity)),
            escape(money(option.monthly_price)),
            escape(money(option.one_time_price)),
            escape(day(option.start_date)),
            catalogue_plural("%(num)d month", "%(num)d months", option.minimum_term_months or 0),
        ))
    parts.append("\n")
    return joined(parts)
