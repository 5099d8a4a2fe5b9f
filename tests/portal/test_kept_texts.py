"""The contract page's and the start page's texts kept per language (issue 20) are the texts `_()` gives.

app/views/portal/contract_html.py and app/views/home_html.py keep each page's fixed labels once per worker
and language instead of some thirty to fifty `_()` calls per request; the pages must stay byte for byte
the same, so each kept text must equal what Jinja's `_()` renders for its msgid, in German and English.
"""
from __future__ import annotations

import ast
import inspect

import pytest

from app.views import home_html
from app.views.portal import contract_html


def _msgids(module) -> dict[str, str]:
    """{name: msgid} of the module's `_texts()` (its `name=catalogue_text("msgid")` keywords)."""
    tree = ast.parse(inspect.getsource(module._texts))
    call = next(node for node in ast.walk(tree)
                if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict")
    return {keyword.arg: keyword.value.args[0].value for keyword in call.keywords}


@pytest.mark.parametrize("module, kept", [(contract_html, "contract_texts"), (home_html, "home_texts")])
@pytest.mark.parametrize("language", ["de", "en"])
def test_kept_texts_are_what_the_templates_gettext_renders(app, module, kept, language):
    msgids = _msgids(module)
    assert len(msgids) > 30
    with app.test_request_context("/", headers={"Cookie": f"eservice_locale={language}"}):
        texts = getattr(module, kept)()
        again = getattr(module, kept)()
        assert again is texts  # kept, not built again
        for name, msgid in msgids.items():
            rendered = app.jinja_env.from_string("{{ _(msgid) }}").render(msgid=msgid)
            assert str(getattr(texts, name)) == rendered, (language, name)
        if language == "de":
            assert str(texts.product if module is contract_html else texts.contracts) != (
                "Product" if module is contract_html else "Contracts")  # the catalogue is German here
