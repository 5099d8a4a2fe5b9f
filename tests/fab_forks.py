"""Where the product forks Flask-AppBuilder, and a fingerprint of each FAB original.

The product overrides FAB methods (some copy a private method's body, such as
`_edit` or `_get_list_widget`) and FAB templates (same path under
`app/templates/appbuilder/`, or a product template that extends or imports a
FAB one and fills its blocks). A FAB upgrade that changes such an original
can silently break the fork. `tests/unit/test_fab_forks.py` compares the
fingerprints below with `tests/fab_forks.json` and names the fork to re-check.

Forks are found, not listed: every class of `app` that has a FAB class among
its bases is walked against those bases (so a new override is caught too),
and every template of `app/templates` is read for FAB template names. A fork
is keyed by class and attribute, not by file, so moving a class to another
module changes nothing.

After re-checking a fork against the new FAB code:  make fab-forks
"""
from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import pkgutil
import re
import sys
import textwrap
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import flask_appbuilder

ROOT = Path(__file__).resolve().parent.parent
DATA_FILE = Path(__file__).resolve().parent / "fab_forks.json"
APP_TEMPLATES = ROOT / "app" / "templates"
FAB_TEMPLATES = Path(flask_appbuilder.__file__).resolve().parent / "templates"

# A product template names a FAB template it builds on in one of these tags.
_TEMPLATE_REF = re.compile(r"""{%-?\s*(?:extends|import|include|from)\s+['"](appbuilder/[^'"]+)['"]""")


@dataclass(frozen=True)
class Fork:
    """One product override of one FAB original."""

    fork: str        # "SafeViewMixin._edit" or "template backoffice/add.html"
    overrides: str   # "flask_appbuilder.baseviews.BaseCRUDView._edit" or "template appbuilder/general/model/add.html"
    sha256: str      # of the FAB original's source
    where: str       # the product file (informational; moving a class does not change the key)
    fab_source: str  # the FAB file and line of the original

    @property
    def key(self) -> tuple[str, str]:
        return self.fork, self.overrides


def _is_fab(cls) -> bool:
    return (cls.__module__ or "").startswith("flask_appbuilder")


def _is_product(cls) -> bool:
    module = cls.__module__ or ""
    return module == "app" or module.startswith("app.")


def _import_product() -> None:
    """Import every module of `app` (no side effects on import, so no app is created)."""
    import app

    for info in pkgutil.walk_packages(app.__path__, "app."):
        importlib.import_module(info.name)


def _product_classes() -> set[type]:
    """Every class of `app` with a FAB class among its bases, including classes made inside functions."""
    fab_classes = {
        obj for name, module in list(sys.modules.items())
        if name.startswith("flask_appbuilder") and module is not None
        for obj in vars(module).values()
        if isinstance(obj, type) and _is_fab(obj)
    }
    found: set[type] = set()
    pending = list(fab_classes)
    seen: set[type] = set()
    while pending:
        cls = pending.pop()
        if cls in seen:
            continue
        seen.add(cls)
        try:
            subclasses = type.__subclasses__(cls)
        except TypeError:
            continue
        for sub in subclasses:
            if _is_product(sub):
                found.add(sub)
            pending.append(sub)
    return found


def _is_product_code(function) -> bool:
    module = getattr(inspect.unwrap(function), "__module__", "") or ""
    return module == "app" or module.startswith("app.")


def _behaviour(value) -> bool:
    """Methods and properties, not configuration values (list_columns, templates, labels …)."""
    return isinstance(value, (property, classmethod, staticmethod)) or inspect.isfunction(value)


def _functions(value) -> list:
    if isinstance(value, property):
        return [f for f in (value.fget, value.fset, value.fdel) if f is not None]
    if isinstance(value, (classmethod, staticmethod)):
        return [value.__func__]
    if inspect.isfunction(value):
        return [value]
    return []


def _source_of(value) -> tuple[str, str]:
    """The source text of a FAB attribute and where it is; plain values by their repr."""
    functions = _functions(value)
    if not functions:
        if isinstance(value, (str, int, float, bool, tuple, list, dict, type(None))):
            return repr(value), "value"
        return type(value).__qualname__, "value"
    parts, where = [], ""
    for function in functions:
        function = inspect.unwrap(function)
        try:
            parts.append(textwrap.dedent(inspect.getsource(function)))
        except (OSError, TypeError):
            # Generated at import (e.g. SQLAlchemy's declarative constructor): no source file.
            parts.append(_code_text(function))
            where = where or f"{function.__module__}.{function.__qualname__} (generated)"
            continue
        if not where:
            where = f"{_fab_relative(Path(inspect.getsourcefile(function)))}:{inspect.getsourcelines(function)[1]}"
    return "\n".join(parts), where


def _code_text(function) -> str:
    """A stable text of a function without source: its bytecode, constants and names."""
    code = function.__code__
    return f"{code.co_code.hex()} {code.co_consts!r} {code.co_names!r} {code.co_varnames!r}"


def _fab_relative(path: Path) -> str:
    base = FAB_TEMPLATES.parent.parent  # site-packages
    try:
        return str(path.resolve().relative_to(base))
    except ValueError:
        return str(path)


def _product_file(cls) -> str:
    try:
        return str(Path(inspect.getsourcefile(cls)).resolve().relative_to(ROOT))
    except (TypeError, ValueError, OSError):
        return cls.__module__


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def method_forks() -> list[Fork]:
    """Every attribute a product class defines that a FAB class further down its MRO defines too."""
    _import_product()
    forks: dict[tuple[str, str], Fork] = {}
    for cls in _product_classes():
        mro = cls.__mro__
        for index, owner in enumerate(mro):
            if not _is_product(owner):
                continue
            for name, value in vars(owner).items():
                if name in ("__doc__", "__module__", "__qualname__", "__dict__", "__weakref__",
                            "__annotations__", "__firstlineno__", "__static_attributes__"):
                    continue
                # The next class below `owner` that defines the name: only a FAB one makes a fork
                # (a product class over another product class is covered by the lower one's entry).
                below = next((c for c in mro[index + 1:] if name in vars(c)), None)
                if below is None or not _is_fab(below):
                    continue
                original = vars(below)[name]
                if not (_behaviour(value) or _behaviour(original)):
                    continue
                if _behaviour(value) and not any(_is_product_code(fn) for fn in _functions(value)):
                    continue  # put there by a library (SQLAlchemy's mapped-class __init__), not written by us
                source, fab_where = _source_of(original)
                fork = Fork(
                    fork=f"{owner.__qualname__}.{name}",
                    overrides=f"{below.__module__}.{below.__qualname__}.{name}",
                    sha256=_sha(source),
                    where=_product_file(owner),
                    fab_source=fab_where,
                )
                forks[fork.key] = fork
    return sorted(forks.values(), key=lambda f: f.key)


def template_forks() -> list[Fork]:
    """FAB templates the product overrides (same path) or builds on (extends, imports, includes)."""
    forks: dict[tuple[str, str], Fork] = {}

    def add(product: Path, fab_name: str) -> None:
        original = FAB_TEMPLATES / fab_name
        text = original.read_text(encoding="utf-8") if original.is_file() else "<missing>"
        fork = Fork(
            fork=f"template {product.relative_to(APP_TEMPLATES)}",
            overrides=f"template {fab_name}",
            sha256=_sha(text),
            where=str(product.relative_to(ROOT)),
            fab_source=_fab_relative(original),
        )
        forks[fork.key] = fork

    for product in sorted(APP_TEMPLATES.rglob("*.html")):
        relative = product.relative_to(APP_TEMPLATES).as_posix()
        if relative.startswith("appbuilder/") and (FAB_TEMPLATES / relative).is_file():
            add(product, relative)
        for fab_name in _TEMPLATE_REF.findall(product.read_text(encoding="utf-8")):
            add(product, fab_name)
    return sorted(forks.values(), key=lambda f: f.key)


def current_forks() -> list[Fork]:
    return method_forks() + template_forks()


def fab_version() -> str:
    return version("Flask-AppBuilder")


def load_recorded() -> tuple[str, dict[tuple[str, str], dict]]:
    """The FAB version the fingerprints were taken on, and the entries by (fork, overrides)."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    return data["flask_appbuilder"], {(e["fork"], e["overrides"]): e for e in data["forks"]}


def write_recorded(forks: list[Fork]) -> None:
    data = {
        "about": "Fingerprints (SHA-256 of the source) of the Flask-AppBuilder methods and templates the "
                 "product overrides; checked by tests/unit/test_fab_forks.py. Re-check the fork, then "
                 "regenerate with: make fab-forks",
        "flask_appbuilder": fab_version(),
        "forks": [
            {"fork": f.fork, "overrides": f.overrides, "where": f.where, "fab_source": f.fab_source,
             "sha256": f.sha256}
            for f in forks
        ],
    }
    DATA_FILE.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    forks = current_forks()
    write_recorded(forks)
    print(f"{len(forks)} forks of Flask-AppBuilder {fab_version()} recorded in {DATA_FILE.relative_to(ROOT)}")
