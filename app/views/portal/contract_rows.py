"""The contract page's option rows and the contract list's rows, rendered in Python (issue 20, P10).

A contract books up to some fifty options; as a Jinja macro each row cost a dozen context
look-ups, attribute walks and escapes. This writes the same HTML, byte for byte, as the macro
it replaces (`option_rows` in portal/contract_detail.html, which now calls this function):
the cards' labels once per worker and language, every value escaped, amounts and dates through app.i18n.
"""
from __future__ import annotations

from markupsafe import Markup, escape

from app.i18n import day, day_formatter, money_formatter, number
from app.services.portal.language import english_page, in_language
from app.views.portal.contract_html import contract_texts
from app.views.row_html import catalogue_plural, catalogue_text, catalogue_texts, joined, url_before_id
from app.views.template_globals import status_badge

ROW = ('\n  <tr>\n    <td data-label="{0}">{6}</td>\n    <td class="text-right" data-label="{1}">{7}</td>\n'
       '    <td class="text-right" data-label="{2}">{8}</td>\n    <td class="text-right" data-label="{3}">{9}</td>\n'
       '    <td data-label="{4}">{10}</td>\n    <td data-label="{5}">{11}</td>\n  </tr>\n  ')


def option_rows(options) -> Markup:
    """The `<tr>` rows of an option table (name, quantity, monthly and one-time price, since, minimum term).

    The options of a contract repeat their types, prices, dates and terms: each distinct value is
    formatted and escaped once per table (kept only for this call, nothing across requests), with the
    request's language looked up once per table and the labels put into the row once per table.
    """
    row = _labelled_row()
    day, money = day_formatter(), money_formatter()
    names, amounts, days, terms = {}, {}, {}, {}
    parts = ["\n  "]
    for option in options:
        option_type = option.option_type
        name = names.get(option_type)
        if name is None:
            name = names[option_type] = escape(option_type.display_name)
        quantity = option.quantity
        monthly, one_time, since = option.monthly_price, option.one_time_price, option.start_date
        term = option.minimum_term_months or 0
        monthly_text = amounts.get(monthly)
        if monthly_text is None:
            monthly_text = amounts[monthly] = escape(money(monthly))
        one_time_text = amounts.get(one_time)
        if one_time_text is None:
            one_time_text = amounts[one_time] = escape(money(one_time))
        since_text = days.get(since)
        if since_text is None:
            since_text = days[since] = escape(day(since))
        term_text = terms.get(term)
        if term_text is None:
            term_text = terms[term] = catalogue_plural("%(num)d month", "%(num)d months", term)
        parts.append(row.format(
            name,
            escape(quantity if quantity < 1000 else number(quantity)),
            monthly_text,
            one_time_text,
            since_text,
            term_text,
        ))
    parts.append("\n")
    return joined(parts)


def _labelled_row() -> str:
    """`ROW` with the cards' labels (kept per language) filled in, the six values left to fill per row."""
    t = contract_texts()
    labels = [str(label).replace("{", "{{").replace("}", "}}")
              for label in (t.option, t.quantity, t.monthly, t.one_time, t.booked_since, t.minimum_term)]
    return ROW.format(*labels, *(f"{{{i}}}" for i in range(6)))


LIST_ROW = ('\n      <tr>\n        <td data-label="{0}"><a href="{4}{5}">{6}</a></td>\n'
            '        <td data-label="{1}">{7}</td>\n        <td data-label="{2}">{8}\n          {9}</td>\n'
            '        <td data-label="{3}">{10}</td>\n      </tr>\n    ')
LIST_LABELS = ("Contract number", "Product", "Status", "Start date")


def contract_rows(contracts, accounting_phone) -> Markup:
    """The `<tbody>` content of the contract list (portal/contracts.html); `contracts` are rows of
    services.portal.contracts.LIST_COLUMNS. The same HTML as the Jinja loop it replaces."""
    labels = catalogue_texts(LIST_LABELS)
    show_url = url_before_id("PortalContractView.show")
    english = english_page()
    badges, products, days = {}, {}, {}  # each distinct status, product and start date written once per table
    blocked_note = None
    parts = ["\n    "]
    for contract_id, contract_number, status, start_date, product_name, product_name_en in contracts:
        badge = badges.get(status)
        if badge is None:
            badge = badges[status] = status_badge(status)
        product = products.get((product_name, product_name_en))
        if product is None:
            product = products[(product_name, product_name_en)] = escape(
                in_language(product_name, product_name_en, english))  # as Product.display_name
        note = ""
        if status.value == "blocked":
            if blocked_note is None:
                blocked_note = "<br><small>{}</small>".format(
                    catalogue_text("Please call our accounting: %(phone)s") % {"phone": accounting_phone})
            note = blocked_note
        start = days.get(start_date)
        if start is None:
            start = days[start_date] = escape(day(start_date))
        parts.append(LIST_ROW.format(*labels, show_url, contract_id, escape(contract_number), product, badge, note,
                                     start))
    return joined(parts)
