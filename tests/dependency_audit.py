"""`make audit`: pip-audit of every pinned package in constraints.txt against PyPI's vulnerability data.

    python -m tests.dependency_audit            fails on a known vulnerability (exit 1)
    AUDIT_REQUIRED=1 python -m tests.dependency_audit
                                                also fails when packages could not be audited (exit 2)

pip-audit asks https://pypi.org/pypi/<name>/<version>/json for each pin (no pip, no install,
`--no-deps`: constraints.txt already lists every transitive package). It needs the network: each
request times out after AUDIT_TIMEOUT seconds (default 20) and the whole audit after 5 minutes, and
when PyPI cannot be reached the packages it could not check are named as NOT AUDITED instead of
passing silently. Where a proxy answers 404 for the per-version document (as in the development
sandbox) a pin that is the project's latest release is still audited from the project document
(https://pypi.org/pypi/<name>/json lists the latest release's vulnerabilities).

Accepted vulnerabilities go into IGNORED with the reason why this product is not affected; pip-audit
gets them as --ignore-vuln. Upgrade the pin instead whenever a fixed version exists (make constraints).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# vulnerability id (PYSEC-…, GHSA-…, CVE-…) → why it does not affect e:service. Empty: none accepted.
IGNORED: dict[str, str] = {}


def _command() -> list[str]:
    pip_audit = Path(sys.executable).with_name("pip-audit")
    command = [str(pip_audit), "-r", str(ROOT / "constraints.txt"), "--no-deps", "--disable-pip",
               "--progress-spinner", "off", "--timeout", os.environ.get("AUDIT_TIMEOUT", "20"), "-f", "json"]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    return command


def _pins() -> dict[str, str]:
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        name, sep, version = line.partition("==")
        if sep and not line.startswith("#"):
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def _latest_release_audit(skipped: list[dict]) -> list[dict]:
    """Audit skipped pins that are their project's latest release from the project document; the rest stay."""
    pins, still = _pins(), []
    for package in skipped:
        name = package["name"].lower().replace("_", "-")
        try:
            with urllib.request.urlopen(f"https://pypi.org/pypi/{name}/json",  # nosec B310  # fixed https URL
                                        timeout=float(os.environ.get("AUDIT_TIMEOUT", "20"))) as response:
                project = json.load(response)
        except (OSError, ValueError):
            still.append(package)
            continue
        if project["info"]["version"] != pins.get(name):
            still.append(package)
            continue
        package.update(version=pins[name], vulns=[
            {"id": v["id"], "aliases": v.get("aliases") or [], "fix_versions": v.get("fixed_in") or []}
            for v in project.get("vulnerabilities") or [] if not v.get("withdrawn") and v["id"] not in IGNORED])
        package.pop("skip_reason")
    return still


def main() -> int:
    try:
        done = subprocess.run(_command(), capture_output=True, text=True, timeout=300, cwd=ROOT, check=False)
    except subprocess.TimeoutExpired:
        print("pip-audit: NOT AUDITED - no answer from PyPI within 5 minutes (offline?)")
        return 2 if os.environ.get("AUDIT_REQUIRED") else 0
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        print("pip-audit: NOT AUDITED - it failed (offline, or PyPI unreachable?):")
        print(done.stderr.strip()[-2000:])
        return 2 if os.environ.get("AUDIT_REQUIRED") else 0
    packages = report["dependencies"]
    skipped = [p for p in packages if "skip_reason" in p]
    if skipped and not done.stderr.count("ConnectionError"):
        skipped = _latest_release_audit(skipped)
    vulnerable = [p for p in packages if p.get("vulns")]
    audited = len(packages) - len(skipped)
    for package in vulnerable:
        for vuln in package["vulns"]:
            fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
            print(f"VULNERABLE {package['name']}=={package['version']}: {vuln['id']} "
                  f"{' '.join(vuln.get('aliases') or [])} (fixed in: {fixed})")
    print(f"pip-audit: {audited} of {len(packages)} pinned packages audited, "
          f"{sum(len(p['vulns']) for p in vulnerable)} known vulnerabilities, {len(IGNORED)} ignored by reason"
          + "".join(f"\n  ignored {vuln_id}: {why}" for vuln_id, why in IGNORED.items()))
    if skipped:
        print(f"pip-audit: NOT AUDITED {len(skipped)} packages (PyPI did not answer for them, offline or a proxy?): "
              + ", ".join(f"{p['name']}" for p in skipped) + f"\n  e.g. {skipped[0]['skip_reason']}")
    if vulnerable:
        print("Upgrade the pin (requirements*.txt, then make constraints) or, when e:service is not affected, "
              "add the id with the reason to IGNORED in tests/dependency_audit.py.")
        return 1
    if skipped and os.environ.get("AUDIT_REQUIRED"):
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
