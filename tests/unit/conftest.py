"""Unit tests check rule functions on their own: no app, no database.

They run in a fraction of a second each, so `pytest tests/unit` answers while
one edits a rule. A test here that asks for the app (directly or through a
fixture such as `app_ctx`, `client` or `login`) fails with a pointer to where
it belongs instead of silently booting the app and migrating a database.
"""
from __future__ import annotations

import pytest

# Fixtures of tests/conftest.py that create the app (and with it the migrated database).
APP_FIXTURES = frozenset({"app", "app_ctx", "client", "login", "scratch_app"})


def pytest_runtest_setup(item):
    """Refuse a unit test whose fixtures would boot the app."""
    booting = sorted(APP_FIXTURES.intersection(getattr(item, "fixturenames", ())))
    if booting:
        pytest.fail(
            f"{item.nodeid} uses {', '.join(booting)}: tests under tests/unit/ run without the app. "
            "Make the rule a pure function, or move the test to tests/integration/ (or tests/security/).",
            pytrace=False,
        )
