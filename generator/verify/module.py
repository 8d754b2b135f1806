"""Verify a rendered module: parse it back with python-hcl2 and check that it says what the
answers and their plan say (resources, arguments, ports, CIDRs, the decoded policy), then check
every block against the AWS provider schema snapshots. Never reads the renderer's code: a bug
there shows up as a finding here."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import BLOCK_MARK, blocks, labelled, literal_text, parse_hcl
from generator.core.layout import (
    EXAMPLE_FILE,
    MAIN_FILE,
    MODULE_FILES,
    MOVED_FILE,
    PEERING_FILE,
    RESOLVER_FILE,
    VARIABLES_FILE,
    VERSIONS_FILE,
)
from generator.plan.module_plan import MODULE_CALL, ModulePlan, plan_module
from generator.verify.fixed_ips import check_fixed_ips
from generator.verify.imports import check_imports
from generator.verify.keys import check_moves, check_source_group_keys, expected_moves
from generator.verify.peering import check_peering
from generator.verify.resolver import check_on_premises_call, check_resolver
from generator.verify.skips import skip_marker_findings

HTTPS_PORT = 443
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
# What the module's own HCL must say whatever the answers are: the wiring of F1-F4 and F8.
EXPECTED_ARGUMENTS: dict[tuple[str, str, str], dict[str, Any]] = {
    ("resource", "aws_vpc_endpoint", "lambda"): {
        "service_name": "${data.aws_vpc_endpoint_service.lambda.service_name}",
        "vpc_endpoint_type": "Interface",
        "vpc_id": "${var.vpc_id}",
        "subnet_ids": "${var.subnet_ids}",
        "security_group_ids": "${local.security_group_ids}",
        # owned by aws_vpc_endpoint_private_dns alone, as the provider documents: not set here
        "private_dns_enabled": None,
        "ip_address_type": "${var.ip_address_type}",
        "policy": "${var.endpoint_policy == null ? null : jsonencode(var.endpoint_policy)}",
    },
    ("resource", "aws_vpc_endpoint_private_dns", "lambda"): {
        "vpc_endpoint_id": "${aws_vpc_endpoint.lambda.id}",
        "private_dns_enabled": "${local.endpoint_private_dns}",
    },
    ("resource", "aws_security_group", "endpoint"): {"vpc_id": "${var.vpc_id}"},
    # IPv4 rules: none for an IPv6-only endpoint (its interfaces have no IPv4 address)
    ("resource", "aws_vpc_security_group_ingress_rule", "vpc"): {
        "count": '${var.create_security_group && var.ip_address_type != "ipv6" ? 1 : 0}',
        "cidr_ipv4": "${var.vpc_cidr}",
    },
    ("resource", "aws_vpc_security_group_ingress_rule", "vpc_extra"): {
        "for_each": '${toset(var.create_security_group && var.ip_address_type != "ipv6" '
        "? var.vpc_extra_cidrs : [])}",
        "cidr_ipv4": "${each.value}",
    },
    ("resource", "aws_vpc_security_group_ingress_rule", "vpc_ipv6_extra"): {
        "for_each": '${toset(var.create_security_group && var.ip_address_type != "ipv4" '
        "? var.vpc_ipv6_cidrs : [])}",
        "cidr_ipv6": "${each.value}",
    },
    ("data", "aws_network_interface", "endpoint"): {
        "count": "${length(var.subnet_ids)}",
    },
    ("data", "aws_vpc", "endpoint"): {"id": "${var.vpc_id}"},
    ("data", "aws_subnet", "endpoint"): {"id": "${var.subnet_ids[count.index]}"},
    # F1 by name from AWS: right in every partition and provider major.
    ("data", "aws_vpc_endpoint_service", "lambda"): {
        "service": "lambda",
        "service_type": "Interface",
    },
}
# Plan-time guards on the endpoint: (what the condition must mention, why).
REQUIRED_GUARDS = (
    ("enable_dns_hostnames", "private DNS needs enableDnsHostnames"),
    ("enable_dns_support", "private DNS needs enableDnsSupport"),
    ("limited_capacity_subnet_ids", "subnets in use1-az3 must fail plan"),
    ("unoffered_subnet_ids", "subnets in AZs the Lambda service does not offer must fail plan"),
    ("repeated_az_ids", "two subnets in one AZ must fail plan"),
    ("unknown_vpc_cidrs", "CIDRs that are not the VPC's must fail plan"),
    ("service_has_ipv6", "dualstack and ipv6 must fail plan where the service has no IPv6"),
    ("ipv4_only_subnet_ids", "dualstack and ipv6 must fail plan where subnets have no IPv6"),
    ("dual_stack_subnet_ids", "ipv6 must fail plan where subnets are not IPv6-only"),
)
# Lists of ids a caller may take from resources created in the same apply: unknown at plan,
# so count/for_each may use only their length (composability).
ID_LISTS = (
    "subnet_ids",
    "allowed_security_group_ids",
    "security_group_ids",
    "route_table_ids",
    "local_route_table_ids",
)


def parse_files(files: dict[str, str]) -> tuple[dict[str, dict[str, Any]], list[Finding]]:
    parsed: dict[str, dict[str, Any]] = {}
    findings = []
    for name, text in files.items():
        if not name.endswith(".tf"):
            continue
        try:
            parsed[name] = parse_hcl(text)
        except Exception as error:  # python-hcl2 raises lark errors of several kinds
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            findings.append(Finding("verify", name, f"does not parse as HCL: {first_line}"))
    return parsed, findings


def verify_module(answers: Answers, files: dict[str, str]) -> list[Finding]:
    """Every way the rendered files disagree with the answers or the provider schema."""
    return verify_plan(plan_module(answers), files)


def verify_plan(plan: ModulePlan, files: dict[str, str]) -> list[Finding]:
    """`verify_module` with the answers' plan already built."""
    answers = plan.answers
    parsed, findings = parse_files(files)
    moves = expected_moves(answers)
    module_files = [
        *MODULE_FILES,
        *([PEERING_FILE] if answers.peering or answers.uses_zone else []),
        *([RESOLVER_FILE] if answers.on_premises else []),
        *([MOVED_FILE] if moves else []),
    ]
    for name in (*module_files, EXAMPLE_FILE):
        if name not in files:
            findings.append(Finding("verify", name, "file is missing from the module"))
    if PEERING_FILE in files and not (answers.peering or answers.uses_zone):
        findings.append(Finding("verify", PEERING_FILE, "the answers have no peers and no zone"))
    if RESOLVER_FILE in files and not answers.on_premises:
        findings.append(Finding("verify", RESOLVER_FILE, "the answers have no on_premises"))
    if MOVED_FILE in files and not moves:
        findings.append(Finding("verify", MOVED_FILE, "no instance of the answers has moved"))
    if findings:
        return findings
    module = {
        "resource": [item for name in module_files for item in parsed[name].get("resource", [])],
        "data": [item for name in module_files for item in parsed[name].get("data", [])],
    }
    findings += check_module_wiring(module)
    findings += check_private_dns(answers, module, [parsed[name] for name in module_files])
    findings += check_plan_time_counts(parsed, module_files)
    if moves:
        findings += check_moves(parsed[MOVED_FILE], moves)
    # the resolver's group has rules of its own (DNS, not 443): checked by check_resolver
    findings += check_ingress_rules(
        {
            "resource": [
                i for n in module_files if n != RESOLVER_FILE for i in parsed[n].get("resource", [])
            ]
        }
    )
    findings += check_resolver(answers, parsed, module_files)
    findings += check_source_group_keys(answers, parsed[MAIN_FILE])
    findings += check_fixed_ips(answers, module, parsed[VERSIONS_FILE])
    findings += check_example(plan, parsed[EXAMPLE_FILE], parsed[VARIABLES_FILE])
    findings += check_peering(answers, plan.peering, parsed, module_files)
    findings += check_imports(answers, parsed[EXAMPLE_FILE], module)
    if answers.on_premises:
        call = labelled(parsed[EXAMPLE_FILE], "module").get(MODULE_CALL, {})
        findings += check_on_premises_call(answers, call, EXAMPLE_FILE)
    findings += check_schema(parsed, files)
    findings += skip_marker_findings(files, plan.skips)
    return findings


def argument_findings(label: str, body: dict[str, Any], expected: dict[str, Any]) -> list[Finding]:
    """One finding per argument of a main.tf block that is not the expected value."""
    return [
        Finding(
            "verify",
            MAIN_FILE,
            f"{label}.{argument} is {preview(body.get(argument))}, expected {preview(value)}",
        )
        for argument, value in expected.items()
        if body.get(argument) != value
    ]


def check_module_wiring(module: dict[str, Any]) -> list[Finding]:
    findings = []
    present = {
        (kind, t, n): body for kind in ("resource", "data") for t, n, body in blocks(module, kind)
    }
    for address, expected in EXPECTED_ARGUMENTS.items():
        label = (
            ".".join(address[1:]) if address[0] == "resource" else "data." + ".".join(address[1:])
        )
        body = present.get(address)
        if body is None:
            findings.append(Finding("verify", MAIN_FILE, f"{label} is missing"))
            continue
        findings += argument_findings(label, body, expected)
    endpoint = present.get(("resource", "aws_vpc_endpoint", "lambda"), {})
    dns_options = [
        {key: value for key, value in block.items() if key != "__is_block__"}
        for block in endpoint.get("dns_options", [])
    ]
    if dns_options != [{"dns_record_ip_type": "${var.ip_address_type}"}]:
        findings.append(
            Finding(
                "verify",
                MAIN_FILE,
                f"aws_vpc_endpoint.lambda.dns_options is {preview(dns_options)}: the DNS "
                "records must "
                "follow ip_address_type (dns_record_ip_type = var.ip_address_type)",
            )
        )
    conditions = " ".join(
        str(guard.get("condition", ""))
        for lifecycle in endpoint.get("lifecycle", [])
        for guard in lifecycle.get("precondition", [])
    )
    for needle, why in REQUIRED_GUARDS:
        if needle not in conditions:
            findings.append(
                Finding(
                    "verify", MAIN_FILE, f"aws_vpc_endpoint.lambda lacks the plan-time guard: {why}"
                )
            )
    return findings


def check_private_dns(
    answers: Answers, module: dict[str, Any], trees: list[dict[str, Any]]
) -> list[Finding]:
    """The endpoint's private DNS: as answered, off while a peer has dns (the private hosted
    zone answers the name in the VPC), and only ever switched by aws_vpc_endpoint_private_dns
    (the endpoint ignores the argument after creation, so no provider version replaces it)."""
    findings = []
    locals_ = {k: v for tree in trees for entry in tree.get("locals", []) for k, v in entry.items()}
    zone_serves_vpc = answers.uses_zone
    expected = False if zone_serves_vpc else "${var.private_dns_enabled}"
    if locals_.get("endpoint_private_dns", "<missing>") != expected:
        why = "a peer has dns: true" if zone_serves_vpc else "no peer has dns"
        findings.append(
            Finding(
                "verify",
                MAIN_FILE,
                f"local.endpoint_private_dns is {preview(locals_.get('endpoint_private_dns'))}, "
                f"expected {preview(expected)} ({why})",
            )
        )
    resources = {(kind, name): body for kind, name, body in blocks(module, "resource")}
    endpoint = resources.get(("aws_vpc_endpoint", "lambda"), {})
    ignored = [
        str(item)
        for lifecycle in endpoint.get("lifecycle", [])
        for item in lifecycle.get("ignore_changes", [])
    ]
    if not any("private_dns_enabled" in item for item in ignored):
        findings.append(
            Finding(
                "verify",
                MAIN_FILE,
                "aws_vpc_endpoint.lambda must ignore changes to private_dns_enabled: "
                "aws_vpc_endpoint_private_dns.lambda switches it in place",
            )
        )
    return findings


def check_plan_time_counts(parsed: dict[str, Any], module_files: list[str]) -> list[Finding]:
    """count and for_each use only what is known at plan when the caller creates the VPC,
    subnets, groups and route tables in the same apply: lengths of id lists and static keys,
    never ids themselves or data source attributes."""
    findings = []
    for file, kind in ((f, k) for f in module_files for k in ("resource", "data")):
        for block_type, name, body in blocks(parsed[file], kind):
            label = f"{'data.' if kind == 'data' else ''}{block_type}.{name}"
            for meta in ("count", "for_each"):
                if meta not in body:
                    continue
                expression = re.sub(r"length\([^()]*\)", "length()", str(body[meta]))
                unknown = [
                    needle
                    for needle in ("data.", *(f".{ids}" for ids in ID_LISTS))
                    if needle in expression
                ]
                if unknown:
                    findings.append(
                        Finding(
                            "verify",
                            file,
                            f"{label}.{meta} depends on {', '.join(unknown)}, which may be "
                            "unknown at plan when the ids come from the same apply: use "
                            "lengths or static keys",
                        )
                    )
    return findings


def check_ingress_rules(module: dict[str, Any]) -> list[Finding]:
    findings = []
    for block_type, name, body in blocks(module, "resource"):
        label = f"{block_type}.{name}"
        if block_type == "aws_vpc_security_group_egress_rule" or (
            block_type == "aws_security_group" and ("egress" in body or "ingress" in body)
        ):
            findings.append(
                Finding(
                    "verify",
                    MAIN_FILE,
                    f"{label}: the endpoint's group must have no egress rule and no inline rules",
                )
            )
        if block_type != "aws_vpc_security_group_ingress_rule":
            continue
        expected = {"ip_protocol": "tcp", "from_port": HTTPS_PORT, "to_port": HTTPS_PORT}
        findings += argument_findings(label, body, expected)
        if not body.get("description"):
            findings.append(Finding("verify", MAIN_FILE, f"{label} has no description"))
        for key in ("cidr_ipv4", "cidr_ipv6"):
            if body.get(key) in OPEN_CIDRS:
                findings.append(Finding("verify", MAIN_FILE, f"{label} is open to {body[key]}"))
    return findings


def check_example(
    plan: ModulePlan, example: dict[str, Any], variables: dict[str, Any]
) -> list[Finding]:
    answers = plan.answers
    findings = []
    default = [
        body
        for entry in example.get("provider", [])
        for name, body in entry.items()
        if name == "aws" and "alias" not in body
    ]
    region = literal_text(default[0].get("region")) if len(default) == 1 else None
    if region != answers.region:
        findings.append(
            Finding(
                "verify",
                EXAMPLE_FILE,
                f"provider aws region is {preview(region)}, the answers say "
                f"{preview(answers.region)}",
            )
        )
    call = labelled(example, "module").get(MODULE_CALL)
    if call is None:
        return [*findings, Finding("verify", EXAMPLE_FILE, f'module "{MODULE_CALL}" is missing')]
    if call.get("source") != "../":
        findings.append(Finding("verify", EXAMPLE_FILE, 'the module call must use source = "../"'))
    given = {
        key: literal_text(value)
        for key, value in call.items()
        if key not in ("source", "providers", BLOCK_MARK)
    }
    expected = plan.module_arguments
    policy = plan.policy_document
    if given.get("endpoint_policy") != policy:
        findings.append(
            Finding(
                "verify",
                EXAMPLE_FILE,
                "the endpoint policy decodes to "
                f"{preview(given.get('endpoint_policy'))}, the answers give {preview(policy)}",
            )
        )
    for key in sorted(set(given) | set(expected)):
        if key == "endpoint_policy":
            continue
        if key not in expected:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"module argument {key} is not produced from the answers",
                )
            )
        elif given.get(key) != expected[key]:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"module argument {key} is "
                    f"{preview(given.get(key))}, the answers say {preview(expected[key])}",
                )
            )
    declared = labelled(variables, "variable")
    for key in sorted(set(given) - set(declared)):
        findings.append(
            Finding(
                "verify", EXAMPLE_FILE, f"module argument {key} has no variable in variables.tf"
            )
        )
    for key, body in sorted(declared.items()):
        if "default" not in body and key not in given:
            findings.append(Finding("verify", EXAMPLE_FILE, f"required variable {key} is not set"))
    return findings


def check_schema(parsed: dict[str, dict[str, Any]], files: dict[str, str]) -> list[Finding]:
    """Each parsed file against the provider schemas."""
    return [finding for name in parsed for finding in _schema_findings(name, files[name])]


@lru_cache(maxsize=256)
def _schema_findings(name: str, text: str) -> tuple[Finding, ...]:
    # A file's schema findings depend on its name and text only, and most files are the same
    # in every module of a batch: each (name, text) is checked once (its parse is memoized).
    from generator.verify.schema import check_all_majors

    return tuple(
        Finding("schema", problem.file, f"{problem.address}: {problem.message}")
        for problem in check_all_majors(parse_hcl(text), name)
    )
