"""CKV_TFGEN_5: the endpoint's security groups allow only TCP 443 in, never from 0.0.0.0/0 or
::/0."""

from __future__ import annotations

import re
from typing import Any

import tfgen_lib as lib

ID = "CKV_TFGEN_5"
NAME = "Lambda endpoint security groups allow only TCP 443 in, never from 0.0.0.0/0 or ::/0"
GUIDELINE = (
    f"{ID}: the endpoint's network interfaces only need HTTPS (TCP 443) from the clients that "
    f"call Lambda ({lib.GUIDE}). Every ingress rule of every security group of the endpoint "
    "(inline ingress blocks, aws_security_group_rule and aws_vpc_security_group_ingress_rule)"
    " must be TCP 443-443 from the VPC, peer CIDRs, prefix lists or source groups, never from"
    " 0.0.0.0/0 or ::/0. Groups that exist outside the configuration cannot be read: the "
    "check is then UNKNOWN, not PASSED."
)
OPEN = ("0.0.0.0/0", "::/0")
SG_REFERENCE = re.compile(r"(?<![\w.])aws_security_group\.([A-Za-z_][\w-]*)")


def looks_open(value: Any) -> bool:
    return any(isinstance(v, str) and any(o in v for o in OPEN) for v in lib.as_list(value))


def rule_result(protocol: Any, from_port: Any, to_port: Any, sources: list[Any]):
    """One ingress rule: TCP 443 only, no open source."""
    if any(isinstance(s, str) and s.strip() in OPEN for s in sources) or any(
        lib.unresolved(s) and looks_open(s) for s in sources
    ):
        return lib.FAILED
    values = [protocol, from_port, to_port]
    if any(v is lib.MISSING for v in values):
        return lib.UNKNOWN
    if any(isinstance(v, str) and lib.unresolved(v) for v in values):
        return lib.UNKNOWN
    protocol = str(protocol).strip().lower()
    if protocol not in ("tcp", "6"):
        return lib.FAILED
    if lib.as_int(from_port) != 443 or lib.as_int(to_port) != 443:
        return lib.FAILED
    return lib.UNKNOWN if any(lib.unresolved(s) for s in sources) else lib.PASSED


def expand_each(
    rule: dict[str, Any], sources: list[Any], scope: lib.Scope
) -> tuple[list[Any], bool]:
    """A source that is `each.value...` of a for_each checkov did not expand (a map of peers):
    every string its for_each holds instead, when it is static; and whether that was done
    (then the sources cover every instance the for_each can make, however many there are)."""
    expanded: list[Any] = []
    every_instance = False
    for source in sources:
        candidates = scope.each_candidates(rule, source)
        every_instance = every_instance or candidates is not None
        expanded.extend([source] if candidates is None else candidates)
    return expanded, every_instance


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
                if lib.unresolved(lib.first(rule, "type", "")):
                    results.append(lib.UNKNOWN)
                continue
            is_active = lib.active(rule)
            if is_active is False:
                continue
            if kind == "aws_vpc_security_group_ingress_rule":
                sources = [
                    scope.resolve(lib.first(rule, "cidr_ipv4", None)),
                    scope.resolve(lib.first(rule, "cidr_ipv6", None)),
                ]
                protocol = scope.resolve(lib.first(rule, "ip_protocol"))
                if str(protocol).strip() in ("-1", "all"):
                    results.append(lib.FAILED)
                    continue
            else:
                sources = lib.as_list(
                    scope.resolve(lib.first(rule, "cidr_blocks", None))
                ) + lib.as_list(scope.resolve(lib.first(rule, "ipv6_cidr_blocks", None)))
                protocol = scope.resolve(lib.first(rule, "protocol"))
            sources, every_instance = expand_each(
                rule, [s for s in sources if s is not None], scope
            )
            result = rule_result(
                protocol,
                scope.resolve(lib.first(rule, "from_port", lib.MISSING)),
                scope.resolve(lib.first(rule, "to_port", lib.MISSING)),
                sources,
            )
            unsure = is_active is None and not every_instance
            results.append(lib.UNKNOWN if unsure and result == lib.PASSED else result)
    return results


def groups_of(conf: dict[str, Any], scope: lib.Scope) -> tuple[list[dict[str, Any]], bool]:
    """The security group resources of the endpoint, and whether every group is one of them
    (False when some group exists outside the configuration or cannot be told)."""
    complete = True
    texts: list[str] = []
    value = lib.first(conf, "security_group_ids", None)
    pending = [value]
    for association in scope.resources("aws_vpc_endpoint_security_group_association"):
        settings = lib.node_conf(association)
        mine = scope.refers_to_me(lib.first(settings, "vpc_endpoint_id", None))
        if mine and lib.active(settings) is not False:
            pending.append(lib.first(settings, "security_group_id", None))
    if value is None:
        complete = False  # no groups named: the VPC's default group, not visible here
    seen = 0
    while pending and seen < 50:
        seen += 1
        item = pending.pop()
        if item is None or item is lib.MISSING:
            continue
        if isinstance(item, (list, tuple, set)):
            pending.extend(item)
            continue
        if not isinstance(item, str):
            complete = False
            continue
        if not lib.unresolved(item):
            complete = False  # a literal sg- id: a group made elsewhere
            continue
        texts.append(item)
        for kind, name in re.findall(r"(?<![\w.])(var|local)\.([A-Za-z_][\w-]*)", item):
            resolved = scope.resolve(f"{kind}.{name}")
            if isinstance(resolved, str) and resolved == f"{kind}.{name}":
                complete = False  # not static
            else:
                pending.append(resolved)
        stripped = lib.strip_interpolation(item)
        leftover = re.sub(
            r"(?<![\w.])(?:var|local)\.[A-Za-z_][\w-]*|aws_security_group\.[A-Za-z_][\w-]*"
            r"(?:\[[^\]]*\])?(?:\.id)?|concat|compact|flatten|tolist|toset|[\s(),\[\]]",
            "",
            stripped,
        )
        if leftover:
            complete = False  # another kind of reference (data source, module output, ...)
    names = {name for text in texts for name in SG_REFERENCE.findall(text)}
    groups = [
        node
        for node in scope.resources("aws_security_group")
        if lib.base_name(str(node.get("block_name_", ""))) in names
    ]
    return groups, complete


class SecurityGroupsHttpsOnly(lib.LambdaEndpointCheck):
    def scan_lambda_endpoint(self, conf: dict[str, Any], scope: lib.Scope):
        self.evaluated_keys = ["security_group_ids"]
        if scope.me is None:
            return lib.UNKNOWN
        groups, complete = groups_of(conf, scope)
        results = []
        for group in groups:
            settings = lib.node_conf(group)
            is_active = lib.active(settings)
            if is_active is False:
                continue
            results += inline_rules(settings, scope)
            results += separate_rules(lib.base_name(str(group.get("block_name_", ""))), scope)
        verdict = lib.worst(results, empty=lib.PASSED)
        if verdict == lib.PASSED and not complete:
            return lib.UNKNOWN
        return verdict


check = SecurityGroupsHttpsOnly(NAME, ID, GUIDELINE, (lib.CATEGORY_NETWORKING,))
