"""Verify the shared module (modules/lambda-endpoint): parse it back and check what every
deployment relies on, whatever its answers: the endpoint's wiring and plan-time guards, each
declared input read, no deployment's value (account, VPC, peer) baked in, and every block
against the AWS provider schema snapshots."""

from __future__ import annotations

import re
from typing import Any

from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.layout import VARIABLES_FILE
from generator.verify.module import check_module_wiring, check_schema, parse_files
from generator.verify.resolver import check_shared_resolver
from generator.verify.skips import skip_marker_findings

# Module folders inside the shared module, each with its own variables (examples call them).
MODULE_FOLDERS = ("", "modules/peer/")
# Values that belong to one deployment, never to the shared code.
BAKED_VALUES = re.compile(
    r"\b(?:vpc|subnet|sg|rtb|pcx|vpce)-[0-9a-f]{8,17}\b|(?<![\w.:-])\d{12}(?![\w.-])"
)


def _in_folder(name: str, folder: str) -> bool:
    inside = name[len(folder) :] if name.startswith(folder) else None
    return inside is not None and "/" not in inside and inside.endswith(".tf")


def verify_shared_module(files: dict[str, str]) -> list[Finding]:
    """Every way the shared module's files fail what deployments rely on."""
    terraform = {name: text for name, text in files.items() if name.endswith(".tf")}
    parsed, findings = parse_files(terraform)
    if findings:
        return findings
    own = [name for name in parsed if _in_folder(name, "")]
    module = {
        "resource": [item for name in own for item in parsed[name].get("resource", [])],
        "data": [item for name in own for item in parsed[name].get("data", [])],
    }
    findings += check_module_wiring(module)
    findings += check_shared_resolver(module, parsed)
    findings += skip_marker_findings(files, ())  # the same code for every deployment: none
    for folder in MODULE_FOLDERS:
        findings += unread_inputs(folder, parsed, files)
    for name in sorted(terraform):
        if name.startswith(("examples/", "tests/")):
            continue
        for line_number, line in enumerate(terraform[name].splitlines(), start=1):
            match = BAKED_VALUES.search(line.split("#", 1)[0])
            if match and not re.match(r"\s*(?:description|error_message)\s*=", line):
                findings.append(
                    Finding(
                        "verify",
                        name,
                        f"line {line_number} holds {preview(match.group(0))}: a deployment's value "
                        "in the shared code (pass it as an input)",
                    )
                )
    findings += check_schema(parsed, terraform)
    return findings


def unread_inputs(
    folder: str, parsed: dict[str, dict[str, Any]], files: dict[str, str]
) -> list[Finding]:
    """A variable of the module in `folder` that none of its .tf files reads."""
    names = [name for name in parsed if _in_folder(name, folder)]
    declared = [label for name in names for label, _ in _variables(parsed[name])]
    text = "\n".join(files[name] for name in names)
    return [
        Finding(
            "verify", f"{folder}{VARIABLES_FILE}", f"variable {label} is declared but never read"
        )
        for label in declared
        if not re.search(rf"(?<![\w.])var\.{re.escape(label)}(?![\w-])", text)
    ]


def _variables(parsed: dict[str, Any]) -> list[tuple[str, Any]]:
    return [(label, body) for block in parsed.get("variable", []) for label, body in block.items()]


def module_calls(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The `module` blocks of a parsed file, by name."""
    return {name: body for block in parsed.get("module", []) for name, body in block.items()}
