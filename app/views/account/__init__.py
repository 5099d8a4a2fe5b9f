"""Sign-in steps and the user menu views (SPEC §2): PIN, links, profile, password."""
from __future__ import annotations

from flask import flash, g, redirect, request, session, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _, ngettext

from app.forms.base import ConfirmForm
from app.forms.account import ChangePasswordForm, ProfileForm, TotpDisableForm, TotpEnableForm
from app.roles.grants import ACCOUNT_VIEW
from app.security import sessions as auth_sessions
from app.security.auth_views import no_store
from app.services.account_rules import PASSWORD_HINT, USERNAME_HINT, password_warnings
from app.services.auth import passwords, profile, totp, user_sessions
from app.services.errors import Invalid

_TOTP_PENDING = "_totp_pending"


def _current_user():
    return g.user


class AccountView(BaseView):
    """The user menu's pages for every role: My profile, Change password, authenticator app."""

    route_base = "/account"
    class_permission_name = ACCOUNT_VIEW
    method_permission_name = {"profile": "access", "password": "access", "totp": "access",  # nosec B105  # permission names
                              "end_session": "access", "end_other_sessions": "access"}
    base_permissions = ["can_access"]
    default_view = "profile"

    @expose("/profile", methods=["GET", "POST"])
    @has_access
    @no_store
    def profile(self):
        """R-AUTH-8: locked until unlocked; username change needs the current password."""
        user = _current_user()
        form = ProfileForm(data={"username": user.username, "email": user.email or "", "mobile": user.mobile or ""})
        form.account_username = user.username
        if form.validate_on_submit():
            change = profile.ProfileChange(username=form.username.data, email=form.email.data,
                                            mobile=form.mobile.data, current_password=form.current_password.data)
            try:
                profile.update_profile(user, change)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                flash(_("Your profile has been saved."), "success")
                return redirect(url_for("AccountView.profile"))
        status = 422 if form.has_errors else 200
        return self.render_template(
            "account/profile.html", form=form, user=user, username_hint=USERNAME_HINT,
            unlocked=status != 200, title=_("My profile"),
            sessions=user_sessions.list_sessions(user, auth_sessions.current_id()), session_form=ConfirmForm(),
        ), status

    @expose("/sessions/end", methods=["POST"])
    @has_access
    def end_session(self):
        """Sign out one other session of the own account: it ends at once, on every worker (S8)."""
        if ConfirmForm().validate_on_submit():
            user_sessions.end_session(_current_user(), request.form.get("session", ""), auth_sessions.current_id())
            flash(_("The session has been signed out."), "success")
        return redirect(url_for("AccountView.profile") + "#sessions")

    @expose("/sessions/end-others", methods=["POST"])
    @has_access
    def end_other_sessions(self):
        """"Sign out everywhere else": every other session of the own account ends at once."""
        if ConfirmForm().validate_on_submit():
            count = user_sessions.end_others(_current_user(), auth_sessions.current_id())
            flash(ngettext("%(num)d other session has been signed out.", "%(num)d other sessions have been signed out.",
                           count), "success")
        return redirect(url_for("AccountView.profile") + "#sessions")

    @expose("/password", methods=["GET", "POST"])
    @has_access
    @no_store
    def password(self):
        """R-AUTH-9: current + new password, effective immediately; other sessions end."""
        user = _current_user()
        form = ChangePasswordForm()
        form.account_username = user.username
        warnings: list[str] = []
        if form.validate_on_submit():
            new = form.new_password.data
            try:
                passwords.change_password(user, form.current_password.data, new, form.confirm.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                auth_sessions.restamp(user)
                flash(_("Your password has been changed."), "success")
                for text in password_warnings(new, user.full_name):
                    flash(text, "info")
                return redirect(url_for("AccountView.password"))
        if form.has_errors:
            warnings = password_warnings(form.new_password.data or "", user.full_name)
        return self.render_template(
            "account/password.html", form=form, hint=PASSWORD_HINT, warnings=warnings,
            title=_("Change password"),
        ), 422 if form.has_errors else 200

    @expose("/authenticator", methods=["GET", "POST"])
    @has_access
    @no_store
    def totp(self):
        """Optional authenticator app instead of the SMS PIN: enrol with a QR code, or switch off."""
        user = _current_user()
        # Both forms post here (field `action`); only the one that was sent reads the request.
        sent = None
        if request.method == "POST":
            sent = "disable" if request.form.get("action") == "disable" else "enable"
        enable_form = TotpEnableForm(formdata=request.form if sent == "enable" else None)
        disable_form = TotpDisableForm(formdata=request.form if sent == "disable" else None)
        if sent == "disable" and disable_form.validate_on_submit():
            try:
                totp.disable_totp(user, disable_form.current_password.data)
            except Invalid as exc:
                disable_form.take_errors(exc)
            else:
                flash(_("The authenticator app is switched off."), "success")
                return redirect(url_for("AccountView.totp"))
        elif sent == "enable" and enable_form.validate_on_submit():
            try:
                totp.enable_totp(user, totp.unseal_pending(user, session.get(_TOTP_PENDING)) or "", enable_form.code.data)
            except Invalid as exc:
                enable_form.take_errors(exc)
            else:
                session.pop(_TOTP_PENDING, None)
                flash(_("The authenticator app is set up. Use its code when you sign in."), "success")
                return redirect(url_for("AccountView.totp"))
        enabled = bool(user.totp_secret) and user.second_factor.value == "totp"
        form = disable_form if enabled else enable_form
        qr = secret = None
        if not enabled:
            # S9: the session cookie is signed, not encrypted: the secret goes into it sealed.
            secret = totp.unseal_pending(user, session.get(_TOTP_PENDING)) or totp.new_totp_secret()
            session[_TOTP_PENDING] = totp.seal_pending(user, secret)
            qr = _qr_data_url(totp.totp_uri(user, secret))
        status = 422 if sent else 200
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
