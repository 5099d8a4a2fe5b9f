"""Rule ids are traceable (issue 18, point 6): every id the repository cites is explained on
docs/rules.md, and every rule the page says is proven by tests has a test marked with it.

The marked tests are those pytest itself collects (`python -m tests.rules --json`, a
collection of the whole suite in a process of its own), so the check does not depend
on which tests this run selected.
"""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests import rules


@pytest.fixture(scope="module")
def marked() -> dict[str, list[str]]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.rules", "--json"], cwd=rules.ROOT, capture_output=True, text=True,
        timeout=600,
    )
    lines = [line for line in result.stdout.splitlines() if line.startswith("RULES-JSON ")]
    assert result.returncode == 0 and lines, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(lines[-1].removeprefix("RULES-JSON "))


def test_every_cited_id_is_explained_and_every_rule_proven_by_tests_has_one(marked):
    found = rules.problems(rules.citations(), set(rules.citations(rules.CODE)), rules.page_rules(), marked)
    assert not found, "\n".join(found + ["See docs/rules.md; `make rules` lists the tests per rule."])


def test_the_page_and_the_markers_are_read():
    """The readers find what is there (a broken reader would make the check above pass on nothing)."""
    page = rules.page_rules()
    assert {"R-AUTH-1", "R-WIZ-5", "R-JOB-4", "P1", "S14", "R7"} <= set(page)
    assert page["P2"].proofs == {"bench"} and page["R-AUTH-8"].proofs == {"tests"}
    assert "R-AUTH-8" in rules.citations(rules.CODE)


@pytest.mark.parametrize("text, ids", [
    ("R-SIP-2/3/4, R7", ["R-SIP-2", "R-SIP-3", "R-SIP-4", "R7"]),
    ("(R-CON-1..3, P1)", ["R-CON-1", "R-CON-2", "R-CON-3", "P1"]),
    ("bars P1-P3", ["P1", "P2", "P3"]),
    ("QUALITY S1/S14.", ["S1", "S14"]),
    ("invoice R21, xP1, P1x, ids-S3", []),
])
def test_citations_are_read_with_ranges_and_lists(text, ids):
    assert rules.expand(text) == ids


def _row(rule_id, proofs):
    return rules.PageRule(rule_id, "…", frozenset(proofs))


def test_each_disagreement_is_named():
    page = {"R-A-1": _row("R-A-1", {"tests"}), "P9": _row("P9", {"bench"}), "R-A-2": _row("R-A-2", {"pending"}),
            "R-A-3": _row("R-A-3", {"tests"})}
    cited = {"R-A-1": ["app/x.py:1"], "P9": ["bench/y.py:2"], "R-A-9": ["app/z.py:3"], "R-A-3": ["app/x.py:4"]}
    marked = {"R-A-3": ["tests/t.py::test_a"], "R-A-2": ["tests/t.py::test_b"], "R-B-1": ["tests/t.py::test_c"]}
    found = rules.problems(cited, {"R-A-1", "P9", "R-A-9"}, page, marked)
    assert [message.split(" ")[0] for message in found] == ["R-A-9", "R-B-1", "R-A-1", "R-A-2"]
    assert "The code cites it" in found[2]  # R-A-1: cited, proven by tests, but no marked test
    assert "say 'tests'" in found[3]        # R-A-2: pending on the page although a test proves it
