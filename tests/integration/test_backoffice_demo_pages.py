"""Every back-office page works on the demo data (R-BO-1, QUALITY P4, R7; issue "back office", done-when).

The demo seed is what a new developer and every reviewer looks at first: with
it loaded, every list page, add form, show and edit page of the back office
opens for the Admin with 200, under 150 KB of HTML and without an error text.
The pages are discovered from the registered menu, so a new view is covered.
"""
from __future__ import annotations

import pytest

from app.security.roles import ADMIN
from app.services.demo import seed_demo
from tests.integration.backoffice_forms import staff_client
from tests.integration.test_backoffice_pages import MAX_PAGE_BYTES, _list_views, _url

ERROR_TEXTS = ("Traceback", "Interner Serverfehler", "Internal Server Error", "alert-danger")


def _check(client, url: str) -> str | None:
    """What is wrong with the page at `url` (None when it is fine)."""
    response = client.get(url)
    if response.status_code != 200:
        return f"{url}: HTTP {response.status_code}"
    if len(response.data) >= MAX_PAGE_BYTES:
        return f"{url}: {len(response.data)} bytes"
    body = response.get_data(as_text=True)
    found = [text for text in ERROR_TEXTS if text in body]
    return f"{url}: {found}" if found else None


def _newest_shown(app, view):
    """The newest row the view itself lists (its base filters applied: the portings are some order items)."""
    with app.test_request_context():
        filters = view.datamodel.get_filters().get_joined_filters(view._base_filters)
        _count, rows = view.datamodel.query(filters, order_column="id", order_direction="desc", page=0,
                                            page_size=1)
        return rows[0].id if rows else None


@pytest.mark.rule("R-BO-1")
def test_every_backoffice_page_opens_on_the_demo_data(app, client, login):
    with app.app_context():
        seed_demo(echo=lambda *args: None)
    admin = staff_client(app, client, login, ADMIN, "demo-pages-admin")
    problems, checked = [], 0
    for view in _list_views(app):
        urls = [_url(app, f"{view.endpoint}.list")]
        permissions = set(view.base_permissions or [])
        if "can_add" in permissions:
            urls.append(_url(app, f"{view.endpoint}.add"))
        model = getattr(getattr(view, "datamodel", None), "obj", None)
        if model is not None and hasattr(model, "id"):
            pk = _newest_shown(app, view)
            if pk is not None and "can_show" in permissions:
                urls.append(_url(app, f"{view.endpoint}.show", pk=pk))
                if "can_edit" in permissions:
                    urls.append(_url(app, f"{view.endpoint}.edit", pk=pk))
        for url in urls:
            checked += 1
            problem = _check(admin, url)
            if problem:
                problems.append(problem)
    assert checked > 80
    assert not problems, "\n".join(problems)
