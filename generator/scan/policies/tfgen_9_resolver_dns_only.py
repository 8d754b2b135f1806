"""CKV_TFGEN_9: a Route 53 Resolver endpoint's security groups allow only DNS (TCP and UDP 53)
in, never from 0.0.0.0/0 or ::/0."""

from __future__ import annotations

import re
from typing import Any

import tfgen_lib as lib
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck

ID = "CKV_TFGEN_9"
NAME = (
    "Route 53 Resolver endpoint security groups allow only DNS (TCP and UDP 53) in, never from "
    "0.0.0.0/0 or ::/0"
)
GUIDELINE = (
    f"{ID}: a Resolver inbound endpoint answers DNS queries from the networks that forward to "
    "it (on premises, through VPN or Direct Connect): its security groups need TCP and UDP 53 "
    "in from those networks and nothing else (Route 53 Developer Guide, security groups for "
    "Resolver endpoints). Every ingress rule of every group of the endpoint (inline ingress "
    "blocks, aws_security_group_rule and aws_vpc_security_group_ingress_rule) must be TCP or "
    "UDP 53-53, never from 0.0.0.0/0 or ::/0: an open resolver answers anyone's queries about "
    "the VPC. Groups that exist outside the configuration cannot be read: the check is then "
    "UNKNOWN, not PASSED."
)
DNS_PORT = 53
OPEN = ("0.0.0.0/0", "::/0")
PROTOCOLS = ("tcp", "6", "udp", "17")
SG_REFERENCE = re.compile(r"(?<![\w.])aws_security_group\.([A-Za-z_][\w-]*)")


def rule_result(protocol: Any, from_port: Any, to_port: Any, sources: list[Any]):
    """One ingress rule: TCP or UDP 53 only, no open source."""
    if any(isinstance(s, str) and s.strip() in OPEN for s in sources):
        return lib.FAILED
    if any(isinstance(s, str) and lib.unresolved(s) and any(o in s for o in OPEN) for s in sources):
        return lib.FAILED
    values = [protocol, from_port, to_port]
    if any(v is lib.MISSING or (isinstance(v, str) and lib.unresolved(v)) for v in values):
        return lib.UNKNOWN
    if str(protocol).strip().lower() not in PROTOCOLS:
        return lib.FAILED
    if lib.as_int(from_port) != DNS_PORT or lib.as_int(to_port) != DNS_PORT:
        return lib.FAILED
    return lib.UNKNOWN if any(lib.unresolved(s) for s in sources) else lib.PASSED


def inline_rules(group: dict[str, Any], scope: lib.Scope) -> list[Any]:
    results = []
    for block in lib.as_list(group.get("ingress")):
        if not isinstance(block, dict):
            results.append(lib.UNKNOWN)
            continue
        sources = lib.as_list(scope.resolve(lib.first(block, "cidr_blocks", None))) + lib.as_list(
            scope.resolve(lib.first(block, "ipv6_cidr_blocks", None))
        )
        results.append(
            rule_result(
                scope.resolve(lib.first(block, "protocol")),
                scope.resolve(lib.first(block, "from_port")),
                scope.resolve(lib.first(block, "to_port")),
                sources,
            )
        )
    if "dynamic" in group:
        results.append(lib.UNKNOWN)
    return results


def separate_rules(name: str, scope: lib.Scope) -> list[Any]:
    results = []
    for kind in ("aws_vpc_security_group_ingress_rule", "aws_security_group_rule"):
        for node in scope.resources(kind):
            rule = lib.node_conf(node)
            target = lib.first(rule, "security_group_id", None)
            if not isinstance(target, str) or name not in SG_REFERENCE.findall(target):
                continue
            if kind == "aws_security_group_rule" and lib.first(rule, "type", None) != "ingress":
                continue
            if lib.active(rule) is False:
                continue
            if kind == "aws_vpc_security_group_ingress_rule":
                sources = [
                    scope.resolve(lib.first(rule, "cidr_ipv4", None)),
                    scope.resolve(lib.first(rule, "cidr_ipv6", None)),
                ]
                protocol = scope.resolve(lib.first(rule, "ip_protocol"))
            else:
                sources = lib.as_list(
                    scope.resolve(lib.first(rule, "cidr_blocks", None))
                ) + lib.as_list(scope.resolve(lib.first(rule, "ipv6_cidr_blocks", None)))
                protocol = scope.resolve(lib.first(rule, "protocol"))
            expanded: list[Any] = []
            for source in (s for s in sources if s is not None):
                candidates = scope.each_candidates(rule, source)
                expanded.extend([source] if candidates is None else candidates)
            results.append(
                rule_result(
                    protocol,
                    scope.resolve(lib.first(rule, "from_port", lib.MISSING)),
                    scope.resolve(lib.first(rule, "to_port", lib.MISSING)),
                    expanded,
                )
            )
    return results


class ResolverGroupsDnsOnly(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name=NAME,
            id=ID,
            categories=(lib.CATEGORY_NETWORKING,),
            supported_resources=("aws_route53_resolver_endpoint",),
            guideline=GUIDELINE,
        )

    def scan_resource_conf(self, conf: dict[str, list[Any]]):
        self.evaluated_keys = ["security_group_ids"]
        scope = lib.Scope.of(self, conf)
        if scope.me is None:
            return lib.UNKNOWN
        value = scope.resolve(lib.first(conf, "security_group_ids", None))
        texts = [item for item in lib.as_list(value) if item is not None]
        # a literal sg- id (a group made elsewhere) or no group at all: not all visible here
        complete = bool(texts) and all(isinstance(t, str) and lib.unresolved(t) for t in texts)
        names = {name for t in texts if isinstance(t, str) for name in SG_REFERENCE.findall(t)}
        results = []
        for group in scope.resources("aws_security_group"):
            name = lib.base_name(str(group.get("block_name_", "")))
            settings = lib.node_conf(group)
            if name not in names or lib.active(settings) is False:
                continue
            results += inline_rules(settings, scope)
            results += separate_rules(name, scope)
        verdict = lib.worst(results, empty=lib.PASSED)
        if verdict == lib.PASSED and not complete:
            return lib.UNKNOWN
        return verdict


check = ResolverGroupsDnsOnly()
