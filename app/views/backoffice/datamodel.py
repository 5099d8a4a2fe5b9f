"""The back office's data interface: FAB's SQLAInterface with eager lists, safe filters and safe ids.

- the relations a list shows are loaded with the list (only the columns their text needs, see
  list_load.py), never one row at a time (QUALITY P4/P5);
- an unknown filter index or enum value in the URL filters nothing instead of a 500;
- an id from the URL is read only when it is a positive integer its column can hold (R7).
"""
from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import BigInteger, Integer, func, select

from app.i18n import number
from app.views.backoffice.filters import SafeFilterConverter, SafeFilters
from app.views.backoffice.list_load import loader_options

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class BackofficeInterface(SQLAInterface):
    """SQLAInterface with eager loading of listed relations and safe filters."""

    filter_converter_class = SafeFilterConverter

    def __init__(self, obj, session=None, count_limit: int | None = None):
        super().__init__(obj, session)
        self.eager_paths: tuple[str, ...] = ()
        self.count_limit = count_limit

    def query_count(self, query, filters=None, select_columns=None) -> int:
        """FAB's count; for a table of millions (`count_limit`) it stops counting past the limit.

        Counting 2,000,000 call records took longer than the whole page may (P10, 15 ms at dataset
        L); nobody pages through them without a filter. Past the limit the list says "more than
        10.000" and pages up to there; a filter (customer, contract, number, date) narrows it.
        """
        if not self.count_limit:
            return super().query_count(query, filters, select_columns)
        filtered = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        capped = filtered.with_entities(*self.obj.__mapper__.primary_key).limit(self.count_limit + 1).subquery()
        count = self.session.execute(select(func.count()).select_from(capped)).scalar_one()
        return CountOver(self.count_limit) if count > self.count_limit else count

    def is_nullable(self, col_name: str) -> bool:
        """A checkbox left empty means False, a valid value: never "required" for booleans."""
        if col_name in self.list_columns and self.is_boolean(col_name):
            return True
        return super().is_nullable(col_name)

    def get_filters(self, search_columns=None, search_filters=None):
        """Filters that ignore unknown indices from the URL."""
        return SafeFilters(
            self.filter_converter_class, self, search_columns=search_columns or [],
            search_filters=search_filters,
        )

    def _loader_options(self):
        # Built once per list: loader options are immutable and safe to share between statements.
        cached = self.__dict__.get("_options")
        if cached is None or cached[0] != self.eager_paths:
            cached = self._options = (self.eager_paths, loader_options(self.obj, self.eager_paths))
        return cached[1]

    def apply_all(self, query, *args, **kwargs):
        """FAB's filtering, ordering and paging, plus the listed relations loaded with it (no N+1)."""
        query = super().apply_all(query, *args, **kwargs)
        options = self._loader_options()
        return query.options(*options) if options else query


class CountOver(int):
    """A count known only to exceed `limit`: it pages like limit + 1 rows and reads "more than <limit>"."""

    def __new__(cls, limit: int):
        value = super().__new__(cls, limit + 1)
        value.limit = limit
        return value

    def __html__(self) -> str:
        return str(escape(gettext("more than %(count)s", count=number(self.limit))))


def pk_in_range(model, raw) -> int | None:
    """The integer primary key in `raw`, or None when it is malformed or out of range."""
    text = str(raw or "").strip()
    if not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    pk_column = model.__mapper__.primary_key[0]
    limit = INT64_MAX if isinstance(pk_column.type, BigInteger) else INT32_MAX
    if not isinstance(pk_column.type, (Integer, BigInteger)):
        return None
    return value if 1 <= value <= limit else None
