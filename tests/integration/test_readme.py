"""The README tells the truth: its demo logins are the seeded ones, its tables name every setting.

A reviewer's first step is the README's login table; an operator's is its
Configuration tables. Both are checked against the code (app/services/demo/logins.py
and the environment variables config.py reads), so neither can drift.
"""
from __future__ import annotations

import ast
import re

import config
from app.services.demo.logins import DEMO_LOGINS

README = (config.BASE_DIR / "README.md").read_text(encoding="utf-8")


def _login_table() -> list[list[str]]:
    block = README.split("<!-- demo-logins:start -->", 1)[1].split("<!-- demo-logins:end -->", 1)[0]
    rows = [line for line in block.splitlines() if line.startswith("|")]
    assert rows[0].replace(" ", "") == "|role|customer|username|password|", rows[0]
    cells = [[cell.strip() for cell in row.strip("|").split("|")] for row in rows[2:]]
    return [[c.strip("`") for c in row] for row in cells]


def test_readme_demo_logins_match_the_seed(app_ctx):
    """Issue "Foundation": every README login is a seeded login with that role, customer and password."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Customer
    from app.services.demo import seed_demo

    seed_demo(echo=lambda *args: None)
    customers = {c.customer_number: str(c) for c in db.session.scalars(select(Customer))}
    expected = [
        [login.role, customers[login.customer_number] if login.customer_number else "–", login.username,
         login.password]
        for login in DEMO_LOGINS
    ]
    assert _login_table() == expected


def _environment_variables() -> set[str]:
    """Every environment variable config.py reads (os.environ.get, os.environ[...], _env_bool)."""
    tree = ast.parse((config.BASE_DIR / "config.py").read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            reads = (isinstance(func, ast.Attribute) and func.attr == "get"
                     and isinstance(func.value, ast.Attribute) and func.value.attr == "environ") or (
                isinstance(func, ast.Name) and func.id == "_env_bool")
            if reads:
                names.add(node.args[0].value)
        elif isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) \
                and node.value.attr == "environ" and isinstance(node.slice, ast.Constant):
            names.add(node.slice.value)
    return names


def test_readme_tables_name_every_setting():
    """Every setting config.py reads has a README table row with its meaning and default."""
    variables = _environment_variables()
    assert {"SECRET_KEY", "MAX_UPLOAD_BYTES", "SESSION_IDLE_MINUTES", "TEST_DATABASE_URL"} <= variables
    table_rows = [line for line in README.splitlines() if line.startswith("| `")]
    documented = {name for row in table_rows for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", row.split("|")[1])}
    missing = sorted(variables - documented)
    assert not missing, f"add to the README's Configuration tables: {missing}"
    for row in table_rows:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert len(cells) == 3 and all(cells), f"a row needs name, meaning and default: {row}"
