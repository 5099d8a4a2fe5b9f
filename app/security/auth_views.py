"""Sign-in pages: password step, PIN / app-code step, forgot password, set-password link, logout.

Built on FAB's `AuthDBView` (FAB has no MFA): the password step never signs
anyone in when a second factor is due; only the PIN step calls `login_user`
(R-AUTH-6, QUALITY S4/S9). Every page here sends `Cache-Control: no-store`.
"""
from __future__ import annotations

import time
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, g, make_response, redirect, request, session, url_for
from flask_appbuilder import expose
from flask_appbuilder.api import BaseApi, safe
from flask_appbuilder.security.views import AuthDBView, ResetMyPasswordView, ResetPasswordView, UserInfoEditView
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user

from app.forms.auth import ForgotPasswordForm, LoginForm, PinForm, SetPasswordForm
from app.forms.base import ConfirmForm
from app.security import sessions as auth_sessions
from app.services.account_rules import PASSWORD_HINT, password_warnings
from app.services.auth import links, passwords, signin, throttle
from app.services.errors import Invalid

_STATE = "_2fa"


def safe_next(url: str | None) -> str | None:
    """A local path to go to after sign-in, or None: no scheme, no host, no `//` or backslash (S10)."""
    if not url or not isinstance(url, str) or len(url) > 2000:
        return None
    if not url.startswith("/") or url.startswith("//") or any(c in url for c in "\\\r\n\t\x00"):
        return None
    parts = urlsplit(url)
    if parts.scheme or parts.netloc:
        return None
    return url


def no_store(view):
    """Sign-in pages must not be cached or leak their URL (S5, S11)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Pragma"] = "no-cache"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapped


def mask_mobile(number: str | None) -> str:
    """Show where the PIN went without showing the whole number: +49 ••• ••• •567."""
    digits = number or ""
    if len(digits) <= 6:
        return "•" * len(digits)
    return digits[:3] + "•" * (len(digits) - 6) + digits[-3:]


class EServiceAuthView(AuthDBView):
    """Two-step login and the pages reachable without a session."""

    login_template = "security/login.html"

    def _index(self) -> str:
        return self.appbuilder.get_url_for_index

    def _login_url(self, **kw) -> str:
        return url_for(f"{self.endpoint}.login", **kw)

    def _render_login(self, form, status: int = 200):
        return self.render_template(
            self.login_template, title=_("Sign in"), form=form, appbuilder=self.appbuilder,
            forgot_url=url_for(f"{self.endpoint}.forgot_password"), entered_username=form.username.data or "",
        ), status

    def _finish(self, user, next_url: str | None):
        login_user(user, remember=False)
        auth_sessions.start(user)
        return redirect(safe_next(next_url) or self._index())

    @expose("/login/", methods=["GET", "POST"])
    @no_store
    def login(self):
        """Step 1: username and password."""
        if g.user is not None and g.user.is_authenticated:
            return redirect(safe_next(request.args.get("next")) or self._index())
        form = LoginForm()
        if not form.validate_on_submit():
            return self._render_login(form)
        next_url = safe_next(request.args.get("next"))
        try:
            outcome = signin.check_password_step(form.username.data, form.password.data)
        except throttle.Throttled as exc:
            form.take_errors(exc)
            return self._render_login(form, 429)
        if outcome.user is None:
            form.add_error(None, outcome.message)
            return self._render_login(form)
        user = outcome.user
        if outcome.step is signin.SecondStep.NONE:
            signin.complete_sign_in(user)
            return self._finish(user, next_url)
        try:
            attempt_id, _message = signin.start_second_step(user, outcome.step)
        except Invalid as exc:
            form.take_errors(exc)
            return self._render_login(form)
        session[_STATE] = {"uid": user.id, "aid": attempt_id, "m": outcome.step.value, "next": next_url,
                           "t": int(time.time())}
        # The PIN SMS (queued and committed above) goes out once this response has left.
        return redirect(url_for(f"{self.endpoint}.pin"))

    def _state(self):
        state = session.get(_STATE)
        if not isinstance(state, dict) or not state.get("uid") or not state.get("aid"):
            return None
        lifetime = current_app.config["PIN_LIFETIME"].total_seconds()
        if time.time() - state.get("t", 0) > lifetime + 60:
            session.pop(_STATE, None)
            return None
        return state

    def _restart(self, message):
        session.pop(_STATE, None)
        flash(str(message), "warning")
        return redirect(self._login_url())

    @expose("/login/pin/", methods=["GET", "POST"])
    @no_store
    def pin(self):
        """Step 2: the SMS PIN (or authenticator code); the only place that signs 2FA roles in."""
        state = self._state()
        if state is None:
            return redirect(self._login_url())
        user = self.appbuilder.sm.get_user_by_id(state["uid"])
        if user is None:
            return self._restart(_l("Please sign in again."))
        form = PinForm().for_method(state["m"])
        status = 200
        if form.validate_on_submit():
            try:
                result, _user = signin.check_second_step(state["uid"], state["aid"], form.pin.data)
            except throttle.Throttled as exc:
                form.take_errors(exc)
                result, status = None, 429
            if result is signin.CodeResult.SIGNED_IN:
                session.pop(_STATE, None)
                return self._finish(user, state.get("next"))
            if result is signin.CodeResult.RESTART:
                return self._restart(_l(
                    "This PIN is no longer valid (expired, used, or entered wrongly too often). "
                    "Please sign in again."))
            if result is signin.CodeResult.WRONG:
                form.add_error("pin", _("The PIN is not correct. Please try again."))
        is_portal_admin = any(r.name == "Portal Admin" for r in user.roles)
        return self.render_template(
            "security/pin.html", form=form, resend_form=ConfirmForm(formdata=None), appbuilder=self.appbuilder,
            title=_("Sign-in PIN"),
            method=state["m"], masked_mobile=mask_mobile(user.mobile), is_portal_admin=is_portal_admin,
            hotline=current_app.config["HOTLINE_PHONE"],
            minutes=int(current_app.config["PIN_LIFETIME"].total_seconds() // 60),
        ), status

    @expose("/login/pin/resend", methods=["POST"])
    @no_store
    def pin_resend(self):
        """"Send again": a new PIN for a new attempt (rate-limited, at most 5 per hour)."""
        state = self._state()
        if state is None or state.get("m") != signin.SecondStep.SMS.value:
            return redirect(self._login_url())
        # CSRFProtect has checked the token of ConfirmForm before this runs.
        user = self.appbuilder.sm.get_user_by_id(state["uid"])
        try:
            attempt_id, _message = signin.resend_pin(user, state["aid"])
        except Invalid as exc:
            for text in exc.messages:
                flash(text, "warning")
            return redirect(url_for(f"{self.endpoint}.pin"))
        state.update(aid=attempt_id, t=int(time.time()))
        session[_STATE] = state
        flash(_("A new PIN has been sent."), "info")
        return redirect(url_for(f"{self.endpoint}.pin"))

    @expose("/forgot-password/", methods=["GET", "POST"])
    @no_store
    def forgot_password(self):
        """R-AUTH-5: confirm, then send a fresh link to the stored email. Same answer for every username.

        The login page's link carries the username (`?username=`): the page then only asks to confirm.
        """
        form = ForgotPasswordForm(username=request.args.get("username"))
        username = form.username.data or ""
        sent, status = False, 200
        if form.validate_on_submit():
            try:
                # A known user's email is sent after the response, so both answers cost the same (S7).
                links.request_password_reset(username)
                sent = True
            except throttle.Throttled as exc:
                form.take_errors(exc)
                status = 429
        return self.render_template("security/forgot.html", form=form, appbuilder=self.appbuilder,
                                    username=username, sent=sent, title=_("Forgot password")), status

    @expose("/set-password/<token>", methods=["GET", "POST"])
    @no_store
    def set_password(self, token):
        """The one-time link page (activation and reset): new password twice, rules beside the field."""
        form = SetPasswordForm()
        user = links.link_user(token)
        if user is None:
            return self.render_template("security/set_password.html", form=form, appbuilder=self.appbuilder,
                                        valid=False, title=_("Set password")), 410
        form.account_username = user.username
        warnings: list[str] = []
        if form.validate_on_submit():
            try:
                links.set_password_by_link(token, form.password.data, form.confirm.data)
            except Invalid as exc:
                form.take_errors(exc)
            else:
                if g.user is not None and g.user.is_authenticated:
                    logout_user()
                auth_sessions.clear()
                flash(_("Your password has been set. You can sign in now."), "success")
                return redirect(self._login_url())
        if request.method == "POST":
            warnings = password_warnings(form.password.data or "", user.full_name)
        return self.render_template("security/set_password.html", form=form, appbuilder=self.appbuilder,
                                    valid=True, username=user.username, hint=PASSWORD_HINT,
                                    warnings=warnings, title=_("Set password"))

    @expose("/logout/", methods=["GET", "POST"])
    @no_store
    def logout(self):
        """R-AUTH-7: end every session of the user and return to the login page (S8).

        Only a POST with the form's CSRF token signs out (S11): a link on another site must not
        end a user's sessions. `GET /logout/` shows a page with that button and changes nothing.
        """
        user = self._get_authenticated_user()
        if request.method == "GET":
            if user is None:
                return redirect(self._login_url())
            return self.render_template("security/logout.html", form=ConfirmForm(), appbuilder=self.appbuilder,
                                        title=_("Logout"))
        # CSRFProtect has checked the token before this runs.
        signin.sign_out(user)
        logout_user()
        auth_sessions.clear()
        if user is not None:
            self.appbuilder.sm.on_user_logout(user)
        return redirect(self._login_url())


class _RedirectFormMixin:
    """FAB's own account forms bypass the product's rules; send users to the product's pages."""

    target_endpoint = "AccountView.profile"

    @expose("/form", methods=["GET", "POST"])
    def this_form_get(self):
        return redirect(url_for(self.target_endpoint))

    def this_form_post(self):
        return redirect(url_for(self.target_endpoint))


class EServiceResetMyPasswordView(_RedirectFormMixin, ResetMyPasswordView):
    """FAB's "reset my password" has no current-password check (R-AUTH-9): replaced."""

    target_endpoint = "AccountView.password"


class EServiceUserInfoEditView(_RedirectFormMixin, UserInfoEditView):
    """FAB's user info edit skips the profile rules (R-AUTH-8): replaced."""

    target_endpoint = "AccountView.profile"


class EServiceResetPasswordView(ResetPasswordView):
    """Back office sets a user's password: the product's rules apply and sessions end."""

    def form_post(self, form) -> None:
        from app.extensions import db
        from app.models import EServiceUser

        user = db.session.get(EServiceUser, int(request.args.get("pk", "0") or 0)) if (
            request.args.get("pk", "").isdigit()) else None
        if user is None:
            flash(_("The user does not exist."), "danger")
            return
        try:
            passwords.admin_set_password(user, form.password.data, form.conf_password.data, g.user)
        except Invalid as exc:
            for text in exc.messages:
                flash(text, "danger")
            return
        flash(_("Password changed."), "info")


class NoPasswordLoginApi(BaseApi):
    """Replaces FAB's `/api/v1/security/login`: a password alone never yields a token (S9).

    Sign-in needs the second step for several roles, which an API call cannot
    show; API clients use API keys instead.
    """

    resource_name = "security"
    version = "v1"
    openapi_spec_tag = "Security"

    @expose("/login", methods=["POST"])
    @safe
    def login(self):
        """Always refused, without checking the password (no guessing oracle either)."""
        return self.response(403, message=str(_l("Sign-in through the API is not available. "
                                                 "Please sign in on the login page.")))

    @expose("/refresh", methods=["POST"])
    @safe
    def refresh(self):
        """No refresh tokens are ever issued."""
        return self.response(403, message=str(_l("Sign-in through the API is not available. "
                                                 "Please sign in on the login page.")))
