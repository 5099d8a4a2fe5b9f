"""Rule ids: where the repository cites them, what docs/rules.md says, which tests prove them.

The product's rules and quality bars have ids (R-AUTH-8, S14, P1, R7 …) that code,
comments, commits and tests cite; `docs/rules.md` explains each in one line. A test
that proves a rule carries the marker `@pytest.mark.rule("R-AUTH-8")`.

    make rules                            per rule, the tests that prove it; rules with none flagged
    python -m tests.rules --json          the same as JSON (used by tests/integration/test_rule_ids.py)

tests/integration/test_rule_ids.py fails when the repository cites an id the page
lacks, when a rule the page says is proven by tests (as every rule the code cites
must be, unless the page says the benchmark or CI shows it, or that it is not built
yet) has no marked test, and when a test proves a rule the page calls pending.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES_PAGE = ROOT / "docs" / "rules.md"

# Where the repository may cite an id; the rules page itself and this checker are left out.
SCANNED = ("app", "tests", "bench", "migrations", "config.py", "run.py", "README.md", "Makefile", ".ci")
SCANNED_SUFFIXES = {".py", ".html", ".js", ".css", ".md", ".txt", ".cfg", ".ini", ""}
NOT_SCANNED = {"tests/rules.py", "tests/integration/test_rule_ids.py"}
# Code (not tests): `make rules` says which untested rules it cites.
CODE = ("app", "config.py", "run.py", "migrations", "bench", "README.md", "Makefile", ".ci")

# R-AUTH-8, R-SIP-2/3/4, R-AUTH-1..3; the quality bars P1-P8, S1-S14 and R1-R7, P1..P8, S1/S2.
_SPEC = re.compile(r"\bR-([A-Z]+)-(\d+)((?:\.\.\d+|(?:/\d+)+)?)")
_BAR = re.compile(r"(?<![\w-])([PSR])(\d{1,2})(?:(?:\.\.|[-–])\1?(\d{1,2}))?(?![\w-])")
# docs/rules.md: one table row per id: | id | what it says | proven by |
_PAGE_ROW = re.compile(r"^\|\s*`?([A-Z][A-Z0-9-]*)`?\s*\|(.+)\|\s*([a-z, ]+?)\s*\|\s*$")
PROOFS = {"tests", "bench", "ci", "pending"}


def expand(text: str) -> list[str]:
    """Every id a text cites, ranges and lists spelled out: "R-JOB-1..3" → R-JOB-1, R-JOB-2, R-JOB-3."""
    ids: list[str] = []
    for area, first, tail in _SPEC.findall(text):
        numbers = [int(first)]
        if tail.startswith(".."):
            numbers = list(range(int(first), int(tail[2:]) + 1))
        elif tail:
            numbers += [int(n) for n in tail.split("/")[1:]]
        ids += [f"R-{area}-{n}" for n in numbers]
    for letter, first, last in _BAR.findall(_SPEC.sub(" ", text)):
        if letter == "R" and len(first) > 1:
            continue  # R1-R7 only; "R21" is an invoice number prefix, not a bar
        end = int(last) if last else int(first)
        ids += [f"{letter}{n}" for n in range(int(first), end + 1)]
    return ids


def _files(roots) -> list[Path]:
    files = []
    for root in roots:
        path = ROOT / root
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        for candidate in candidates:
            relative = candidate.relative_to(ROOT).as_posix()
            if relative in NOT_SCANNED or "__pycache__" in relative or candidate.suffix not in SCANNED_SUFFIXES:
                continue
            files.append(candidate)
    return files


def citations(roots=SCANNED) -> dict[str, list[str]]:
    """{id: ["file:line", …]} for every id cited under `roots`."""
    found: dict[str, list[str]] = {}
    for path in _files(roots):
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        relative = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(lines, 1):
            for rule_id in expand(line):
                found.setdefault(rule_id, []).append(f"{relative}:{number}")
    return found


@dataclass(frozen=True)
class PageRule:
    rule_id: str
    text: str
    proofs: frozenset[str]


def page_rules(page: Path = RULES_PAGE) -> dict[str, PageRule]:
    """The ids docs/rules.md explains, with how each is proven (tests, bench, ci)."""
    rules: dict[str, PageRule] = {}
    for line in page.read_text(encoding="utf-8").splitlines():
        match = _PAGE_ROW.match(line)
        if not match or match.group(1) == "id":
            continue
        proofs = frozenset(p.strip() for p in match.group(3).split(","))
        rules[match.group(1)] = PageRule(match.group(1), match.group(2).strip(), proofs)
    return rules


class MarkerCollector:
    """A pytest plugin: after collection, {rule id: [test node ids]} from the `rule` markers."""

    def __init__(self) -> None:
        self.marked: dict[str, list[str]] = {}
        self.unknown: list[str] = []

    def pytest_collection_finish(self, session) -> None:
        for item in session.items:
            for marker in item.iter_markers("rule"):
                for rule_id in marker.args:
                    self.marked.setdefault(rule_id, [])
                    if item.nodeid not in self.marked[rule_id]:
                        self.marked[rule_id].append(item.nodeid)


def collect_marked(pytest_args=()) -> dict[str, list[str]]:
    """Collect the suite (nothing runs) and return the tests marked per rule id."""
    import pytest

    collector = MarkerCollector()
    code = pytest.main(["--collect-only", "-p", "no:terminal", *pytest_args], plugins=[collector])
    if code not in (0, 5):
        raise SystemExit(f"collecting the tests failed (pytest exit code {code})")
    return collector.marked


def _sort_key(rule_id: str):
    parts = re.findall(r"[A-Z]+|\d+", rule_id)
    bar = len(parts) == 2 and rule_id[1:].isdigit()
    return (bar, [int(p) if p.isdigit() else p for p in parts])


def _by_test(nodeids: list[str]) -> list[str]:
    """One entry per test function: the parameters of a parametrized test are one proof."""
    return list(dict.fromkeys(nodeid.split("[", 1)[0] for nodeid in nodeids))


def problems(cited: dict[str, list[str]], cited_in_code: set[str], rules: dict[str, PageRule],
             marked: dict[str, list[str]]) -> list[str]:
    """Every way the repository and docs/rules.md disagree, one sentence each."""
    found = []
    for rule_id in sorted(set(cited) - set(rules), key=_sort_key):
        where = ", ".join(cited[rule_id][:3])
        found.append(f"{rule_id} is cited ({where}) but docs/rules.md does not explain it: add a row.")
    for rule_id in sorted(set(marked) - set(rules), key=_sort_key):
        found.append(f"{rule_id} is a rule marker ({marked[rule_id][0]}) but docs/rules.md has no row for it.")
    for rule_id, rule in sorted(rules.items(), key=lambda item: _sort_key(item[0])):
        unknown = rule.proofs - PROOFS
        if unknown or not rule.proofs:
            found.append(f"{rule_id}: 'proven by' must name some of {sorted(PROOFS)}, not {sorted(unknown)}.")
        tests = marked.get(rule_id, [])
        if "tests" in rule.proofs and not tests:
            cited_by = " The code cites it." if rule_id in cited_in_code else ""
            found.append(f"{rule_id} says it is proven by tests, but no test is marked "
                         f'@pytest.mark.rule("{rule_id}").{cited_by}')
        if "pending" in rule.proofs and tests:
            found.append(f"{rule_id} is 'pending' on docs/rules.md but {tests[0]} proves it: say 'tests'.")
        if "pending" in rule.proofs and len(rule.proofs) > 1:
            found.append(f"{rule_id}: 'pending' cannot go with another proof.")
    return found


def report(marked: dict[str, list[str]], rules: dict[str, PageRule], cited_in_code: set[str]) -> str:
    """Per rule of the page: the tests that prove it, or a flag."""
    lines = []
    counts = {"tests": 0, "other": 0, "pending": 0, "none": 0}
    for rule_id in sorted(rules, key=_sort_key):
        rule = rules[rule_id]
        tests = _by_test(marked.get(rule_id, []))
        other = sorted(rule.proofs - {"tests", "pending"})
        if tests:
            counts["tests"] += 1
            head = f"{rule_id}  {len(tests)} test(s)" + (f" + {', '.join(other)}" if other else "")
        elif "pending" in rule.proofs:
            counts["pending"] += 1
            head = f"{rule_id}  PENDING (not built yet)" + ("  cited by the code" if rule_id in cited_in_code else "")
        elif other:
            counts["other"] += 1
            head = f"{rule_id}  proven by {', '.join(other)}"
        else:
            counts["none"] += 1
            head = f"{rule_id}  NO TEST" + ("  cited by the code" if rule_id in cited_in_code else "")
        lines.append(f"{head}: {rule.text}")
        lines += [f"    {nodeid}" for nodeid in tests]
    unknown = sorted(set(marked) - set(rules), key=_sort_key)
    if unknown:
        lines.append("Marked but not on docs/rules.md: " + ", ".join(unknown))
    lines.append(
        f"{len(rules)} ids: {counts['tests']} proven by tests, {counts['other']} by the benchmark or CI only, "
        f"{counts['pending']} pending (not built yet), {counts['none']} without a test"
    )
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    args = [a for a in argv if a != "--json"]
    marked = collect_marked(args)
    if as_json:
        print("RULES-JSON " + json.dumps(marked, sort_keys=True))
        return 0
    cited_in_code = set(citations(CODE))
    page = page_rules()
    print(report(marked, page, cited_in_code))
    found = problems(citations(), cited_in_code, page, marked)
    for message in found:
        print("PROBLEM: " + message)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
