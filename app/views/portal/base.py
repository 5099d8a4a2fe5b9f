"""Base of every portal view: only users of a customer get in (QUALITY S1/S2).

Staff accounts (no customer) get 404 on every portal route, before any view code
runs; the view code itself reads data only through `app.services.tenancy`.

Every portal route that takes an object id says which model the id names, with
`@object_ids(...)` (path arguments and query-string arguments alike). The S1 sweep
(`tests/security/test_isolation_sweep.py`) reads these declarations from the url_map
and tries every row of that model that belongs to another customer.
"""
from __future__ import annotations

import functools

from flask import Response, jsonify, request, stream_with_context, url_for
from flask_appbuilder import BaseView
from flask_babel import gettext as _

from app.services.portal.documents import download_name
from app.views.downloads import send_stored
from app.services.portal.paging import page_number
from app.services.tenancy import tenant_id


def object_ids(query: dict[str, str] | None = None, **path: str):
    """Declare which model each id argument of a route names (QUALITY S1).

    `@object_ids(pk="Contract")` for `/<pk>` in the URL; `query={"contract": "Contract"}`
    for `?contract=<id>`. A value "Model.column" names a lookup by another column
    (e.g. `"Contract.contract_number"`): another customer's value must then answer
    exactly like a value that does not exist. `@object_ids()` says: no ids here.
    Names are model class names of `app.models` (views import no models).
    """

    def mark(view_method):
        view_method._object_ids = {"path": dict(path), "query": dict(query or {})}
        return view_method

    return mark


def declared_object_ids(view_function) -> dict[str, dict[str, str]] | None:
    """The `@object_ids` declaration of a route's view function, None when it has none."""
    return getattr(view_function, "_object_ids", None)


def signed_out_response() -> Response:
    """401 for a fragment or JSON request whose session has ended: never the login page inside a panel."""
    from flask import current_app

    login = url_for(current_app.appbuilder.sm.auth_view.endpoint + ".login", next=_back_to(request.referrer))
    response = jsonify(error=_("Your session has ended. Please sign in again."), login_url=login)
    response.status_code = 401
    response.headers["Cache-Control"] = "no-store"
    return response


def _back_to(url: str | None) -> str | None:
    """The page that asked (path and query only, and only when it is ours), to return to after sign-in."""
    from urllib.parse import urlsplit

    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc != request.host or parts.scheme not in ("http", "https") or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def signed_in_or_401(view_method):
    """For routes that answer scripts (a panel, a JSON value): 401 instead of a login redirect.

    Put it above `@has_access`, so a signed-out request never reaches FAB's redirect.
    """

    @functools.wraps(view_method)
    def guarded(*args, **kwargs):
        from flask_login import current_user

        if not current_user.is_authenticated:
            return signed_out_response()
        return view_method(*args, **kwargs)

    return guarded


def customer_users_only(view_method):
    """404 for staff before any permission check: the portal holds no page for them (as in `PortalView`)."""

    @functools.wraps(view_method)
    def guarded(*args, **kwargs):
        from flask_login import current_user

        if current_user.is_authenticated:
            tenant_id()
        return view_method(*args, **kwargs)

    return guarded


class PortalView(BaseView):
    """A FAB BaseView whose every route requires a signed-in customer user."""

    default_view = "list"

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint, static_folder=static_folder)

        @blueprint.before_request
        def _customer_users_only():
            from flask_login import current_user

            if current_user.is_authenticated:
                tenant_id()  # 404 for staff: the portal holds no page for them

        return blueprint

    @staticmethod
    def page_arg() -> int:
        return page_number(request.args.get("page"))


def send_document(document, as_attachment: bool) -> Response:
    """A stored document with a server-made name, its MIME type and nosniff (QUALITY S12)."""
    return send_stored(document, as_attachment=as_attachment, name=download_name(document))


def stream_csv(chunks, filename: str) -> Response:
    """A CSV download sent as it is produced (the request context stays open while it streams)."""
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
