"""Verify on-premises resolution: the Route 53 Resolver inbound endpoint and its security group
say what the answers' `on_premises` section says. Direction INBOUND, one address per resolver
subnet of the answers, Do53 only, a group of its own with no egress and ingress only on TCP
and UDP 53 from exactly the answers' CIDRs, the plan-time guards, and the outputs that give
its addresses. The module folder's `resolver.tf` and the shared module's counted copy are
checked by the same expectations (the shared one on `var.on_premises`, no answers in it)."""

from __future__ import annotations

from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import BLOCK_MARK, blocks, labelled, literal_text
from generator.core.layout import EXAMPLE_FILE, MAIN_FILE, OUTPUTS_FILE, RESOLVER_FILE
from generator.plan.module_plan import MODULE_CALL

DNS_PORT = 53
OPEN_CIDRS = ("0.0.0.0/0", "::/0")
ENDPOINT = ("aws_route53_resolver_endpoint", "inbound")
GROUP = ("aws_security_group", "resolver")
RULES = {"resolver_dns_tcp": "tcp", "resolver_dns_udp": "udp"}
SUBNETS = ("aws_subnet", "resolver")
# What the conditions of the endpoint's preconditions must mention, and why.
REQUIRED_GUARDS = (
    ("resolver_foreign_subnet_ids", "resolver subnets outside the VPC must fail plan"),
    ("resolver_repeated_az_ids", "two resolver subnets in one AZ must fail plan"),
)
IP_ADDRESSES = (
    "${{for address in aws_route53_resolver_endpoint.inbound.ip_address : "
    "address.subnet_id => address.ip}}"
)
COUNTED_IP_ADDRESSES = (
    "${{for address in flatten([for endpoint in aws_route53_resolver_endpoint.inbound : "
    "tolist(endpoint.ip_address)]) : address.subnet_id => address.ip}}"
)


def expected_on_premises(answers: Answers) -> dict[str, Any]:
    """The module call's `on_premises` argument, from the answers alone ({}: none)."""
    section = answers.on_premises
    if section is None:
        return {}
    return {
        "on_premises": {
            "resolver_subnet_ids": [subnet.id for subnet in section.resolver_subnets],
            "cidrs": list(section.cidrs),
        }
    }


def _expected(counted: bool) -> dict[tuple[str, str, str], dict[str, Any]]:
    """Every resolver block and the arguments it must have (counted: the shared module's)."""
    index = "[0]" if counted else ""
    count = {"count": "${var.on_premises == null ? 0 : 1}"} if counted else {}
    group_id = f"${{aws_security_group.resolver{index}.id}}"
    expected: dict[tuple[str, str, str], dict[str, Any]] = {
        ("resource", *ENDPOINT): {
            **count,
            "direction": "INBOUND",
            "resolver_endpoint_type": "IPV4",
            "protocols": ["Do53"],
            "security_group_ids": [group_id],
            "ip_address": None,  # one per subnet, from the dynamic block only
        },
        ("resource", *GROUP): {**count, "vpc_id": "${var.vpc_id}", "ingress": None, "egress": None},
        ("data", *SUBNETS): {
            "count": "${length(local.resolver_subnet_ids)}",
            "id": "${local.resolver_subnet_ids[count.index]}",
        },
    }
    for name, protocol in RULES.items():
        expected[("resource", "aws_vpc_security_group_ingress_rule", name)] = {
            "for_each": "${toset(local.resolver_cidrs)}",
            "security_group_id": group_id,
            "ip_protocol": protocol,
            "from_port": DNS_PORT,
            "to_port": DNS_PORT,
            "cidr_ipv4": "${each.value}",
            "cidr_ipv6": None,
            "referenced_security_group_id": None,
            "prefix_list_id": None,
        }
    return expected


def check_resolver_blocks(
    module: dict[str, Any], locals_: dict[str, Any], file: str, *, counted: bool
) -> list[Finding]:
    """The resolver's blocks in `module` (every resource and data block of the module):
    present with the expected arguments, the guards, the locals that feed them, and no rule
    of any other kind on the resolver's group."""
    findings = []
    present = {
        (kind, t, n): body for kind in ("resource", "data") for t, n, body in blocks(module, kind)
    }
    for address, expected in _expected(counted).items():
        label = ("data." if address[0] == "data" else "") + ".".join(address[1:])
        body = present.get(address)
        if body is None:
            findings.append(Finding("verify", file, f"{label} is missing"))
            continue
        findings += [
            Finding(
                "verify",
                file,
                f"{label}.{key} is {preview(body.get(key))}, expected {preview(value)}",
            )
            for key, value in expected.items()
            if body.get(key) != value
        ]
    endpoint = present.get(("resource", *ENDPOINT), {})
    findings += _address_findings(endpoint, file)
    conditions = " ".join(
        str(guard.get("condition", ""))
        for lifecycle in endpoint.get("lifecycle", [])
        for guard in lifecycle.get("precondition", [])
    )
    findings += [
        Finding(
            "verify",
            file,
            f"aws_route53_resolver_endpoint.inbound lacks the plan-time guard: {why}",
        )
        for needle, why in REQUIRED_GUARDS
        if needle not in conditions
    ]
    source = (
        "${var.on_premises == null ? [] : var.on_premises.%s}"
        if counted
        else "${var.on_premises.%s}"
    )
    for local, attribute in (
        ("resolver_subnet_ids", "resolver_subnet_ids"),
        ("resolver_cidrs", "cidrs"),
    ):
        if locals_.get(local) != source % attribute:
            findings.append(
                Finding(
                    "verify",
                    file,
                    f"local.{local} is {preview(locals_.get(local))}, "
                    f"expected {preview(source % attribute)}",
                )
            )
    findings += _stray_rules(module, file)
    return findings


def _address_findings(endpoint: dict[str, Any], file: str) -> list[Finding]:
    """One ip_address per resolver subnet, from a dynamic block over the subnets."""
    dynamic = [
        literal_text(body)
        for entry in endpoint.get("dynamic", [])
        for name, body in entry.items()
        if name == "ip_address"
    ]
    expected = [
        {
            "for_each": "${local.resolver_subnet_ids}",
            "content": [{"subnet_id": "${ip_address.value}"}],
        }
    ]
    if dynamic != expected:
        return [
            Finding(
                "verify",
                file,
                "aws_route53_resolver_endpoint.inbound's dynamic ip_address is "
                f"{preview(dynamic)}, "
                "expected one address per resolver subnet (for_each = local.resolver_subnet_ids, "
                "subnet_id = ip_address.value)",
            )
        ]
    return []


def _stray_rules(module: dict[str, Any], file: str) -> list[Finding]:
    """Rules on the resolver's group other than its two, and resolver rules on another group."""
    findings = []
    for block_type, name, body in blocks(module, "resource"):
        target = str(body.get("security_group_id", ""))
        on_resolver = "aws_security_group.resolver" in target
        label = f"{block_type}.{name}"
        if block_type == "aws_vpc_security_group_egress_rule" and on_resolver:
            findings.append(
                Finding("verify", file, f"{label}: the resolver's group must have no egress rule")
            )
        elif block_type == "aws_security_group_rule" and on_resolver:
            findings.append(
                Finding("verify", file, f"{label}: the resolver's group takes only its own rules")
            )
        elif (
            block_type == "aws_vpc_security_group_ingress_rule"
            and on_resolver
            and name not in RULES
        ):
            findings.append(
                Finding(
                    "verify",
                    file,
                    f"{label}: the resolver's group allows only TCP and UDP 53 from the "
                    "on-premises CIDRs",
                )
            )
        for key in ("cidr_ipv4", "cidr_ipv6"):
            if on_resolver and body.get(key) in OPEN_CIDRS:
                findings.append(Finding("verify", file, f"{label} is open to {body[key]}"))
    return findings


def check_resolver_outputs(outputs: dict[str, Any], file: str, *, counted: bool) -> list[Finding]:
    """The endpoint's id and its addresses by subnet (the forwarders' targets)."""
    expected = {
        "resolver_endpoint_id": (
            "${one(aws_route53_resolver_endpoint.inbound[*].id)}"
            if counted
            else "${aws_route53_resolver_endpoint.inbound.id}"
        ),
        "resolver_ip_addresses": COUNTED_IP_ADDRESSES if counted else IP_ADDRESSES,
    }
    declared = labelled(outputs, "output")
    return [
        Finding("verify", file, f"output {name} is {preview(given)}, expected {preview(value)}")
        for name, value in expected.items()
        if (given := declared.get(name, {}).get("value")) != value
    ]


def check_resolver(
    answers: Answers, parsed: dict[str, dict[str, Any]], module_files: list[str]
) -> list[Finding]:
    """A module folder: resolver.tf exactly when the answers have on_premises, its blocks, its
    outputs, and the example's call with exactly the answers' subnets and CIDRs."""
    if answers.on_premises is None:
        present = {
            f"{t}.{n}"
            for name in module_files
            for kind in ("resource", "data")
            for t, n, _ in blocks(parsed[name], kind)
            if (t, n) in (ENDPOINT, GROUP, SUBNETS)
        }
        return [
            Finding("verify", MAIN_FILE, f"{address} is there, and the answers have no on_premises")
            for address in sorted(present)
        ]
    resolver = parsed[RESOLVER_FILE]
    module = {
        "resource": [item for name in module_files for item in parsed[name].get("resource", [])],
        "data": [item for name in module_files for item in parsed[name].get("data", [])],
    }
    own = {(t, n) for kind in ("resource", "data") for t, n, _ in blocks(resolver, kind)}
    expected = {(t, n) for _, t, n in _expected(counted=False)}
    findings = [
        Finding("verify", RESOLVER_FILE, f"{t}.{n} is not one of the resolver's blocks")
        for t, n in sorted(own - expected)
    ]
    locals_ = {
        k: v for entry in resolver.get("locals", []) for k, v in entry.items() if k != BLOCK_MARK
    }
    findings += check_resolver_blocks(module, locals_, RESOLVER_FILE, counted=False)
    if not answers.uses_zone and "${var.private_dns_enabled}" not in _conditions(resolver):
        findings.append(
            Finding(
                "verify",
                RESOLVER_FILE,
                "aws_route53_resolver_endpoint.inbound lacks the plan-time guard: on-premises "
                "resolution needs the endpoint's private DNS (no zone serves the VPC)",
            )
        )
    findings += check_resolver_outputs(parsed[OUTPUTS_FILE], OUTPUTS_FILE, counted=False)
    findings += check_root_outputs(parsed[EXAMPLE_FILE], EXAMPLE_FILE)
    return findings


def check_on_premises_call(answers: Answers, call: dict[str, Any], file: str) -> list[Finding]:
    """The module call passes exactly the answers' resolver subnets and CIDRs, none open."""
    given = literal_text(call.get("on_premises"))
    expected = expected_on_premises(answers).get("on_premises")
    findings = []
    if given != expected:
        findings.append(
            Finding(
                "verify",
                file,
                f"module argument on_premises is {preview(given)}, the answers' on_premises say "
                f"{preview(expected)}",
            )
        )
    cidrs = given.get("cidrs") if isinstance(given, dict) else None
    for cidr in cidrs if isinstance(cidrs, list) else []:
        if cidr in OPEN_CIDRS or (isinstance(cidr, str) and cidr.endswith("/0")):
            findings.append(
                Finding("verify", file, f"on_premises.cidrs holds {cidr}: DNS open to everyone")
            )
    return findings


def check_root_outputs(outputs: dict[str, Any], file: str) -> list[Finding]:
    """A root (example or deployment) passes the resolver's id and addresses on."""
    declared = labelled(outputs, "output")
    return [
        Finding("verify", file, f"output {name} must be module.{MODULE_CALL}.{name}")
        for name in ("resolver_endpoint_id", "resolver_ip_addresses")
        if declared.get(name, {}).get("value") != f"${{module.{MODULE_CALL}.{name}}}"
    ]


def check_shared_resolver(
    module: dict[str, Any], parsed: dict[str, dict[str, Any]]
) -> list[Finding]:
    """The shared module: the resolver's blocks counted on var.on_premises (no answers in
    them), with the guard that private DNS or the zone answers, and the outputs."""
    if RESOLVER_FILE not in parsed:
        return [Finding("verify", RESOLVER_FILE, "file is missing from the shared module")]
    resolver = parsed[RESOLVER_FILE]
    locals_ = {
        k: v for entry in resolver.get("locals", []) for k, v in entry.items() if k != BLOCK_MARK
    }
    findings = check_resolver_blocks(module, locals_, RESOLVER_FILE, counted=True)
    if "${var.private_dns_enabled || var.private_hosted_zone}" not in _conditions(resolver):
        findings.append(
            Finding(
                "verify",
                RESOLVER_FILE,
                "aws_route53_resolver_endpoint.inbound lacks the plan-time guard: on-premises "
                "resolution needs private DNS or the private hosted zone",
            )
        )
    findings += check_resolver_outputs(parsed.get(OUTPUTS_FILE, {}), OUTPUTS_FILE, counted=True)
    return findings


def _conditions(resolver: dict[str, Any]) -> list[str]:
    """The conditions of the endpoint's preconditions in the resolver's file."""
    endpoint = next((body for t, n, body in blocks(resolver, "resource") if (t, n) == ENDPOINT), {})
    return [
        str(guard.get("condition", ""))
        for lifecycle in endpoint.get("lifecycle", [])
        for guard in lifecycle.get("precondition", [])
    ]
