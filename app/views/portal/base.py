"""Base of every portal view: only users of a customer get in (QUALITY S1/S2).

Staff accounts (no customer) get 404 on every portal route, before any view code
runs; the view code itself reads data only through `app.security.tenancy`.
"""
from __future__ import annotations

from flask import Response, abort, request, send_file, stream_with_context
from flask_appbuilder import BaseView

from app.security.tenancy import tenant_id
from app.services.portal.paging import page_number


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
    """A stored file with a server-made name, its MIME type and nosniff (QUALITY S12)."""
    from app.services.documents import DocumentFileMissing, open_document
    from app.services.portal.documents import download_name

    try:
        handle = open_document(document)
    except DocumentFileMissing:
        abort(404)
    response = send_file(handle, mimetype=document.mime_type, as_attachment=as_attachment,
                         download_name=download_name(document), max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response


def stream_csv(chunks, filename: str) -> Response:
    """A CSV download sent as it is produced (the request context stays open while it streams)."""
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    return response
