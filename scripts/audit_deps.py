"""Audit the installed Python packages for known vulnerabilities with pip-audit, and say honestly what was
audited: pip-audit reports "No known vulnerabilities found" even when its vulnerability service could not
be reached and every package was skipped, which is the case on machines without PyPI's JSON API.

Exit 1 when a package has a known vulnerability not justified in IGNORED (docs/security-findings.md);
exit 0 with a NOT AUDITED warning when the service answered for no package, unless --require-service.
Usage: python scripts/audit_deps.py [--require-service]
"""

from __future__ import annotations

import json
import subprocess  # nosec B404 - runs pip-audit with a fixed argument list
import sys
import tempfile
from pathlib import Path

# vulnerability id -> why it does not apply here (keep in step with docs/security-findings.md)
IGNORED: dict[str, str] = {}


def run_pip_audit(out: Path) -> subprocess.CompletedProcess:
    """pip-audit over this interpreter's environment (the editable adcraft itself skipped), as JSON."""
    command = [sys.executable, "-m", "pip_audit", "--progress-spinner", "off", "--skip-editable"]
    command += ["--format", "json", "--output", str(out)]
    for vuln_id in IGNORED:
        command += ["--ignore-vuln", vuln_id]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # nosec B603


def main(argv: list[str]) -> int:
    """Run the audit and print one summary line (plus one line per vulnerability)."""
    require_service = "--require-service" in argv
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        proc = run_pip_audit(out)
        if not out.is_file():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"pip-audit: NOT AUDITED, pip-audit could not run: {last}")
            return 1 if require_service else 0
        report = json.loads(out.read_text(encoding="utf-8"))
    deps = [d for d in report.get("dependencies", []) if "editable" not in (d.get("skip_reason") or "")]
    skipped = [d for d in deps if d.get("skip_reason")]
    found = [(d, v) for d in deps for v in d.get("vulns", []) if v.get("id") not in IGNORED]
    for dep, vuln in found:
        fixes = ", ".join(vuln.get("fix_versions", [])) or "none yet"
        print(f"pip-audit: {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixes})")
    audited = len(deps) - len(skipped)
    if deps and audited == 0:
        reason = skipped[0]["skip_reason"]
        print(
            f"pip-audit: NOT AUDITED, the vulnerability service answered for none of {len(deps)} packages "
            f"(first reason: {reason}); run it where PyPI's JSON API is reachable"
        )
        return 1 if require_service else 0
    print(
        f"pip-audit: {audited} packages audited, {len(skipped)} skipped, {len(found)} known vulnerabilities"
        + (f", {len(IGNORED)} ignored with reasons" if IGNORED else "")
    )
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
