"""Verify, fixed endpoint addresses: the endpoint's subnet_configuration follows the answers'
subnets[].ipv4/ipv6, behind its plan-time guard, with a provider floor that knows it."""

from __future__ import annotations

import re
from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import blocks
from generator.core.layout import MAIN_FILE, VERSIONS_FILE

# The provider release that introduced each optional feature the module may use: the module's
# version constraint must not admit an older one when the module uses it.
FEATURE_FLOORS = {"subnet_configuration": (5, 54)}


def check_fixed_ips(
    answers: Answers, module: dict[str, Any], versions: dict[str, Any]
) -> list[Finding]:
    """Fixed addresses in the answers: the endpoint takes them from var.subnet_ip_addresses
    (one subnet_configuration per entry) behind its plan-time guard, and the constraint admits
    only providers that know subnet_configuration. None in the answers: no configuration."""
    endpoint = next(
        (
            body
            for t, n, body in blocks(module, "resource")
            if (t, n) == ("aws_vpc_endpoint", "lambda")
        ),
        {},
    )
    dynamic = [
        entry["subnet_configuration"]
        for entry in endpoint.get("dynamic", [])
        if "subnet_configuration" in entry
    ]
    fixed = any(subnet.ipv4 or subnet.ipv6 for subnet in answers.subnets)
    findings = []
    if not fixed:
        if dynamic or "subnet_configuration" in endpoint:
            findings.append(
                Finding(
                    "verify",
                    MAIN_FILE,
                    "aws_vpc_endpoint.lambda sets subnet_configuration, but the answers fix no "
                    "address (subnets[].ipv4/ipv6)",
                )
            )
        return findings
    wanted = {
        "for_each": "${var.subnet_ip_addresses}",
        "content": [
            {
                "subnet_id": "${subnet_configuration.key}",
                "ipv4": "${subnet_configuration.value.ipv4}",
                "ipv6": "${subnet_configuration.value.ipv6}",
                "__is_block__": True,
            }
        ],
        "__is_block__": True,
    }
    if dynamic != [wanted] or "subnet_configuration" in endpoint:
        findings.append(
            Finding(
                "verify",
                MAIN_FILE,
                "aws_vpc_endpoint.lambda must take the answers' fixed addresses as one dynamic "
                "subnet_configuration over var.subnet_ip_addresses (subnet_id = the key, ipv4 "
                f"and ipv6 from the value), found {preview(dynamic)}",
            )
        )
    conditions = " ".join(
        str(guard.get("condition", ""))
        for lifecycle in endpoint.get("lifecycle", [])
        for guard in lifecycle.get("precondition", [])
    )
    if "misplaced_ip_addresses" not in conditions:
        findings.append(
            Finding(
                "verify",
                MAIN_FILE,
                "aws_vpc_endpoint.lambda lacks the plan-time guard on the fixed addresses "
                "(inside each subnet's CIDR, not reserved, every subnet)",
            )
        )
    constraint = ""
    for block in versions.get("terraform", []):
        for providers in block.get("required_providers", []):
            constraint = str((providers.get("aws") or {}).get("version", ""))
    floor = FEATURE_FLOORS["subnet_configuration"]
    bounds = re.findall(r">=\s*(\d+)\.(\d+)", constraint)
    if not bounds or max((int(a), int(b)) for a, b in bounds) < floor:
        findings.append(
            Finding(
                "verify",
                VERSIONS_FILE,
                f"the AWS provider constraint {preview(constraint)} admits releases before "
                f"{floor[0]}.{floor[1]}, which introduced subnet_configuration (fixed addresses)",
            )
        )
    return findings
