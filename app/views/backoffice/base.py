"""Shared base of every back-office CRUD view (R-BO-1, QUALITY P4/P5, S13, S14, R7).

Stock FAB `ModelView` has gaps that this base closes once for all views:

- an out-of-range or malformed id, an unknown action name or an unknown
  filter index answers 500; here it answers 404;
- enum columns are listed by their stored code; here by their translated label;
- list columns through relations load one row at a time (N+1); here the
  relations named in `list_columns` are loaded with one extra query each;
- related lists on show/edit pages ignore the user's permissions; here a
  related list only appears when the user may list that view;
- database errors are flashed as raw English exception text and leave the
  session dirty; here they roll back and flash a translated message, and a
  rejected form is shown again with what was entered;
- secret columns (hotline/SIP/DSL passwords, TOTP secret) can never be listed,
  shown, searched or edited, whatever a subclass declares (QUALITY S14).
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, g, has_request_context, request
from flask_appbuilder import ModelView, expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.models.filters import BaseFilter, Filters
from flask_appbuilder.models.sqla.filters import (
    SQLAFilterConverter,
)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_filter_args
from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, Integer, false, select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError, StatementError
from sqlalchemy.orm import selectinload
from werkzeug.exceptions import NotFound
from wtforms import SelectField, StringField

from app.extensions import db
from app.i18n import day, timestamp
from app.services.errors import Invalid, ServiceError

# Never listed, shown, searched or edited in the back office (QUALITY S14).
SECRET_COLUMNS = frozenset({"hotline_password", "sip_password", "password", "totp_secret"})

INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1

READ_ONLY = ["can_list", "can_show"]
CRUD = ["can_list", "can_show", "can_add", "can_edit", "can_delete"]

# Column labels shared by many views; each view adds or overrides its own.
COMMON_LABELS = {
    "id": _l("ID"),
    "customer": _l("Customer"),
    "customer_id": _l("Customer"),
    "contract": _l("Contract"),
    "contract_id": _l("Contract"),
    "order": _l("Order"),
    "order_id": _l("Order"),
    "ticket": _l("Ticket"),
    "ticket_id": _l("Ticket"),
    "invoice": _l("Invoice"),
    "invoice_id": _l("Invoice"),
    "cpe": _l("CPE device"),
    "cpe_id": _l("CPE device"),
    "product": _l("Product"),
    "location": _l("Location"),
    "option_type": _l("Option"),
    "contract_option": _l("Booked option"),
    "phone_number": _l("Phone number"),
    "document": _l("Document"),
    "contact_person": _l("Contact person"),
    "created_by": _l("Created by"),
    "author": _l("Author"),
    "status": _l("Status"),
    "kind": _l("Kind"),
    "name": _l("Name"),
    "code": _l("Code"),
    "title": _l("Title"),
    "description": _l("Description"),
    "note": _l("Note"),
    "email": _l("Email"),
    "phone": _l("Phone"),
    "mobile": _l("Mobile"),
    "street": _l("Street"),
    "zip_code": _l("Postcode"),
    "city": _l("City"),
    "customer_number": _l("Customer number"),
    "company_name": _l("Company"),
    "contract_number": _l("Contract number"),
    "order_number": _l("Order number"),
    "ticket_number": _l("Ticket number"),
    "invoice_number": _l("Invoice number"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "quantity": _l("Quantity"),
    "monthly_price": _l("Monthly price (€)"),
    "one_time_price": _l("One-time price (€)"),
    "setup_price": _l("Setup price (€)"),
    "minimum_term_months": _l("Minimum term (months)"),
    "active": _l("Active"),
    "position": _l("Position"),
    "username": _l("Username"),
    "label": _l("Label"),
    "created_at": _l("Created"),
    "updated_at": _l("Changed"),
}

_YES = _l("Yes")
_NO = _l("No")


# --------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------
class SafeFilters(Filters):
    """FAB's Filters, but an unknown filter index in the URL is ignored instead of a 500."""

    def add_filter_index(self, column_name: str, filter_instance_index: int, value: Any):
        """Add the filter only when the column and index exist."""
        filters = self._all_filters.get(column_name) or []
        if 0 <= filter_instance_index < len(filters):
            self._add_filter(filters[filter_instance_index], value)


def _enum_class(datamodel, column_name: str):
    column = datamodel.list_columns.get(column_name)
    return getattr(getattr(column, "type", None), "enum_class", None)


def coerce_enum(enum_cls, value):
    """The member for a stored value or member name, None when it matches none."""
    if isinstance(value, enum_cls):
        return value
    try:
        return enum_cls(value)
    except ValueError:
        return enum_cls.__members__.get(str(value))


class FilterEnumEqual(BaseFilter):
    """Equal for enum columns: an unknown value matches nothing instead of a 500."""

    name = _l("Equal to")
    arg_name = "bo_enum_eq"

    def apply(self, query, value):
        member = coerce_enum(_enum_class(self.datamodel, self.column_name), value)
        if member is None:
            return query.filter(false())
        return query.filter(getattr(self.model, self.column_name) == member)


class FilterEnumNotEqual(BaseFilter):
    """Not equal for enum columns; an unknown value filters nothing out."""

    name = _l("Not Equal to")
    arg_name = "bo_enum_neq"

    def apply(self, query, value):
        member = coerce_enum(_enum_class(self.datamodel, self.column_name), value)
        if member is None:
            return query
        return query.filter(getattr(self.model, self.column_name) != member)


class SafeFilterConverter(SQLAFilterConverter):
    """FAB's converter with enum filters that cannot fail on unknown values."""

    conversion_table = (("is_enum", [FilterEnumEqual, FilterEnumNotEqual]),) + tuple(
        row for row in SQLAFilterConverter.conversion_table if row[0] != "is_enum"
    )


def related_text_filter(related_model, attribute: str, label, arg_name: str, mode: str = "startswith"):
    """A filter on a foreign-key column that matches a text field of the related row.

    Replaces FAB's relation filter, whose search widget lists every row of the
    related table (QUALITY P4): e.g. contracts filtered by customer number.
    `mode` is "startswith", "contains" or "equal".
    """

    class _RelatedTextFilter(BaseFilter):
        name = label

        def apply(self, query, value):
            text = (value or "").strip()
            if not text:
                return query
            column = getattr(related_model, attribute)
            if mode == "contains":
                condition = column.icontains(text, autoescape=True)
            elif mode == "equal":
                condition = column == text
            else:
                condition = column.startswith(text, autoescape=True)
            ids = select(related_model.id).where(condition)
            return query.filter(getattr(self.model, self.column_name).in_(ids))

    _RelatedTextFilter.arg_name = arg_name
    _RelatedTextFilter.__name__ = f"Filter{related_model.__name__}{attribute.title()}"
    return _RelatedTextFilter


# --------------------------------------------------------------------------
# Data interface
# --------------------------------------------------------------------------
class BackofficeInterface(SQLAInterface):
    """SQLAInterface with eager loading of listed relations and safe filters."""

    filter_converter_class = SafeFilterConverter

    def __init__(self, obj, session=None):
        super().__init__(obj, session)
        self.eager_paths: tuple[str, ...] = ()

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
        options = []
        for path in self.eager_paths:
            model = self.obj
            loader = None
            for part in path.split("."):
                attribute = getattr(model, part)
                loader = selectinload(attribute) if loader is None else loader.selectinload(attribute)
                model = attribute.property.mapper.class_
            options.append(loader)
        return options

    def apply_all(self, query, *args, **kwargs):
        """FAB's filtering, ordering and paging, plus one query per listed relation (no N+1)."""
        query = super().apply_all(query, *args, **kwargs)
        options = self._loader_options()
        return query.options(*options) if options else query


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


def enum_select_field(enum_cls, label=None, required: bool = True, validators=None):
    """A select listing an enum's translated labels; the form data is the member."""
    from wtforms.validators import InputRequired, Optional as OptionalValidator

    choices = ([] if required else [("", "—")]) + [(m.value, m.label) for m in enum_cls]

    def _coerce(value):
        if value in (None, ""):
            return None
        return coerce_enum(enum_cls, value)

    field_validators = list(validators or [])
    field_validators.insert(0, InputRequired() if required else OptionalValidator())
    # LabeledEnum members compare equal to their stored value, so WTForms' choice check works.
    return SelectField(label, choices=choices, coerce=_coerce, validators=field_validators)


# --------------------------------------------------------------------------
# Views
# --------------------------------------------------------------------------
class SafeViewMixin:
    """404 for malformed ids and unknown actions, eager lists, enum labels, secrets hidden.

    Usable on FAB's own model views too (the user view mixes it in).
    """

    # Relations (dotted paths allowed) loaded with the list; defaults to those in list_columns.
    eager_load: tuple[str, ...] | None = None
    # {fk column: [filter classes]} text filters replacing relation dropdowns (QUALITY P4).
    text_filters: dict[str, list] | None = None

    def __init__(self, **kwargs):
        model = self.datamodel.obj
        if not isinstance(self.datamodel, BackofficeInterface):
            # FAB assigns its own SQLAInterface to security views; use ours.
            self.datamodel = BackofficeInterface(model)
        else:
            # Each view instance gets its own interface so eager paths never leak between views.
            self.datamodel = type(self.datamodel)(model)
        self._bo_related_views: list = []
        super().__init__(**kwargs)

    # --- related views: only those the user may list --------------------
    @property
    def _related_views(self):
        views = self.__dict__.get("_bo_related_views", [])
        if not has_request_context() or getattr(g, "user", None) is None:
            return views
        sm = self.appbuilder.sm
        return [v for v in views if sm.has_access("can_list", v.class_permission_name)]

    @_related_views.setter
    def _related_views(self, value):
        if value is not None:
            self.__dict__["_bo_related_views"] = value

    def get_init_inner_views(self):
        """The registered related views (FAB appends to this list at start-up)."""
        return self.__dict__.setdefault("_bo_related_views", [])

    # --- properties -----------------------------------------------------
    def _init_properties(self):
        labels = dict(COMMON_LABELS)
        labels.update(self.label_columns or {})
        self.label_columns = labels
        self._strip_secrets_before()
        extra = dict(self.search_form_extra_fields or {})
        text_filters = dict(self.text_filters or {})
        for column in text_filters:
            extra.setdefault(column, StringField(labels.get(column, column)))
        for column in self.search_columns or []:
            enum_cls = _enum_class(self.datamodel, column)
            if enum_cls is not None and column not in extra:
                extra[column] = enum_select_field(enum_cls, labels.get(column, column))
        self.search_form_extra_fields = extra
        super()._init_properties()
        for column, filters in text_filters.items():
            # Instances, as FAB's converter makes them: a filter is copied by its class for the count query.
            instances = [flt(column, self.datamodel) for flt in filters]
            self._filters._search_filters[column] = instances
            self._filters._all_filters[column] = list(instances)
        self._strip_secrets_after()
        self._add_enum_forms()
        self._add_formatters()
        paths = self.eager_load
        if paths is None:
            paths = tuple(
                c.split(".")[0] if "." not in c else c.rsplit(".", 1)[0]
                for c in self.list_columns
                if self.datamodel.is_relation(c.split(".")[0])
            )
        self.datamodel.eager_paths = tuple(dict.fromkeys(paths))

    # Secrets a view may take on its add form only (write-only, e.g. a new account's password).
    write_only_secrets: tuple[str, ...] = ()

    def _strip_secrets_before(self):
        for attr in ("list_columns", "show_columns", "add_columns", "edit_columns", "search_columns"):
            columns = getattr(self, attr, None)
            keep = self.write_only_secrets if attr == "add_columns" else ()
            if columns:
                setattr(self, attr, [c for c in columns if c not in SECRET_COLUMNS or c in keep])
        for attr in ("show_fieldsets", "add_fieldsets", "edit_fieldsets"):
            fieldsets = getattr(self, attr, None)
            if fieldsets:
                setattr(self, attr, [
                    (title, {**spec, "fields": [f for f in spec["fields"] if f not in SECRET_COLUMNS]})
                    for title, spec in fieldsets
                ])
        for attr in ("show_exclude_columns", "add_exclude_columns", "edit_exclude_columns",
                     "search_exclude_columns"):
            keep = self.write_only_secrets if attr == "add_exclude_columns" else ()
            setattr(self, attr, list(getattr(self, attr, None) or []) + sorted(SECRET_COLUMNS - set(keep)))

    def _strip_secrets_after(self):
        for attr in ("list_columns", "show_columns", "add_columns", "edit_columns", "search_columns",
                     "order_columns"):
            columns = getattr(self, attr, None)
            keep = self.write_only_secrets if attr == "add_columns" else ()
            if columns:
                setattr(self, attr, [c for c in columns if c not in SECRET_COLUMNS or c in keep])

    def _add_enum_forms(self):
        """FAB's EnumField expects member names; our columns store values, so use our select."""
        for attr, columns in (("add_form_extra_fields", self.add_columns),
                              ("edit_form_extra_fields", self.edit_columns)):
            extra = dict(getattr(self, attr) or {})
            for column in columns or []:
                enum_cls = _enum_class(self.datamodel, column)
                if enum_cls is None or column in extra:
                    continue
                nullable = self.datamodel.list_columns[column].nullable
                extra[column] = enum_select_field(
                    enum_cls, self.label_columns.get(column, column), required=not nullable,
                    validators=self.validators_columns.get(column),
                )
            setattr(self, attr, extra)

    def _add_formatters(self):
        formatters = dict(self.formatters_columns or {})
        for column in set(self.list_columns or []) | set(self.show_columns or []):
            if column in formatters or "." in column or column not in self.datamodel.list_columns:
                continue
            enum_cls = _enum_class(self.datamodel, column)
            if enum_cls is not None:
                formatters[column] = _enum_formatter(enum_cls)
            elif self.datamodel.is_boolean(column):
                formatters[column] = _bool_formatter
            elif self.datamodel.is_datetime(column):
                formatters[column] = timestamp  # "02.12.2026, 14:58" / "Dec 2, 2026, 2:58 PM", portal time zone
            elif self.datamodel.is_date(column):
                formatters[column] = day  # "01.10.2026" / "Oct 1, 2026"
        self.formatters_columns = formatters

    # --- lists -----------------------------------------------------------
    # Formatters used in lists only (e.g. shortening long texts), on top of formatters_columns.
    list_formatters: dict | None = None
    max_page_size = 100

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        """FAB's list widget with a capped page size and list-only formatters."""
        widgets = widgets or {}
        actions = actions or self.actions
        try:
            page_size = min(max(int(page_size or self.page_size), 1), self.max_page_size)
            page = max(int(page or 0), 0)
        except (TypeError, ValueError):
            page_size, page = self.page_size, 0
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        if order_column and order_column not in (self.order_columns or []) and (
            not self.base_order or order_column != self.base_order[0]
        ):
            order_column, order_direction = self.base_order or ("", "")
        joined_filters = filters.get_joined_filters(self._base_filters)
        count, rows = self.datamodel.query(
            joined_filters, order_column, order_direction, page=page, page_size=page_size,
        )
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(rows)]
        widgets["list"] = self.list_widget(
            label_columns=self.label_columns,
            include_columns=self.list_columns,
            value_columns=self.datamodel.get_values(rows, self.list_columns),
            order_columns=self.order_columns,
            formatters_columns={**self.formatters_columns, **(self.list_formatters or {})},
            page=page,
            page_size=page_size,
            count=count,
            pks=pks,
            actions=actions,
            filters=filters,
            modelview_name=self.__class__.__name__,
            **kwargs,
        )
        return widgets

    # --- 404 instead of 500 ---------------------------------------------
    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        """FAB's blueprint plus id/action checks before every view function runs."""
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint, static_folder=static_folder)
        view = self

        @blueprint.before_request
        def _check_ids():
            # After the app's own before_request (which loads g.user), so the 404 page renders fully.
            for key, raw in request.args.items():
                # FAB parses page_<View>/psize_<View> with int() and fails with a 500 otherwise.
                if key.startswith(("page_", "psize_")) and not (raw.isdigit() and len(raw) < 10):
                    abort(404)
            values = request.view_args
            if not values:
                return
            if "pk" in values and pk_in_range(view.datamodel.obj, values["pk"]) is None:
                abort(404)
            if "name" in values and values["name"] not in view.actions:
                abort(404)

        def _not_found(_error):
            db.session.rollback()
            return current_app.handle_http_exception(NotFound())

        for error in (OverflowError, DataError, LookupError):
            blueprint.register_error_handler(error, _not_found)

        @blueprint.errorhandler(StatementError)
        def _statement_error(error):
            # SQLite reports an out-of-range integer as OverflowError inside StatementError.
            if isinstance(getattr(error, "orig", None), (OverflowError, LookupError)):
                return _not_found(error)
            raise error

        return blueprint

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        """FAB's bulk action, with 404 for an unknown action or a malformed id."""
        name = request.form.get("action", "")
        if name not in self.actions:
            abort(404)
        for pk in request.form.getlist("rowid"):
            if pk_in_range(self.datamodel.obj, pk) is None:
                abort(404)
        return super().action_post()

    def _deserialize_pk_if_composite(self, pk):
        value = pk_in_range(self.datamodel.obj, pk)
        if value is None:
            abort(404)
        return value

    # --- writes: one transaction, translated messages -------------------
    def _form_failed(self):
        g.backoffice_form_failed = True

    def _add(self):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        form = self.add_form.refresh()
        self.adjust_form(form, None)
        if request.method == "POST":
            self._fill_form_exclude_cols(exclude_cols, form)
            if form.validate():
                self.process_form(form, True)
                if self._save(lambda: self.create_item(form), self.add_integrity_error_message):
                    flash(self.add_row_message, "success")
                    return None
            self._form_failed()
        else:
            self.update_redirect()
        return self._get_add_widget(form=form, exclude_cols=exclude_cols)

    def _edit(self, pk):
        get_filter_args(self._filters, disallow_if_not_in_search=False)
        exclude_cols = self._filters.get_relation_cols()
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        pk = self.datamodel.get_pk_value(item)
        if request.method == "POST":
            form = self.edit_form.refresh(request.form)
            self._fill_form_exclude_cols(exclude_cols, form)
            _show_read_only(form, item)
            self.adjust_form(form, item)
            form._id = pk
            if form.validate():
                self.process_form(form, False)
                if self._save(lambda: self.update_item(item, form), self.edit_integrity_error_message):
                    flash(self.edit_row_message, "success")
                    return None
            self._form_failed()
            item = self.datamodel.get(pk, self._base_filters) or abort(404)
        else:
            form = self.edit_form.refresh(obj=item)
            self.adjust_form(form, item)
            self.prefill_form(form, pk)
            self.update_redirect()
        widgets = self._get_edit_widget(form=form, exclude_cols=exclude_cols)
        from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args

        return self._get_related_views_widgets(
            item, filters={}, orders=get_order_args(), pages=get_page_args(),
            page_sizes=get_page_size_args(), widgets=widgets,
        )

    def _delete(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)

        def _remove():
            self.pre_delete(item)
            db.session.delete(item)
            db.session.commit()
            self.post_delete(item)

        if self._save(_remove, self.delete_integrity_error_message):
            flash(self.delete_row_message, "success")
        self.update_redirect()

    def adjust_form(self, form, item) -> None:
        """Per-request changes to an add (item None) or edit form, e.g. choices by role; none by default."""

    def _save(self, work, integrity_message) -> bool:
        """Run one write; on any refusal roll back everything and flash why."""
        try:
            work()
        except ServiceError as exc:
            db.session.rollback()
            for text in exc.messages:
                flash(text, "danger")
            return False
        except IntegrityError:
            db.session.rollback()
            flash(str(integrity_message), "danger")
            return False
        except SQLAlchemyError:
            db.session.rollback()
            current_app.logger.exception("Back-office write failed in %s", type(self).__name__)
            flash(str(self.database_error_message), "danger")
            return False
        return True

    def create_item(self, form):
        """Build, check (pre_add) and commit a new row; raise ServiceError to refuse."""
        item = self.datamodel.obj()
        form.populate_obj(item)
        self.pre_add(item)
        db.session.add(item)
        db.session.commit()
        self.post_add(item)
        return item

    def update_item(self, item, form):
        """Apply the form, check (pre_update) and commit; raise ServiceError to refuse."""
        form.populate_obj(item)
        self.pre_update(item)
        db.session.commit()
        self.post_update(item)
        return item

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        """FAB's add page; a refused form answers 422 so clients can tell."""
        response = super().add()
        return (response, 422) if g.get("backoffice_form_failed") else response

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        """FAB's edit page; a refused form answers 422 so clients can tell."""
        response = super().edit(pk)
        return (response, 422) if g.get("backoffice_form_failed") else response


def _show_read_only(form, item) -> None:
    """Read-only fields show the row's value again when a refused form is re-rendered."""
    from app.views.backoffice.widgets import ReadOnlyRelationField

    for field in form:
        if isinstance(field, ReadOnlyRelationField):
            field.data = getattr(item, field.name, None)


def _enum_formatter(enum_cls):
    def _format(value):
        member = coerce_enum(enum_cls, value) if value not in (None, "") else None
        return member.label if member is not None else ""

    return _format


def _bool_formatter(value):
    if value is None:
        return ""
    return _YES if value else _NO


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
