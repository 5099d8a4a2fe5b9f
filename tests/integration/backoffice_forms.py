"""Helpers for back-office form tests: sign in staff, read a form as a browser would send it."""
from __future__ import annotations

from html.parser import HTMLParser

PASSWORD = "Sicher#Kennwort42"


class _FormReader(HTMLParser):
    """Collects the fields of the form with id `form_id` and the values a browser would submit."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.fields: dict[str, list[str]] = {}
        self.names: set[str] = set()
        self._in_form = False
        self._done = False
        self._select: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "form" and attrs.get("id") == self.form_id:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            self.names.add(name)
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.setdefault(name, []).append(attrs.get("value") or "y")
            elif kind not in ("submit", "button", "file"):
                self.fields.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self.names.add(name)
            self._select = name
            self._select_multiple = "multiple" in attrs
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            values = self.fields[self._select]
            if not self._select_multiple:
                values.clear()
            values.append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self.names.add(name)
            self._textarea = name
            self.fields[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][0] += data


def read_form(html: str, form_id: str = "model_form") -> tuple[dict[str, list[str]], set[str]]:
    """(values a browser would post, every field name) of the page's form (FAB's add/edit form by default)."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.fields, reader.names


def form_data(client, url: str, **overrides) -> dict:
    """The form at `url` as the browser would post it unchanged, with `overrides` applied."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    fields, _names = read_form(page.get_data(as_text=True))
    data = {name: values for name, values in fields.items() if values}
    for name, value in overrides.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else [value]
    return data


def staff_client(app, client, login, role: str, username: str):
    """`client` signed in as a new staff user with `role`."""
    from app.extensions import db
    from tests.factories import make_user

    with app.app_context():
        make_user(role, username=username, password=PASSWORD)
        db.session.commit()
    assert login(username, PASSWORD).status_code == 302
    return client


def flashes(html: str) -> list[str]:
    """The texts of the flashed alerts on a page."""
    import re

    texts = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", t).replace("×", "").strip() for t in texts]
