"""The house rules of app/ (README "Architecture"), checked on the import graph.

- the layer contracts of `.importlinter`: entry points (views, security, CLI, jobs)
  above services, above role declarations and the acting context, above models,
  above the extensions; jobs and CLI never import views;
- no import circle among app/ modules;
- no service reads the request's globals: the user and customer reach services as
  arguments or through `app.context`, which the web layer sets.
"""
from __future__ import annotations

import ast
import io
import os
import shutil
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[2]
REQUEST_GLOBALS = {"request", "g", "session"}


def test_import_contracts_hold():
    out = io.StringIO()
    with redirect_stdout(out):
        code = lint_imports(config_filename=str(ROOT / ".importlinter"), no_cache=True, no_logo=True)
    assert code == 0, "a layer is broken (see README, Architecture):\n" + out.getvalue()


def test_import_contracts_fail_on_a_model_that_imports_a_view(tmp_path):
    """The contracts can fail: a copy of app/ whose model imports a back-office view breaks the layers."""
    shutil.copytree(ROOT / "app", tmp_path / "app", ignore=shutil.ignore_patterns("__pycache__", "static", "templates"))
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    with open(tmp_path / "app" / "models" / "audit.py", "a", encoding="utf-8") as model:
        model.write("\nfrom app.views.backoffice import base  # noqa: E402,F401\n")
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True, no_logo=True))"],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(tmp_path)}, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert "app.models.audit -> app.views.backoffice.base" in done.stdout


def _cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    adjacency = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(adjacency):
        if root in index:
            continue
        work = [(root, iter(adjacency[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(adjacency[child])))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_circle_among_app_modules():
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph("app", cache_dir=None)
    assert _cycles(graph) == []


def test_cycle_finder_finds_a_circle():
    """The check above can fail: a two-module circle is reported."""
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.a", "pkg.b", "pkg.c"):
        graph.add_module(name)
    graph.add_import(importer="pkg.a", imported="pkg.b")
    graph.add_import(importer="pkg.b", imported="pkg.a")
    graph.add_import(importer="pkg.c", imported="pkg.a")
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def _request_globals_used(tree: ast.AST) -> set[str]:
    used = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in ("flask", "flask.globals"):
            used |= {alias.name for alias in node.names if alias.name in REQUEST_GLOBALS}
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "flask":
            if node.attr in REQUEST_GLOBALS:
                used.add(node.attr)
    return used


def test_services_never_read_request_globals():
    offences = {}
    for path in sorted((ROOT / "app" / "services").rglob("*.py")):
        used = _request_globals_used(ast.parse(path.read_text(encoding="utf-8")))
        if used:
            offences[str(path.relative_to(ROOT))] = sorted(used)
    assert offences == {}, "services take the user as an argument or read app.context instead"


def test_request_globals_check_can_fail():
    assert _request_globals_used(ast.parse("from flask import current_app, g\nimport flask\nflask.session")) == {
        "g", "session"}


MAX_LINES = 400


def test_no_module_in_app_is_longer_than_400_lines():
    """Files stay small and named for what they hold (DESIGN rule 13): split by task before 400 lines."""
    long = {str(path.relative_to(ROOT)): n for path in sorted((ROOT / "app").rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
