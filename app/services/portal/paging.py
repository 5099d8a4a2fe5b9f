"""Pagination for portal lists: bounded page size, a page number from the URL, one count."""
from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from sqlalchemy import bindparam, func, select

from app.extensions import db
from app.models import Contract
from app.services.portal.plain import plain_rows

PAGE_SIZE = 25


@dataclass
class Page:
    items: list
    page: int
    pages: int
    total: int

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def page_number(raw) -> int:
    """A page number from the query string; anything odd is page 1."""
    text = str(raw or "1")
    # ASCII digits only: "²".isdigit() is true, but int("²") raises (R7: no 500 for an odd page).
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1


def paginate(statement, page: int, per_page: int | None = None) -> Page:
    """Run `statement` for one page of `per_page` rows (default PAGE_SIZE), plus one COUNT over the same filter."""
    per_page = per_page or PAGE_SIZE
    total = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    pages = max(1, ceil(total / per_page))
    page = min(page, pages)
    if not total:  # nothing to read: no second statement (issue 20, P10)
        return Page(items=[], page=page, pages=pages, total=0)
    items = db.session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).unique().all()
    return Page(items=list(items), page=page, pages=pages, total=total)


class KeptPages:
    """`paginate` for a list statement built once per process (issue 20): its COUNT and its page statement
    (limit and offset as bound parameters) are built here once, so a request neither builds nor keys them.
    The statement is a `tenancy.scoped_template` one; `page()` takes its `tenant_params()`."""

    def __init__(self, statement, counted=None, rows: bool = False):
        """`counted`: the statement whose rows are counted, when cheaper than `statement` (no joins for display);
        `rows`: the page's items are the statement's rows (of columns), not its first column's objects.

        The count, and the rows of a columns-only statement, are read as `plain_rows` (through the session's
        connection, without the ORM's compile state and result set-up; issue 20, P9): the lists are GET pages'
        reads, with nothing to flush before them. Objects (`rows=False`) still come through the ORM."""
        if rows and any(_is_entity(column) for column in statement.column_descriptions):
            raise TypeError("KeptPages(rows=True) takes a statement of columns, not of mapped objects")
        self.as_rows = rows
        self.count = select(func.count()).select_from((statement if counted is None else counted).order_by(None)
                                                      .subquery())
        self.rows = statement.limit(bindparam("page_limit_")).offset(bindparam("page_offset_"))

    def page(self, params: dict, page: int, per_page: int | None = None) -> Page:
        per_page = per_page or PAGE_SIZE
        total = plain_rows(self.count, params).scalar() or 0
        pages = max(1, ceil(total / per_page))
        page = min(page, pages)
        if not total:
            return Page(items=[], page=page, pages=pages, total=0)
        params = {**params, "page_limit_": per_page, "page_offset_": (page - 1) * per_page}
        items = plain_rows(self.rows, params).all() if self.as_rows \
            else db.session.scalars(self.rows, params).unique().all()
        return Page(items=list(items), page=page, pages=pages, total=total)


def _is_entity(description: dict) -> bool:
    """Whether a `column_descriptions` entry is a mapped class (an ORM object per row), not a column."""
    return description.get("entity") is not None and description.get("type") is description.get("entity")


def with_contract(relationship):
    """Join a row's contract (and the contract's product) flat, for lists.

    Contract.product is an inner join by default; under an outer join SQLAlchemy nests
    it as `LEFT JOIN (contract JOIN product)`, which SQLite answers by materialising the
    whole contract table (0.9 s at dataset L). Two flat outer joins use the primary keys.
    """
    from sqlalchemy.orm import joinedload

    return joinedload(relationship).joinedload(Contract.product, innerjoin=False)


def with_contract_number(relationship):
    """Join a row's contract for a list that shows only the contract's number.

    Only the number is read: no product join, and no decrypting of the contract's SIP password
    (a Fernet decryption per row, the largest part of a list's database time; issue 20, P10).
    Any other attribute still loads when touched, with a statement of its own.
    """
    from sqlalchemy.orm import joinedload, lazyload

    return joinedload(relationship).load_only(Contract.contract_number).options(lazyload(Contract.product))


@dataclass(frozen=True)
class Sort:
    """A list's sort order from the URL: `?sort=created` ascending, `?sort=-created` descending."""

    key: str
    descending: bool

    @property
    def arg(self) -> str:
        return ("-" if self.descending else "") + self.key

    def toggle(self, key: str) -> str:
        """The `sort` argument of a column header: reverses the current column, else ascending."""
        return ("" if self.descending else "-") + key if key == self.key else key


def parse_sort(raw, allowed, default: str) -> Sort:
    """The sort order named in the URL if its key is one of `allowed`, else `default`."""
    text = str(raw or "")
    key = text[1:] if text.startswith("-") else text
    if key not in allowed:
        text = default
        key = text.lstrip("-")
    return Sort(key=key, descending=text.startswith("-"))


def order_by(statement, sort: Sort, columns: dict, tiebreak):
    """`statement` ordered by the sorted column (empty values last), then by `tiebreak` the same way."""
    column = columns[sort.key]
    first = column.desc() if sort.descending else column.asc()
    last = tiebreak.desc() if sort.descending else tiebreak.asc()
    return statement.order_by(first.nulls_last(), last)
