"""The safety net of every back-office view, FAB's own user and role views included (R-BO-1, R7, S13, S14).

Stock FAB `ModelView` has gaps that `SafeViewMixin` closes once for all views:

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

It replaces FAB's own `_init_properties`, `_get_list_widget` (its body in list_view.py), `_deserialize_pk_if_composite`,
`_list` (list_view.py), `_add`, `_edit`, `_delete`, `action_post`, `update_redirect` and related-views list: re-check them on a FAB upgrade.
"""
from __future__ import annotations

from flask import abort, current_app, flash, g, has_request_context, request, session
from flask_appbuilder import expose
from flask_appbuilder.security.decorators import has_access
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError, StatementError
from werkzeug.exceptions import NotFound as HttpNotFound
from wtforms import StringField

from app.errors import show_on_form
from app.extensions import db
from app.services.errors import Forbidden, NotFound, ServiceError
from app.views.backoffice.datamodel import BackofficeInterface, pk_in_range
from app.views.backoffice.filters import enum_class
from app.views.backoffice.labels import COMMON_LABELS, type_formatter
from app.views.backoffice.list_view import list_page, list_widgets
from app.views.backoffice.widgets import ReadOnlyRelationField, enum_select_field

# Never listed, shown, searched or edited in the back office (QUALITY S14).
SECRET_COLUMNS = frozenset({"hotline_password", "sip_password", "password", "totp_secret"})


class SafeViewMixin:
    """404 for malformed ids and unknown actions, eager lists, enum labels, secrets hidden.

    Usable on FAB's own model views too (the user view mixes it in).
    """

    # Relations (dotted paths allowed) loaded with the list; defaults to those in list_columns.
    eager_load: tuple[str, ...] | None = None
    # {fk column: [filter classes]} text filters replacing relation dropdowns (QUALITY P4).
    text_filters: dict[str, list] | None = None

    count_limit: int | None = None  # counting stops past this many rows (datamodel.py); None counts all

    def __init__(self, **kwargs):
        model = self.datamodel.obj
        # FAB assigns its own SQLAInterface to security views: ours instead. Each view instance gets
        # its own interface so eager paths never leak between views.
        kind = type(self.datamodel) if isinstance(self.datamodel, BackofficeInterface) else BackofficeInterface
        self.datamodel = kind(model, count_limit=self.count_limit)
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
            enum_cls = enum_class(self.datamodel, column)
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
                enum_cls = enum_class(self.datamodel, column)
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
            formatter = type_formatter(self.datamodel, column)
            if formatter is not None:
                formatters[column] = formatter
        self.formatters_columns = formatters

    # --- lists -----------------------------------------------------------
    # Formatters used in lists only (e.g. shortening long texts), on top of formatters_columns.
    list_formatters: dict | None = None
    max_page_size = 100

    def _get_list_widget(self, filters, **kwargs):
        """FAB's list widget with a capped page size, list-only formatters, rows worked out per page."""
        return list_widgets(self, filters, **kwargs)

    def _list(self, **kwargs):
        """FAB's list logic, building the search form only when the search widget needs it (list_view.py)."""
        return list_page(self, **kwargs)

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
            return current_app.handle_http_exception(HttpNotFound())

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

    def update_redirect(self):
        """FAB's page history, left alone when this page is already its newest entry (issue 20, P10).

        FAB's `Stack.push` skips a URL equal to the last one, but FAB assigns the list to the session
        anyway, which marks it changed: every reload or repeat of a list signed and sent a new
        session cookie with the same history. The history and `get_redirect` stay FAB's.
        """
        history = session.get("page_history")
        if isinstance(history, list) and history and history[-1] == request.url:
            return
        super().update_redirect()

    def adjust_form(self, form, item) -> None:
        """Per-request changes to an add (item None) or edit form, e.g. choices by role; none by default."""

    def _save(self, work, integrity_message) -> bool:
        """Run one write; on any refusal roll back everything and flash why."""
        try:
            work()
        except (NotFound, Forbidden):
            db.session.rollback()
            raise  # answered as 404/403 by app/errors.py
        except ServiceError as exc:
            db.session.rollback()
            show_on_form(exc)
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
    for field in form:
        if isinstance(field, ReadOnlyRelationField):
            field.data = getattr(item, field.name, None)
