"""Verify, instance keys: the source-group rules are keyed by the answers' group ids, and
moved.tf moves exactly the instances tfgen 0.2 counted by position to their keys."""

from __future__ import annotations

from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import blocks
from generator.core.layout import MAIN_FILE, MOVED_FILE


def expected_moves(answers: Answers) -> set[tuple[str, str]]:
    """(from, to) of every moved block the answers need: tfgen 0.2 counted the rules from
    source groups and further IPv6 CIDRs and the peers' routes by position; they are keyed by
    the answers' ids and CIDRs now. Derived from the answers alone (not from the plan)."""
    pairs: list[tuple[str, int, str]] = []
    rule = "aws_vpc_security_group_ingress_rule"
    if answers.security_group.create:
        for index, group_id in enumerate(answers.security_group.allow_security_group_ids):
            pairs.append((f"{rule}.security_group", index, group_id))
        if answers.ip_address_type == "dualstack":
            pairs += [
                (f"{rule}.vpc_ipv6_extra", index, cidr)
                for index, cidr in enumerate(answers.vpc.ipv6_cidrs)
            ]
    vpc_ipv6 = ["ipv6-" + str(index) for index in range(1 + len(answers.vpc.ipv6_cidrs))]
    for peer in answers.peering:
        key = peer.name.replace("-", "_")
        local, remote = list(peer.local_route_table_ids or []), list(peer.route_table_ids)
        routes: list[tuple[str, list[str], list[str | None]]] = [
            (f"to_{key}", local, [None]),
            (f"to_{key}_extra", local, list(peer.extra_cidrs)),
            (f"from_{key}", remote, [None]),
            (f"from_{key}_extra", remote, list(answers.vpc.extra_cidrs)),
        ]
        if peer.ipv6_cidr:
            routes.append((f"to_{key}_ipv6", local, [None]))
            routes.append((f"from_{key}_ipv6", remote, list(vpc_ipv6)))
        for name, tables, destinations in routes:
            for table, table_id in enumerate(tables):
                for index, destination in enumerate(destinations):
                    pairs.append(
                        (
                            f"aws_route.{name}",
                            table * len(destinations) + index,
                            table_id if destination is None else f"{table_id} {destination}",
                        )
                    )
    return {
        (f"${{{address}[{index}]}}", f'${{{address}["{key}"]}}') for address, index, key in pairs
    }


def check_moves(parsed: dict[str, Any], expected: set[tuple[str, str]]) -> list[Finding]:
    found = {(str(m.get("from")), str(m.get("to"))) for m in parsed.get("moved", [])}
    findings = [
        Finding("verify", MOVED_FILE, f"moved block from {old} to {new} is missing")
        for old, new in sorted(expected - found)
    ]
    findings += [
        Finding("verify", MOVED_FILE, f"moved block from {old} to {new} is not in the answers")
        for old, new in sorted(found - expected)
    ]
    return findings


def check_source_group_keys(answers: Answers, main: dict[str, Any]) -> list[Finding]:
    """The source-group rules are keyed by the answers' group ids, in the answers' order (the
    values come from var.allowed_security_group_ids, position for position)."""
    rule = next(
        (
            body
            for block_type, name, body in blocks(main, "resource")
            if (block_type, name) == ("aws_vpc_security_group_ingress_rule", "security_group")
        ),
        {},
    )
    wanted_arguments = {
        "for_each": "${var.create_security_group ? local.allowed_security_groups : {}}",
        "referenced_security_group_id": "${each.value}",
    }
    findings = [
        Finding(
            "verify",
            MAIN_FILE,
            f"aws_vpc_security_group_ingress_rule.security_group.{argument} is "
            f"{preview(rule.get(argument))}, expected {preview(value)}",
        )
        for argument, value in wanted_arguments.items()
        if rule.get(argument) != value
    ]
    keys = [
        entry["allowed_security_group_keys"]
        for entry in main.get("locals", [])
        if "allowed_security_group_keys" in entry
    ]
    wanted = list(answers.security_group.allow_security_group_ids)
    if keys != [wanted]:
        findings += [
            Finding(
                "verify",
                MAIN_FILE,
                f"local.allowed_security_group_keys is {preview(keys[0] if keys else None)}, "
                f"expected the answers' security_group.allow_security_group_ids {preview(wanted)}",
            )
        ]
    return findings
