"""Flask-AppBuilder forks are guarded: a FAB upgrade that changes an original the product
overrides or copies fails here and names the fork to re-check (issue 18, point 4).

The forks are found by walking the product's classes against their FAB bases and the
product's templates for FAB template names (tests/fab_forks.py); their fingerprints are
recorded in tests/fab_forks.json. After re-checking a fork against the new FAB code,
`make fab-forks` records the new fingerprints.
"""
from __future__ import annotations

import gc

import pytest
from flask_appbuilder.baseviews import BaseCRUDView
from flask_appbuilder.models.filters import BaseFilter

from tests import fab_forks

REGENERATE = "After re-checking, record the new fingerprints with: make fab-forks"


def problems(current: list[fab_forks.Fork], version: str, recorded: dict) -> list[str]:
    """Every difference between the forks found now and those recorded, as a sentence each."""
    found = {f.key: f for f in current}
    messages = []
    for key, fork in sorted(found.items()):
        entry = recorded.get(key)
        if entry is None:
            messages.append(
                f"New fork without a fingerprint: {fork.fork} ({fork.where}) overrides {fork.overrides} "
                f"({fork.fab_source}). Check that it still matches Flask-AppBuilder {fab_forks.fab_version()}."
            )
        elif entry["sha256"] != fork.sha256:
            messages.append(
                f"Flask-AppBuilder changed {fork.overrides} ({fork.fab_source}) since the fingerprint taken "
                f"on {version}: re-check {fork.fork} in {fork.where}, which overrides or copies it."
            )
    for key in sorted(set(recorded) - set(found)):
        entry = recorded[key]
        messages.append(
            f"{entry['fork']} no longer overrides {entry['overrides']} (recorded in {entry['where']}): "
            "drop its fingerprint."
        )
    return messages


def _method_entries(recorded: dict) -> dict:
    return {key: entry for key, entry in recorded.items() if not key[0].startswith("template ")}


@pytest.fixture(scope="module")
def current():
    return fab_forks.current_forks()


def test_every_fab_fork_matches_its_fingerprint(current):
    version, recorded = fab_forks.load_recorded()
    found = problems(current, version, recorded)
    assert not found, "\n".join(found + [REGENERATE])


def test_the_walk_finds_the_known_forks(current):
    """The walk itself works: the forks this file was written for are among those found."""
    keys = {f.key for f in current}
    assert ("SafeViewMixin._edit", "flask_appbuilder.baseviews.BaseCRUDView._edit") in keys
    assert ("SafeViewMixin._get_list_widget", "flask_appbuilder.baseviews.BaseCRUDView._get_list_widget") in keys
    assert ("EServiceAuthView.login", "flask_appbuilder.security.views.AuthDBView.login") in keys
    assert ("template appbuilder/navbar_right.html", "template appbuilder/navbar_right.html") in keys
    assert ("template backoffice/edit.html", "template appbuilder/general/model/edit.html") in keys
    # Configuration values (columns, templates, labels) are not forks.
    assert not any(f.fork.endswith((".list_columns", ".label_columns", ".edit_template")) for f in current)


def test_a_changed_fab_original_names_the_fork_to_recheck(monkeypatch):
    version, recorded = fab_forks.load_recorded()

    def _edit(self, pk):  # what an upgraded FAB might ship
        return None

    monkeypatch.setattr(BaseCRUDView, "_edit", _edit)
    found = problems(fab_forks.method_forks(), version, _method_entries(recorded))
    assert len(found) == 1, found
    assert "re-check SafeViewMixin._edit" in found[0]
    assert "flask_appbuilder.baseviews.BaseCRUDView._edit" in found[0]


def test_a_new_override_without_fingerprint_fails():
    version, recorded = fab_forks.load_recorded()

    def apply(self, query, value):
        return query

    # A class of the product's package, made here, as a new module of app/ would define it.
    new_filter = type("FilterSomethingNew", (BaseFilter,), {"__module__": "app.views.new", "apply": apply})
    apply.__module__ = "app.views.new"
    try:
        found = problems(fab_forks.method_forks(), version, _method_entries(recorded))
    finally:
        del new_filter
        gc.collect()  # FAB's __subclasses__ holds it weakly: gone for the other tests
    assert [m.split(" (")[0] for m in found] == ["New fork without a fingerprint: FilterSomethingNew.apply"], found
