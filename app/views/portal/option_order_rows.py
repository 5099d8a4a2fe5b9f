"""The option order's step 1 list of contracts, rendered in Python (issue 20, P10).

Writes the same HTML, byte for byte, as the loop it replaces in portal/option_order/contract.html:
one radio button per offered contract, every value escaped, the Aktiv – Schwebend warning
(R-WIZ-1) under its contract.
"""
from __future__ import annotations

from datetime import date

from markupsafe import Markup, escape
from wtforms.widgets import HiddenInput

from app.i18n import day, money, request_locale_code
from app.services.portal.language import english_page, in_language
from app.views.row_html import catalogue_text, catalogue_texts, joined

CHOICE = ('\n      \n      <div class="radio">\n        <label>\n'
          '          <input type="radio" name="contract" id="contract-{0}" value="{0}"{1}{2}>\n'
          '          <strong>{3}</strong> · {4} · {5}\n        </label>\n        {6}\n      </div>\n      ')
WARNING = '<p class="alert alert-warning contract-warning" id="contract-warning-{0}">{1}</p>'


def contract_choice_rows(choices, chosen) -> Markup:
    """The radio buttons of step 1; `chosen` is the form's value (a contract id as text, or None).

    A big customer's contracts repeat a few products, statuses and one warning: each is put in the page's
    language and escaped once per list (kept only for this call; issue 20, P10)."""
    english = english_page()
    products, statuses, warnings = {}, {}, {}
    parts = []
    for choice in choices:
        row = choice.contract
        value = str(row.id)
        warning = ""
        if choice.warning:
            warning = warnings.get(choice.warning)
            if warning is None:
                warning = warnings[choice.warning] = escape(choice.warning)
        product = products.get(row.product_id)
        if product is None:  # as ContractChoice.product_name
            product = products[row.product_id] = escape(in_language(row.product_name, row.product_name_en, english))
        status = statuses.get(row.status)
        if status is None:
            status = statuses[row.status] = escape(row.status.label)
        parts.append(CHOICE.format(
            value, " checked" if chosen == value else "",
            f' aria-describedby="contract-warning-{value}"' if warning else "",
            escape(row.contract_number), product, status,
            WARNING.format(value, warning) if warning else "",
        ))
    return joined(parts)


HIDDEN = '<input id="{0}" name="{1}" type="hidden" value="{2}">'


def hidden_tag(form) -> Markup:
    """`form.hidden_tag()` (Flask-WTF): the form's hidden inputs, the CSRF token first among them.

    WTForms writes each attribute through `Markup.format`, a string Formatter, some 0.05 ms per input; a
    wizard page has up to five (issue 20, P10). A plain hidden input (no render_kw, no flags that become
    attributes) is written here as WTForms writes it: attributes sorted, every value escaped; any other
    hidden field still renders through WTForms."""
    parts = []
    for field in form:
        widget = field.widget
        if not isinstance(widget, HiddenInput):
            continue
        if type(widget) is not HiddenInput or field.render_kw or getattr(field, "_datalist", None) is not None \
                or any(getattr(field.flags, name, None) for name in widget.validation_attrs):
            parts.append(str(field))
            continue
        parts.append(HIDDEN.format(escape(field.id), escape(field.name), escape(field._value())))
    return joined(["\n".join(parts)])


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
    labels = catalogue_texts(CHANGE_LABELS)
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


LINE = ('\n        \n        \n        \n        \n        \n        \n        <tr data-line="{6}"{7}>\n'
        '          <td data-label="{0}"><label for="{8}">{9}</label>\n            {10}\n            {11}</td>\n'
        '          <td class="text-right" data-label="{1}">{12}</td>\n          <td data-label="{2}">\n'
        '            \n            {13}\n            \n          </td>\n'
        '          <td class="text-right" data-label="{3}">{14}</td>\n'
        '          <td class="text-right" data-label="{4}">{15}</td>\n'
        '          <td data-label="{5}">\n            {16}\n          </td>\n        </tr>\n      ')
LINE_LABELS = ("Option", "Booked", "New total", "Monthly", "One-time", "Reduction or cancellation")


def option_rows(lines, errors: dict, entered: dict, today) -> Markup:
    """The `<tbody>` rows of step 3: one per option line, with its new total, errors and note (R-WIZ-4, R-WIZ-5)."""
    labels = catalogue_texts(LINE_LABELS)
    possible_now, possible_from = catalogue_text("possible now"), catalogue_text("possible from %(date)s")
    parts = []
    for line in lines:
        ident = escape("total-" + line.key.replace(":", "-"))
        key = escape(line.key)
        value = entered.get(line.key, str(line.chosen))
        line_errors = errors.get(line.key, [])
        described = ([f"{ident}-error"] if line_errors else []) + ([f"{ident}-note"] if line.note else [])
        extra = ((" disabled" if not line.catalogue_rule else "")
                 + (f' aria-describedby="{" ".join(described)}"' if described else "")
                 + (' aria-invalid="true"' if line_errors else ""))
        if line.quantity_based:
            field = (f'<input type="number" class="form-control input-sm option-total" name="total-{key}" '
                     f'id="{ident}" value="{escape(value)}" min="0" max="{escape(line.limits[1])}"{extra}>')
        else:
            field = (f'<input type="checkbox" name="total-{key}" id="{ident}" value="1"'
                     f'{" checked" if str(value) != "0" else ""}{extra}>')
        name = escape(line.option_type.display_name)
        if line.location:
            name = f"{name} ({escape(line.location.name)})"
        if line.contract_option is None:
            reduction = "–\n            "
        elif line.reducible_from and line.reducible_from > today:
            reduction = (possible_from % {"date": day(line.reducible_from)}) + "\n            "
        else:
            reduction = possible_now
        monthly = line.contract_option.monthly_price if line.contract_option else line.option_type.monthly_price
        parts.append(LINE.format(
            *labels, key, ' class="danger"' if line_errors else "", ident, name,
            (f'<p class="help-block field-error text-danger" id="{ident}-error">'
             f'{" ".join(str(escape(text)) for text in line_errors)}</p>') if line_errors else "",
            f'<p class="help-block" id="{ident}-note">{escape(line.note)}</p>' if line.note else "",
            escape(line.current), field, escape(money(monthly)), escape(money(line.option_type.one_time_price)),
            reduction,
        ))
    return joined(parts)


ADDITION = ('\n        <tr>\n          <td data-label="{0}">{5}</td>\n          <td data-label="{1}">{6}</td>\n'
            '          <td data-label="{2}">{7}</td>\n          <td data-label="{3}">\n            {8}\n            {9}\n'
            '          </td>\n          <td data-label="{4}"><button type="submit" name="drop" value="{10}" '
            'class="btn btn-default btn-sm">{11}</button></td>\n        </tr>\n      ')
ADDITION_LABELS = ("Kind", "Count", "Location", "Details", "Action")
PAPERCLIP = '<br><i class="fa fa-paperclip" aria-hidden="true"></i> '


def _item(mapping: dict, name: str):
    """`mapping.name` as Jinja reads it from a dict: the value (None shows as "None"), "" when absent."""
    return mapping[name] if name in mapping else ""


def addition_rows(step, uploads: dict, porting_text) -> Markup:
    """The `<tbody>` rows of step 2's numbers to add (R-WIZ-2): kind, count, location, porting, file."""
    labels = catalogue_texts(ADDITION_LABELS)
    take_out = catalogue_text("Take out")
    kind_labels = dict(step.kinds)
    location_names = {location.id: location.name for location in step.locations}
    parts = []
    for addition in step.additions:
        kind = _item(addition, "kind")
        porting = _item(addition, "porting")
        details = ""
        if porting:
            desired = _item(porting, "desired_date")
            details = (f"{escape(porting_text(porting))} · {escape(_item(porting, 'carrier'))} · "
                       f"{escape(_item(porting, 'owner'))} · "
                       f"{escape(day(date.fromisoformat(desired))) if desired else '–'}")
        upload_id = _item(addition, "upload_id")
        upload = uploads.get(upload_id) if upload_id else None
        parts.append(ADDITION.format(
            *labels, escape(kind_labels.get(kind, kind)), escape(_item(addition, "count")),
            escape(location_names.get(_item(addition, "location_id"), "–")), details,
            f"{PAPERCLIP}{escape(upload.filename)}" if upload else "", escape(_item(addition, "key")), take_out,
        ))
    return joined(parts)


NUMBER = ('\n        \n        <tr{0} data-number-id="{1}">\n          <td data-label="{2}">{3}</td>\n'
          '          <td data-label="{4}">{5}</td>\n          <td data-label="{6}">{7}</td>\n'
          '          <td data-label="{8}">\n            {9}\n          </td>\n        </tr>\n      ')
NUMBER_LABELS = ("Number", "Location", "Status", "Action")
NUMBER_BUTTON = ('\n            <button type="submit" name="{0}" value="{1}" class="btn btn-default btn-sm">{2}</button>'
                 '\n            ')


def number_rows(step) -> Markup:
    """The `<tbody>` of step 2's numbers (R-WIZ-3): each with its status or removal mark and its button."""
    labels = catalogue_texts(NUMBER_LABELS)
    marked_text = catalogue_text("To be removed with this order")
    keep, remove = catalogue_text("Keep %(number)s"), catalogue_text("Remove %(number)s")
    locations = {location.id: escape(location.name) for location in step.locations}
    statuses = {}
    parts = ["\n      "]
    for number in step.numbers:
        marked = number.id in step.removals
        text = str(number)
        if number.location_id is None:
            location = "–"
        else:  # the contract's locations are loaded already; another one (if any) through the relationship
            location = locations.get(number.location_id)
            if location is None:
                location = escape(number.location.name) if number.location else "–"
        if marked:
            status = f"<strong>{marked_text}</strong>"
            button = NUMBER_BUTTON.format("keep", number.id, keep % {"number": text})
        else:
            status = statuses.get(number.status)
            if status is None:
                status = statuses[number.status] = escape(number.status.label)
            button = (NUMBER_BUTTON.format("remove", number.id, remove % {"number": text})
                      if number.status.value == "active" else "")
        parts.append(NUMBER.format(' class="warning"' if marked else "", number.id, labels[0], escape(text),
                                   labels[1], location, labels[2], status, labels[3], button))
    parts.append("\n      ")
    return joined(parts)
