"""Landing page after sign-in (R-HOME-1): portal start page or back-office overview."""
from __future__ import annotations

from flask import g, redirect, url_for
from flask_appbuilder import IndexView, expose


class HomeView(IndexView):
    """`/`: anonymous visitors go to the login page; everyone else lands here."""

    index_template = "home.html"

    @expose("/")
    def index(self):
        user = g.user
        if user is None or not user.is_authenticated:
            return redirect(url_for(self.appbuilder.sm.auth_view.endpoint + ".login"))
        return self.render_template(self.index_template, appbuilder=self.appbuilder, user=user)
