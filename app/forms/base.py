"""What every form of the product shares: CSRF, service errors at their fields, form-level errors."""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from babel import support
from flask import current_app
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path
from wtforms.validators import ValidationError


@lru_cache(maxsize=8)
def _wtforms_catalogue(code: str):
    return support.Translations.load(messages_path(), [code], domain="wtforms")


def wtforms_translations():
    """WTForms' own messages ("This field is required.") in the request's language.

    Flask-WTF parses WTForms' catalogue file again on every request (issue 20); it never
    changes while the app runs, so it is read once per language.
    """
    return _wtforms_catalogue(str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]))


class EServiceForm(FlaskForm):
    """A Flask-WTF form (CSRF token in `hidden_tag()`) that can show a service's errors.

    `message_fields` names, per field, the service messages that belong to it (lazy
    texts compared in the request's language); a domain error that names its fields
    itself (`exc.fields`) needs no such entry. Whatever belongs to no field is shown
    above the form (`form_errors`).
    """

    message_fields: dict[str, Iterable] = {}

    class Meta:
        def get_translations(self, form):
            """WTForms' messages in the page's language, its catalogue read once per language (issue 20)."""
            if not current_app.config.get("WTF_I18N_ENABLED", True):
                return super().get_translations(form)
            return wtforms_translations()

    def take_errors(self, exc) -> None:
        """Put the messages of a domain error (`Invalid`, `Throttled` …) at their fields or above the form."""
        remaining = list(getattr(exc, "messages", None) or [str(exc)])
        for name, texts in (getattr(exc, "fields", None) or {}).items():
            for text in texts:
                self.add_error(name, text)
                if text in remaining:
                    remaining.remove(text)
        owners = self.message_owners()
        for text in remaining:
            self.add_error(owners.get(text), text)

    def message_owners(self) -> dict[str, str]:
        """{message text in the request's language: field name} from `message_fields`."""
        return {str(message): name for name, messages in self.message_fields.items() for message in messages}

    def add_error(self, name: str | None, text: str) -> None:
        """One message at field `name`, or above the form when the form has no such field."""
        field = self._fields.get(name) if name else None
        if field is None or field.name == "csrf_token":
            self.form_errors.append(str(text))
        else:
            field.errors = [*field.errors, str(text)]

    @property
    def has_errors(self) -> bool:
        """Any error at a field or above the form (after validation or `take_errors`)."""
        return bool(self.form_errors) or any(f.errors for f in self)


class ConfirmForm(EServiceForm):
    """A button that changes something (accept an offer, send the PIN again, sign out): only the CSRF token."""


class FilterForm(EServiceForm):
    """A search or filter form sent with GET: no CSRF token (it changes nothing), read from the query string."""

    class Meta:
        csrf = False

    def __init__(self, args, **kwargs):
        super().__init__(formdata=args, **kwargs)


def rule_check(rule):
    """A WTForms validator from a rule that returns every message it has (empty: the value is fine).

    `rule(form, value)` may give several messages (R-AUTH-1/2 name each broken rule); all
    are shown at the field.
    """

    def check(form, field):
        messages = [str(m) for m in rule(form, field.data or "")]
        if messages:
            field.errors.extend(messages[:-1])
            raise ValidationError(messages[-1])

    return check
