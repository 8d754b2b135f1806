"""Verify the example root's Terraform import blocks against the answers' `import:` section.

The expected addresses are stated here from the answers (which resource of the module holds
the endpoint, the group and each 443 rule), not taken from the renderer, so a template that
imports an id into the wrong resource, or forgets one, is caught."""

from __future__ import annotations

import json
import re
from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import blocks, literal_text
from generator.core.layout import EXAMPLE_FILE

MODULE = "module.lambda_endpoint"
# Terraform reads `import` blocks from 1.5 on; older versions reject the configuration.
IMPORT_BLOCKS_SINCE = (1, 5)
LOWER_BOUND_RE = re.compile(r"^\s*(?:>=|~>|=|>)?\s*v?(\d+)\.(\d+)")


def expected_imports(answers: Answers, source_group_rule: str = "security_group") -> dict[str, str]:
    """Resource address in the example root -> the id to import there (`source_group_rule`: the
    rule resource of source groups, `source_group` in the shared module)."""
    imported = answers.import_
    if imported is None:
        return {}
    expected = {
        f"{MODULE}.aws_vpc_endpoint.lambda": imported.endpoint_id,
        # the private DNS setting, a resource of its own, is imported by the endpoint's id
        f"{MODULE}.aws_vpc_endpoint_private_dns.lambda": imported.endpoint_id,
    }
    if imported.security_group_id is not None:
        expected[f"{MODULE}.aws_security_group.endpoint[0]"] = imported.security_group_id
    rule = f"{MODULE}.aws_vpc_security_group_ingress_rule"
    for entry in imported.security_group_rules:
        if entry.source == answers.vpc.cidr:
            address = f"{rule}.vpc[0]"
        elif entry.source in answers.security_group.allow_cidrs:
            address = f"{rule}.cidr[{json.dumps(entry.source)}]"
        else:  # keyed by group id: security_group in the module, source_group in the shared one
            address = f"{rule}.{source_group_rule}[{json.dumps(entry.source)}]"
        expected[address] = entry.id
    return expected


def admits_only_import_capable(constraint: Any) -> bool:
    """True when a required_version constraint has a lower bound of 1.5 or later."""
    for part in str(constraint or "").split(","):
        match = LOWER_BOUND_RE.match(part)
        if match and (int(match.group(1)), int(match.group(2))) >= IMPORT_BLOCKS_SINCE:
            return True
    return False


def check_required_version(example: dict[str, Any]) -> list[Finding]:
    constraints = [block.get("required_version") for block in example.get("terraform", []) if block]
    if any(admits_only_import_capable(c) for c in constraints):
        return []
    return [
        Finding(
            "verify",
            EXAMPLE_FILE,
            f"terraform.required_version "
            f"{preview(literal_text(constraints[0]) if constraints else None)}"
            " admits Terraform before 1.5, which cannot read the import blocks",
        )
    ]


def _address(value: Any) -> str:
    text = str(literal_text(value))
    return text[2:-1] if text.startswith("${") and text.endswith("}") else text


def check_imports(
    answers: Answers,
    example: dict[str, Any],
    module: dict[str, Any],
    source_group_rule: str = "security_group",
) -> list[Finding]:
    found: dict[str, str] = {}
    findings = []
    for block in example.get("import", []):
        address, given = _address(block.get("to")), literal_text(block.get("id"))
        if address in found:
            findings.append(Finding("verify", EXAMPLE_FILE, f"{address} is imported twice"))
        found[address] = given
    expected = expected_imports(answers, source_group_rule)
    if found or expected:
        findings += check_required_version(example)
    declared = {f"{MODULE}.{kind}.{name}" for kind, name, _ in blocks(module, "resource")}
    for address, given in sorted(found.items()):
        if address.split("[")[0] not in declared:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"import into {address}: the module has no such resource",
                )
            )
        if address not in expected:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"import of {preview(given)} into {address} is not in the answers' "
                    "import section",
                )
            )
        elif given != expected[address]:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"import into {address} takes {preview(given)}, the answers say "
                    f"{preview(expected[address])}",
                )
            )
    for address in sorted(set(expected) - set(found)):
        findings.append(
            Finding(
                "verify",
                EXAMPLE_FILE,
                f"no import block adopts {expected[address]} into {address} (answers: import)",
            )
        )
    return findings
