"""The endpoint's security groups read from AWS -> the answers' `security_group:` section.

A group is taken over (the module manages it, import blocks adopt it and its rules) only when
it is what the module's own group would be: TCP 443 ingress from IPv4 CIDRs or groups of the
same account, nothing attached to it but the endpoint, and no egress beyond AWS's default
allow-all rule. Every other group stays attached as it is (`existing_ids`), with the reason."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.adopt.ec2 import Snapshot

HTTPS = 443
DEFAULT_EGRESS = {"0.0.0.0/0", "::/0"}


def _source(rule: dict[str, Any]) -> str:
    if rule.get("CidrIpv4"):
        return rule["CidrIpv4"]
    if rule.get("CidrIpv6"):
        return rule["CidrIpv6"]
    if rule.get("PrefixListId"):
        return rule["PrefixListId"]
    return (rule.get("ReferencedGroupInfo") or {}).get("GroupId", "?")


def _ports(rule: dict[str, Any]) -> str:
    protocol = rule.get("IpProtocol")
    if protocol == "-1":
        return "all traffic"
    return f"{protocol} {rule.get('FromPort')}-{rule.get('ToPort')}"


def ingress_problem(rule: dict[str, Any], owner: str | None) -> str | None:
    """Why the module could not hold this ingress rule, or None."""
    where = f"rule {rule.get('SecurityGroupRuleId')} allows {_ports(rule)} from {_source(rule)}"
    if (rule.get("IpProtocol"), rule.get("FromPort"), rule.get("ToPort")) != ("tcp", HTTPS, HTTPS):
        return f"{where}: the module's group holds only TCP 443"
    if rule.get("CidrIpv4"):
        network = ipaddress.IPv4Network(rule["CidrIpv4"], strict=False)
        if network.prefixlen == 0 or str(network) != rule["CidrIpv4"]:
            return f"{where}: the module refuses /0 and CIDRs with host bits"
        return None
    referenced = rule.get("ReferencedGroupInfo") or {}
    if referenced.get("GroupId") and not referenced.get("VpcPeeringConnectionId"):
        if owner and referenced.get("UserId") not in (None, owner):
            return f"{where}: a group of account {referenced.get('UserId')}"
        return None
    return f"{where}: the module's rules take IPv4 CIDRs and security groups only"


def egress_problem(rule: dict[str, Any]) -> str | None:
    if rule.get("IpProtocol") == "-1" and _source(rule) in DEFAULT_EGRESS:
        return None
    return (
        f"egress rule {rule.get('SecurityGroupRuleId')} allows {_ports(rule)} to "
        f"{_source(rule)}: the module's group has no egress rules"
    )


def takeover_problems(
    group: dict[str, Any], rules: list[dict[str, Any]], snapshot: Snapshot
) -> list[str]:
    problems = []
    if group.get("GroupName") == "default":
        problems.append("it is the VPC's default group")
    owner = group.get("OwnerId")
    for rule in rules:
        problem = egress_problem(rule) if rule.get("IsEgress") else ingress_problem(rule, owner)
        if problem:
            problems.append(problem)
    endpoint_interfaces = set(snapshot.endpoint.get("NetworkInterfaceIds") or [])
    for interface in snapshot.interfaces:
        uses = {g.get("GroupId") for g in interface.get("Groups") or []}
        if group["GroupId"] in uses and interface["NetworkInterfaceId"] not in endpoint_interfaces:
            what = interface.get("Description") or interface.get("InterfaceType") or "?"
            problems.append(
                f"network interface {interface['NetworkInterfaceId']} ({what}) uses it too"
            )
    return problems


def group_answers(
    snapshot: Snapshot, vpc_cidr: str
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(security_group section, the import: ids of a taken-over group, warnings)."""
    by_id = {group["GroupId"]: group for group in snapshot.groups}
    order = [g["GroupId"] for g in snapshot.endpoint.get("Groups") or [] if g["GroupId"] in by_id]
    warnings: list[str] = []
    taken: dict[str, Any] | None = None
    existing: list[str] = []
    for group_id in order:
        group = by_id[group_id]
        rules = [r for r in snapshot.rules if r.get("GroupId") == group_id]
        problems = takeover_problems(group, rules, snapshot)
        if taken is None and not problems:
            taken = {"group": group, "rules": rules}
            continue
        existing.append(group_id)
        why = "; ".join(problems) if problems else "the module takes over one group only"
        warnings.append(
            f"security_group: {group_id} ({group.get('GroupName')}) stays attached as it is "
            f"(existing_ids), not managed by the module: {why}"
        )
    if taken is None:
        return {"create": False, "existing_ids": existing}, {}, warnings
    group, rules = taken["group"], taken["rules"]
    ingress = sorted((r for r in rules if not r.get("IsEgress")), key=_source)
    cidrs = [_source(r) for r in ingress if r.get("CidrIpv4") and r["CidrIpv4"] != vpc_cidr]
    groups = [_source(r) for r in ingress if not r.get("CidrIpv4")]
    if vpc_cidr not in {r.get("CidrIpv4") for r in ingress}:
        warnings.append(
            f"security_group: {group['GroupId']} does not allow 443 from the VPC CIDR "
            f"{vpc_cidr}; the module's group always does, so the first apply adds that rule"
        )
    if any(r.get("IsEgress") for r in rules):
        warnings.append(
            f"security_group: {group['GroupId']} keeps AWS's default allow-all egress rule; "
            "Terraform will not manage it (groups the module creates have none)"
        )
    section = {
        "create": True,
        "name": group["GroupName"],
        "description": group.get("Description") or None,
        "allow_cidrs": cidrs,
        "allow_security_group_ids": groups,
        "existing_ids": existing,
    }
    imported = {
        "security_group_id": group["GroupId"],
        "security_group_rules": [
            {"id": r["SecurityGroupRuleId"], "source": _source(r)} for r in ingress
        ],
    }
    return section, imported, warnings
