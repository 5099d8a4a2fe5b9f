"""The base classes of every back-office model view (R-BO-1, QUALITY S3).

Where the rest lives: shared labels and value formats `labels.py`, list filters
`filters.py`, the data interface `datamodel.py`, form fields `widgets.py`, and the
safety net every back-office view shares `safe_view.py`.
"""
from __future__ import annotations

from flask_appbuilder import ModelView
from flask_babel import lazy_gettext as _l

from app.services.errors import Invalid
from app.views.backoffice.list_rows import PageSearchWidget
from app.views.backoffice.safe_view import SafeViewMixin

READ_ONLY = ["can_list", "can_show"]
CRUD = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]


class BackofficeModelView(SafeViewMixin, ModelView):
    """Base of every back-office model view.

    `owner_from` names the parent relation (e.g. "contract") whose customer a
    row belongs to: customer_id is always taken from it, never from the form
    (QUALITY S3). `same_customer` lists relations that must belong to the
    same customer as the row.
    """

    datamodel = None
    page_size = 25
    base_permissions = CRUD
    add_template = "backoffice/add.html"
    search_widget = PageSearchWidget  # filter inputs rendered once per view and language (issue 20)
    edit_template = "backoffice/edit.html"
    owner_from: str | None = None
    same_customer: tuple[str, ...] = ()

    def pre_add(self, item):
        """Derive the owning customer and check related rows belong to it."""
        self._check_owner(item)

    def pre_update(self, item):
        """Same checks as on add."""
        self._check_owner(item)

    def _check_owner(self, item):
        if self.owner_from:
            parent = getattr(item, self.owner_from)
            if parent is None:
                raise Invalid(_l("Please choose the %(field)s.", field=self.label_columns.get(self.owner_from)))
            item.customer = parent.customer
            item.customer_id = parent.customer_id
        customer_id = getattr(item, "customer_id", None) or getattr(getattr(item, "customer", None), "id", None)
        for relation in self.same_customer:
            related = getattr(item, relation, None)
            if related is not None and related.customer_id != customer_id:
                raise Invalid(_l(
                    "The selected %(field)s belongs to another customer.",
                    field=self.label_columns.get(relation, relation),
                ))


class ReadOnlyModelView(BackofficeModelView):
    """List and show only: records written by the system, never by hand."""

    base_permissions = READ_ONLY
