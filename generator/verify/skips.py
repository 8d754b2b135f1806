"""checkov skip markers in generated files: only the ones the answers ask for.

checkov reads `checkov:skip=<ID>:<reason>` on any line of a resource block, inside strings
too, so the only markers a generated file may hold are the plan's own skips (a check the
answers deliberately fail, ModulePlan.skips), each once, as a comment line of main.tf. Any
other marker (from a value that slipped through, a template change, a hand edit) is a finding,
and the scan's skipped checks are held to the same list (`unexpected_skips`)."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.layout import MAIN_FILE, README_FILE
from generator.core.markers import has_skip_marker


def skip_line(check_id: str, reason: str) -> str:
    """The one form a skip takes in main.tf, as the templates write it."""
    return f"#checkov:skip={check_id}:{reason}"


def skip_marker_findings(
    files: dict[str, str], expected: Iterable[tuple[str, str]]
) -> list[Finding]:
    """A finding for every skip marker in `files` that is not one of `expected`, written once
    as its own comment line in main.tf (README.md, which no scanner reads, aside)."""
    allowed = {skip_line(check_id, reason) for check_id, reason in expected}
    seen: set[str] = set()
    findings = []
    for name, text in sorted(files.items()):
        if name == README_FILE or name.endswith("/" + README_FILE) or not _has_marker(text):
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if not has_skip_marker(line):
                continue
            stripped = line.strip()
            if name == MAIN_FILE and stripped in allowed and stripped not in seen:
                seen.add(stripped)
                continue
            findings.append(
                Finding(
                    "verify",
                    name,
                    f"a checkov skip marker the answers do not ask for: {preview(stripped)} "
                    "(checkov would skip a check on it; the only skips allowed are "
                    f"{', '.join(sorted(i for i, _ in expected)) or 'none'} in {MAIN_FILE})",
                    line=number,
                )
            )
    return findings


@lru_cache(maxsize=512)
def _has_marker(text: str) -> bool:
    """has_skip_marker of a whole file, by its text: most files repeat across modules."""
    return has_skip_marker(text)


def unexpected_skips(
    skips: Iterable[dict[str, str]], expected: Iterable[tuple[str, str]], owned: set[str] | None
) -> list[Finding]:
    """A scan finding for every check checkov skipped that the plan did not render a skip
    for. `owned`: the files tfgen wrote (None: every file of the scan is tfgen's); a skip in
    another file (a deployment root's own backend.tf, say) is the user's."""
    ids = {check_id for check_id, _ in expected}
    findings = []
    for skip in skips:
        file = skip.get("file", "")
        if owned is not None and file and file not in owned:
            continue
        if skip.get("id") not in ids:
            findings.append(
                Finding(
                    "scan",
                    file or MAIN_FILE,
                    f"checkov skipped {skip.get('id')} on {skip.get('resource')}, a skip tfgen "
                    "did not render (a skip marker in a value or a hand edit): the check must "
                    "pass",
                    check_id=skip.get("id") or None,
                    resource=skip.get("resource") or None,
                )
            )
    return findings
