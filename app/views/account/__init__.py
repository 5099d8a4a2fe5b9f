"""Sign-in steps and the user menu views (SPEC §2): PIN, links, profile, password."""
from __future__ import annotations

from flask import flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.roles.grants import ACCOUNT_VIEW
from app.security import sessions as auth_sessions
from app.security.auth_views import no_store
from app.services.account_rules import PASSWORD_HINT, USERNAME_HINT, password_warnings
from app.services.auth import passwords, profile, totp
from app.services.errors import Invalid

_TOTP_PENDING = "_totp_pending"


def _current_user():
    return g.user


class AccountView(BaseView):
    """The user menu's pages for every role: My profile, Change password, authenticator app."""

    route_base = "/account"
    class_permission_name = ACCOUNT_VIEW
    method_permission_name = {"profile": "access", "password": "access", "totp": "access"}
    base_permissions = ["can_access"]
    default_view = "profile"

    @expose("/profile", methods=["GET", "POST"])
    @has_access
    @no_store
    def profile(self):
        """R-AUTH-8: locked until unlocked; username change needs the current password."""
        form = FlaskForm()
        user = _current_user()
        values = {"username": user.username, "email": user.email or "", "mobile": user.mobile or ""}
        status = 200
        if request.method == "POST" and form.validate_on_submit():
            change = profile.ProfileChange(
                username=request.form.get("username", ""), email=request.form.get("email", ""),
                mobile=request.form.get("mobile", ""), current_password=request.form.get("current_password"),
            )
            try:
                profile.update_profile(user, change)
            except Invalid as exc:
                for text in exc.messages:
                    flash(text, "danger")
                values = {"username": change.username, "email": change.email, "mobile": change.mobile or ""}
                status = 422
            else:
                flash(_("Your profile has been saved."), "success")
                return redirect(url_for("AccountView.profile"))
        return self.render_template(
            "account/profile.html", form=form, values=values, user=user, username_hint=USERNAME_HINT,
            unlocked=status != 200, title=_("My profile"),
        ), status

    @expose("/password", methods=["GET", "POST"])
    @has_access
    @no_store
    def password(self):
        """R-AUTH-9: current + new password, effective immediately; other sessions end."""
        form = FlaskForm()
        user = _current_user()
        warnings: list[str] = []
        status = 200
        if request.method == "POST" and form.validate_on_submit():
            new = request.form.get("new_password", "")
            try:
                passwords.change_password(user, request.form.get("current_password", ""), new,
                                         request.form.get("confirm", ""))
            except Invalid as exc:
                for text in exc.messages:
                    flash(text, "danger")
                warnings = password_warnings(new, user.full_name)
                status = 422
            else:
                auth_sessions.restamp(user)
                flash(_("Your password has been changed."), "success")
                for text in password_warnings(new, user.full_name):
                    flash(text, "info")
                return redirect(url_for("AccountView.password"))
        return self.render_template(
            "account/password.html", form=form, hint=PASSWORD_HINT, warnings=warnings,
            title=_("Change password"),
        ), status

    @expose("/authenticator", methods=["GET", "POST"])
    @has_access
    @no_store
    def totp(self):
        """Optional authenticator app instead of the SMS PIN: enrol with a QR code, or switch off."""
        form = FlaskForm()
        user = _current_user()
        status = 200
        if request.method == "POST" and form.validate_on_submit():
            action = request.form.get("action")
            try:
                if action == "disable":
                    totp.disable_totp(user, request.form.get("current_password", ""))
                    flash(_("The authenticator app is switched off."), "success")
                else:
                    totp.enable_totp(user, session.get(_TOTP_PENDING, ""), request.form.get("code", ""))
                    session.pop(_TOTP_PENDING, None)
                    flash(_("The authenticator app is set up. Use its code when you sign in."), "success")
                return redirect(url_for("AccountView.totp"))
            except Invalid as exc:
                for text in exc.messages:
                    flash(text, "danger")
                status = 422
        enabled = bool(user.totp_secret) and user.second_factor.value == "totp"
        qr = secret = None
        if not enabled:
            secret = session.get(_TOTP_PENDING) or totp.new_totp_secret()
            session[_TOTP_PENDING] = secret
            qr = _qr_data_url(totp.totp_uri(user, secret))
        return self.render_template(
            "account/totp.html", form=form, enabled=enabled, qr=qr, secret=secret, title=_("Authenticator app"),
        ), status


def _qr_data_url(uri: str) -> str:
    """The enrolment QR code as an inline SVG data URL (no image file, nothing cached)."""
    import base64
    import io

    import qrcode
    import qrcode.image.svg

    buf = io.BytesIO()
    qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buf)
    return "data:image/svg+xml;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def register_account_views(appbuilder) -> None:
    """Add the account views (user menu entries live in the navbar, not the menu)."""
    appbuilder.add_view_no_menu(AccountView())
