"""What a back-office list loads of the rows it links to: only the columns their text needs (issue 20, P10).

A list shows a related row (a document's customer, a ticket's assignee) by its `str()`. Loading the
whole row for that (a customer's 20-odd columns, a user's password hash) and building it as a full
ORM object cost more than the rest of the page: here a many-to-one relation is joined into the
list's own statement with just the columns its `str()` reads, a collection (a user's roles) gets
one extra statement with just those columns. A `str()` changed to read another column would load
it row by row: tests/integration/test_backoffice_pages.py counts a list's statements at 10 and
100 rows (QUALITY P5).

A model missing here is loaded whole, as before.
"""
from __future__ import annotations

from sqlalchemy.orm import defer, joinedload, lazyload, load_only, selectinload

from app.models.mixins import EncryptedText

# Model class name -> the columns its str() reads (app/models/*.py, FAB's security models).
DISPLAY_COLUMNS: dict[str, tuple[str, ...]] = {
    "Customer": ("customer_number", "company_name"),          # "K-10001 Muster GmbH"
    "Contract": ("contract_number",),
    "Product": ("name", "name_en"),                           # Localized("name")
    "OptionType": ("name", "name_en"),
    "Location": ("name", "street", "zip_code", "city"),
    "Order": ("order_number",),
    "Ticket": ("ticket_number", "title"),
    "Cpe": ("model", "serial_number"),
    "PhoneNumber": ("country_code", "area_code", "subscriber_number", "kind", "extension_from", "extension_to"),
    "EServiceUser": ("first_name", "last_name"),              # FAB's User: get_full_name()
    "Role": ("name",),
    "Permission": ("name",),
    "ViewMenu": ("name",),
}


def encrypted(model) -> list:
    """The Fernet-encrypted column attributes of a model (hotline, SIP and DSL passwords)."""
    return [getattr(model, prop.key) for prop in model.__mapper__.column_attrs
            if any(isinstance(column.type, EncryptedText) for column in prop.columns)]


def _display_columns(model) -> tuple[str, ...] | None:
    names = DISPLAY_COLUMNS.get(model.__name__)
    if names is not None and all(name in model.__mapper__.column_attrs for name in names):
        return names
    return None


def loader_options(model, paths) -> list:
    """Loader options for a list of `model` showing the relations in `paths` (dotted paths allowed)."""
    options = [defer(column) for column in encrypted(model)]  # secrets are never listed (SECRET_COLUMNS)
    for path in paths:
        attributes, current = [], model
        for part in path.split("."):
            attributes.append(getattr(current, part))
            current = attributes[-1].property.mapper.class_
        names = _display_columns(current)
        # Joined into the list's statement only when the row is narrowed to its text columns: a whole
        # row brings its own joined relations (a contract's product), which SQLite plans badly nested.
        join = names is not None
        loader = None
        for attribute in attributes:
            eager = "selectinload" if attribute.property.uselist or not join else "joinedload"
            loader = getattr(loader, eager)(attribute) if loader is not None else (
                selectinload(attribute) if eager == "selectinload" else joinedload(attribute))
        if names is not None:
            # Its own eager relations are not loaded either. Not `raiseload`: the row stays in the
            # request's session, and a page may read more of it later (an edit form under its related lists).
            options.append(loader.options(load_only(*(getattr(current, n) for n in names)),
                                          lazyload("*")))
        else:
            secrets = encrypted(current)
            options.append(loader.defer(*secrets) if secrets else loader)
    return options
