"""Which pages the benchmark drives: a declarative table, resolved against the running code.

Portal pages are templates ("contract detail for a contract of the signed-in customer")
matched against the app's `url_map` at run time; back-office pages are every list page
linked from an Admin's menu. A page the code does not have yet is reported as
"not available yet" instead of failing the run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit


@dataclass(frozen=True)
class PortalPage:
    """A portal page template: what it shows and how to recognise its route."""

    key: str
    label: str
    topics: tuple[str, ...] = ()     # words in the view name or path (English and German)
    kind: str = "list"               # "start", "list" or "detail"
    avoid: tuple[str, ...] = ()      # words that mark a neighbouring page (e.g. contract *options*)


# P2 covers all of these; P3 compares the list pages with a stock FAB list.
PORTAL_PAGES: tuple[PortalPage, ...] = (
    PortalPage("start", "portal start", kind="start"),
    PortalPage("contracts", "contracts", ("contract", "vertrag", "vertraege"),
               avoid=("option", "number", "rufnummer", "location", "standort", "sip", "dsl", "forward")),
    PortalPage("contract_detail", "contract detail", ("contract", "vertrag"), kind="detail",
               avoid=("option", "number", "rufnummer", "location", "standort", "sip", "dsl", "forward",
                      "terminat", "kuendig", "wizard", "order")),
    PortalPage("orders", "orders", ("order", "auftrag", "auftraege", "bestellung")),
    PortalPage("tickets", "tickets", ("ticket", "stoerung")),
    PortalPage("invoices", "invoices", ("invoice", "rechnung")),
    PortalPage("documents", "documents", ("document", "dokument")),
)

# Path parts that mark a route that is not a page to load-test (forms, files, actions, APIs).
NOT_A_PAGE = ("add", "edit", "delete", "download", "/api/", "new", "wizard", "export", "csv", "evn",
              "upload", "action", "create", "cancel", "accept", "close", "comment", "json", "reveal",
              "secret", "password", "print", "pdf", "file", "mulitple", "multiple")


@dataclass
class Route:
    """One GET route of the app, with the view it belongs to."""

    rule: str
    endpoint: str
    arguments: tuple[str, ...]
    module: str = ""
    view_name: str = ""
    method: str = ""
    is_model_view: bool = False


@dataclass
class Resolved:
    """A page template matched to a route (or not): `url` is None when not available yet."""

    key: str
    label: str
    area: str
    kind: str
    url: str | None = None
    endpoint: str | None = None
    candidates: list[str] = field(default_factory=list)
    note: str = ""
    view_name: str = ""


def routes_of(app) -> list[Route]:
    """Every GET route of `app` with its view class (module, name, method)."""
    views = {getattr(v, "endpoint", None) or v.__class__.__name__: v for v in app.appbuilder.baseviews}
    from flask_appbuilder import ModelView

    out = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint == "static" or ".static" in rule.endpoint:
            continue
        view_name, _, method = rule.endpoint.partition(".")
        view = views.get(view_name)
        out.append(Route(
            rule=rule.rule, endpoint=rule.endpoint, arguments=tuple(sorted(rule.arguments)),
            module=type(view).__module__ if view is not None else "", view_name=view_name, method=method,
            is_model_view=isinstance(view, ModelView),
        ))
    return out


def _words(route: Route) -> str:
    return f"{route.view_name} {route.rule} {route.method}".lower().replace("ä", "ae").replace("ü", "ue")


def portal_candidates(page: PortalPage, routes: list[Route]) -> list[Route]:
    """Routes that may be `page`, best first (pure; unit-tested)."""
    if page.kind == "start":
        return [r for r in routes if r.rule == "/"]
    wanted_args = 0 if page.kind == "list" else 1
    found = []
    for route in routes:
        if not route.module.startswith("app.views.portal"):
            continue
        if len(route.arguments) != wanted_args:
            continue
        words = _words(route)
        path = route.rule.lower()
        if not any(t in words for t in page.topics):
            continue
        if any(a in words for a in page.avoid):
            continue
        if any(n in path for n in NOT_A_PAGE):
            continue
        found.append(route)

    def score(route: Route) -> tuple:
        preferred = ("list", "index") if page.kind == "list" else ("show", "detail", "view")
        return (route.method not in preferred, len(route.rule), route.rule)

    return sorted(found, key=score)


def fill_rule(rule: str, values: dict[str, object]) -> str:
    """Put values into a werkzeug rule: `/contracts/<int:pk>` → `/contracts/1`."""
    def repl(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return str(values[name])

    return re.sub(r"<([^>]+)>", repl, rule)


def detail_value(argument: str, contract_id: int, contract_number: str) -> object:
    """The value for a detail route's argument: the contract number when the route asks for one."""
    return contract_number if "number" in argument or argument in ("nr", "no") else contract_id


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._href = dict(attrs).get("href")
            self._text = []

    def handle_data(self, data):
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._href is not None:
            self.links.append((self._href, " ".join("".join(self._text).split())))
            self._href = None


def menu_links(html: str) -> list[tuple[str, str]]:
    """(path, link text) of every local link in a page, in order, without duplicates (pure)."""
    parser = _Links()
    parser.feed(html)
    seen, out = set(), []
    for href, text in parser.links:
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        parts = urlsplit(href)
        if parts.netloc and parts.netloc not in ("127.0.0.1", "localhost"):
            continue
        path = parts.path
        if path and path not in seen:
            seen.add(path)
            out.append((path, text))
    return out


def backoffice_list_pages(menu_html: str, routes: list[Route]) -> list[Resolved]:
    """Every list page an Admin's menu links to (FAB ModelView `.list` endpoints, any area)."""
    by_rule = {r.rule: r for r in routes if not r.arguments}
    pages = []
    for path, text in menu_links(menu_html):
        route = by_rule.get(path)
        if route is None or route.method != "list":
            continue
        if route.module.startswith("app.views.portal"):
            continue
        pages.append(Resolved(key=f"bo:{route.view_name}", label=text or route.view_name, area="backoffice",
                              kind="list", url=path, endpoint=route.endpoint, view_name=route.view_name))
    return pages


def config_key(config: dict, pattern: str) -> str | None:
    """The first config key matching `pattern` (feature detection for P1), or None."""
    regex = re.compile(pattern)
    for key in sorted(config):
        if regex.search(key):
            return key
    return None
