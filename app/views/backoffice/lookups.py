"""Server-side search behind the back office's select fields (QUALITY P4).

`GET /backoffice/lookup/<kind>?q=<text>&page=<n>` answers select2's JSON:
`{"results": [{"id": 1, "text": "…"}], "pagination": {"more": true}}`; what each kind
searches is `app/services/lookups.py`.
"""
from __future__ import annotations

from flask import jsonify, request
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access

from app.roles.grants import LOOKUP_VIEW
from app.services.lookups import MAX_PAGE, search


class BackofficeLookupView(BaseView):
    """JSON for the select fields; only back-office roles hold `can_lookup`."""

    route_base = "/backoffice/lookup"
    class_permission_name = LOOKUP_VIEW
    method_permission_name = {"lookup": "lookup"}
    base_permissions = ["can_lookup"]

    @expose("/<kind>")
    @has_access
    def lookup(self, kind: str):
        """Matches for `q`, page `page` (1-based), at most 20 rows."""
        try:
            page = min(max(int(request.args.get("page", 1)), 1), MAX_PAGE)
        except (TypeError, ValueError):
            page = 1
        results, more = search(kind, request.args.get("q", ""), page)
        response = jsonify({"results": results, "pagination": {"more": more}})
        response.headers["Cache-Control"] = "no-store"
        return response
