"""Translated error pages: no user ever sees Werkzeug's English defaults or a traceback.

This is also the one place that answers the services' domain errors (app/services/errors.py)
that no view turned into a form message (views do so with `show_on_form`): NotFound → 404, Forbidden → 403, Invalid → 400
with its messages. The transaction is rolled back first, so nothing half-written stays.
"""
from __future__ import annotations

from flask import Flask, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db
from app.services.errors import ServiceError

_MESSAGES = {
    400: (_l("The request could not be processed"), _l("Please check your input and try again.")),
    403: (_l("Access denied"), _l("You are not allowed to open this page.")),
    404: (_l("Page not found"), _l("The page or record does not exist, or it is not yours to see.")),
    405: (_l("Action not allowed"), _l("This page cannot be used that way.")),
    413: (_l("File too large"), _l("The file you sent is larger than allowed. Please send a smaller file.")),
    429: (_l("Too many attempts"), _l("Please wait a moment before you try again.")),
    500: (_l("Something went wrong"), _l("The error has been logged. Please try again later.")),
}


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or best == "application/json"


def _render(status: int, detail: str | None = None):
    title, text = _MESSAGES.get(status, _MESSAGES[500 if status >= 500 else 400])
    if request.path.startswith("/api/"):
        from app.views.api.base import problem

        return problem(status, str(detail) if detail else None)
    if _wants_json():
        return {"status": status, "message": str(title), "detail": str(detail or text)}, status
    if status >= 500:
        # Must render even when the database is what failed: no menu, no user lookup.
        return render_template("errors/plain.html", status=status, title=title, text=text), status
    from flask import current_app, g

    if "user" not in g:
        # Errors raised before FAB's own before_request (e.g. a failed CSRF check) have no g.user yet.
        from flask_login import current_user

        g.user = current_user._get_current_object()
    return (
        render_template(
            "errors/error.html",
            status=status, title=title, text=detail or text,
            base_template=current_app.appbuilder.base_template, appbuilder=current_app.appbuilder,
        ),
        status,
    )


def show_on_form(error: ServiceError, form=None) -> None:
    """Where a view shows a refused write: per-field messages under their fields of `form`, the rest flashed.

    A product form (`app.forms.base.EServiceForm`) places them itself, the rest above the form.
    """
    if hasattr(form, "take_errors"):
        form.take_errors(error)
        return
    shown_on_fields = set()
    for name, texts in error.fields.items():
        field = form[name] if form is not None and name in form else None
        if field is not None:
            field.errors = list(field.errors or []) + texts
            shown_on_fields.update(texts)
    for text in error.messages:
        if text not in shown_on_fields:
            flash(text, "danger")


def register_error_handlers(app: Flask) -> None:
    """Answer every HTTP error with a translated page (or JSON for API calls)."""

    @app.errorhandler(CSRFError)
    def _csrf(_error):
        return _render(400, str(_l("The form had expired. Please reload the page and send it again.")))

    @app.errorhandler(ServiceError)
    def _domain(error: ServiceError):
        db.session.rollback()
        detail = " ".join(error.messages) if error.status in (400, 429) and error.messages else None
        return _render(error.status, detail)

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        return _render(error.code)

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        # Never leave a half-written transaction behind a failed request.
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return _render(500)
