"""Pinned dependencies: a fresh clone installs exactly what CI tested.

Every third-party package the code imports is a direct requirement, pinned
with `==`; constraints.txt (pip freeze of the tested venv, used by every
`make` install) holds the same versions and matches what is installed.
"""
from __future__ import annotations

import ast
import re
import sys
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import config

ROOT = config.BASE_DIR
CODE_DIRS = ("app", "tests", "bench", "migrations")
# Imported by our code but part of the project or the standard library.
OWN = {"app", "tests", "bench", "config", "run"}


def _requirements(name: str) -> dict[str, Requirement]:
    reqs = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-r"):
            req = Requirement(line)
            reqs[canonicalize_name(req.name)] = req
    return reqs


def _constraints() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, version = line.split("==")
            pins[canonicalize_name(name)] = version
    return pins


def _imported_top_level_modules() -> set[str]:
    modules = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            if "artifacts" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    modules |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    modules.add(node.module.split(".")[0])
    for path in (ROOT / "config.py", ROOT / "run.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                modules.add(node.module.split(".")[0])
    return modules - OWN - set(sys.stdlib_module_names) - {"__future__"}


def test_every_requirement_is_pinned_exactly():
    """Every direct dependency carries an exact `==` pin (no ranges, no bare names)."""
    for name in ("requirements.txt", "requirements-dev.txt"):
        for key, req in _requirements(name).items():
            specs = list(req.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", f"{name}: {req} is not pinned exactly"


def test_every_imported_package_is_a_pinned_requirement():
    """An import of a package that is only there as someone's dependency (python-dateutil) fails."""
    direct = set(_requirements("requirements.txt")) | set(_requirements("requirements-dev.txt"))
    owners = metadata.packages_distributions()
    missing = {}
    for module in sorted(_imported_top_level_modules()):
        distributions = {canonicalize_name(d) for d in owners.get(module, [])}
        assert distributions, f"import {module}: no installed distribution provides it"
        if not distributions & direct:
            missing[module] = sorted(distributions)
    assert not missing, f"imported but not a direct requirement: {missing}"


def test_constraints_hold_the_pins_and_the_installed_versions():
    """constraints.txt agrees with requirements*.txt and with the venv the suite runs in."""
    pins = _constraints()
    for name in ("requirements.txt", "requirements-dev.txt"):
        for key, req in _requirements(name).items():
            assert pins.get(key) == next(iter(req.specifier)).version, f"constraints.txt disagrees on {req}"
    for key, version in pins.items():
        assert metadata.version(key) == version, f"installed {key} {metadata.version(key)} != {version}"


def test_makefile_installs_with_the_constraints():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    installs = re.findall(r"^\t\$\(BIN\)/pip install .*$", makefile, re.M)
    assert installs and all("-c $(CONSTRAINTS)" in line for line in installs), installs
    assert re.search(r"^CONSTRAINTS := constraints\.txt$", makefile, re.M)
