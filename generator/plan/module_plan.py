"""answers -> ModulePlan: everything the module says, decided once before any text is written.

The endpoint policy document, the peering and DNS plan, the example's module arguments and the
warnings are computed here from the checked answers; render turns the plan into text, verify
checks the parsed text against the answers and this plan, and the README's words read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.answers import network
from generator.answers.model import Answers
from generator.answers.policy import endpoint_policy_document
from generator.answers.rules import warnings
from generator.core.errors import Problem
from generator.plan.imports import ImportTarget, import_targets
from generator.plan.peering import PeeringPlan, peering_plan, peers_argument
from generator.plan.statements import StatementPlan, statement_plans

# The example caller of the module (examples/-style) and the name of its module call.
MODULE_CALL = "lambda_endpoint"


@dataclass(frozen=True)
class ModulePlan:
    """The decisions behind one module. `policy_document` None = AWS's full-access policy."""

    answers: Answers
    policy_document: dict[str, Any] | None
    peering: PeeringPlan
    module_arguments: dict[str, Any]
    warnings: tuple[Problem, ...]
    statements: tuple[StatementPlan, ...] = ()  # the policy as the README states it
    imports: tuple[ImportTarget, ...] = ()  # the example root's import blocks
    moves: tuple[dict[str, Any], ...] = ()  # moved.tf: instances whose address changed
    # The answers file the module is rendered from, relative to the module folder (posix), when
    # rendered from a file: the one source users edit; the module's copy is its record.
    source: str | None = None
    # The pack's checks the answers deliberately fail, (id, reason): the only checkov skips a
    # generated file may carry (on the endpoint, or on the deployment's module call).
    skips: tuple[tuple[str, str], ...] = ()


def module_arguments(
    answers: Answers, policy_document: dict[str, Any] | None, peering: PeeringPlan
) -> dict[str, Any]:
    """The example's call of the module: every answer as a module input, in variables.tf order."""
    group = answers.security_group
    return {
        "name": answers.name,
        "vpc_id": answers.vpc.id,
        "vpc_cidr": answers.vpc.cidr,
        "vpc_extra_cidrs": list(answers.vpc.extra_cidrs),
        "subnet_ids": [subnet.id for subnet in answers.subnets],
        **({"subnet_ip_addresses": fixed} if (fixed := subnet_ip_addresses(answers)) else {}),
        "private_dns_enabled": answers.private_dns,
        "ip_address_type": answers.ip_address_type,
        "vpc_ipv6_cidrs": list(answers.vpc.ipv6_cidrs),
        "create_security_group": group.create,
        "allowed_cidr_blocks": network.allowed_cidr_blocks(answers),
        "allowed_security_group_ids": list(group.allow_security_group_ids),
        "security_group_ids": list(group.existing_ids),
        **({"security_group_name": group.name} if group.name is not None else {}),
        **(
            {"security_group_description": group.description}
            if group.description is not None
            else {}
        ),
        "endpoint_policy": policy_document,
        **({"peers": peers_argument(peering)} if peering else {}),
        **on_premises_argument(answers),
        "tags": dict(answers.tags),
    }


def subnet_ip_addresses(answers: Answers) -> dict[str, dict[str, str]]:
    """The fixed endpoint addresses by subnet id ({} when the answers fix none)."""
    return {
        subnet.id: {
            **({"ipv4": subnet.ipv4} if subnet.ipv4 is not None else {}),
            **({"ipv6": subnet.ipv6} if subnet.ipv6 is not None else {}),
        }
        for subnet in answers.subnets
        if subnet.ipv4 is not None or subnet.ipv6 is not None
    }


def aws_provider_floor(answers: Answers) -> str:
    """The module layout's AWS provider floor: the release that introduced the newest thing
    these answers make the module use (per feature, so that answers without it keep 5.52):
    aws_vpc_endpoint_private_dns in 5.52, subnet_configuration (fixed addresses) in 5.54."""
    return "5.54" if subnet_ip_addresses(answers) else "5.52"


def on_premises_argument(answers: Answers) -> dict[str, Any]:
    """The module's `on_premises` input: the resolver's subnets and the on-premises CIDRs
    ({} without the section: no argument, and no variable, at all)."""
    section = answers.on_premises
    if section is None:
        return {}
    subnet_ids = [subnet.id for subnet in section.resolver_subnets]
    return {"on_premises": {"resolver_subnet_ids": subnet_ids, "cidrs": list(section.cidrs)}}


def plan_module(answers: Answers, source: str | None = None) -> ModulePlan:
    """The plan of the module for checked answers (see load.py); `source`: the answers file,
    relative to the module folder."""
    policy = endpoint_policy_document(answers)
    peering = peering_plan(answers)
    return ModulePlan(
        answers=answers,
        policy_document=policy,
        peering=peering,
        module_arguments=module_arguments(answers, policy, peering),
        warnings=tuple(warnings(answers)),
        statements=statement_plans(answers),
        imports=tuple(import_targets(answers)),
        moves=tuple(moved_instances(answers, peering)),
        source=source,
        skips=checkov_skips(answers, peering),
    )


def checkov_skips(answers: Answers, peering: PeeringPlan) -> tuple[tuple[str, str], ...]:
    """The pack's checks that the answers deliberately fail, with the reason."""
    skips = []
    if answers.policy.full_access:
        skips.append(
            (
                "CKV_TFGEN_1",
                "policy.full_access is true in the answers, an explicit choice of AWS's "
                "full-access default policy",
            )
        )
    if not answers.private_dns and peering.dns is None:
        skips.append(
            (
                "CKV_TFGEN_4",
                "private_dns is false in the answers: clients use the endpoint-specific DNS names",
            )
        )
    if len(answers.subnets) == 1:
        skips.append(
            (
                "CKV_TFGEN_6",
                f"the answers list one subnet, {answers.subnets[0].id}: no AZ redundancy, a "
                "choice the README warns about",
            )
        )
    return tuple(skips)


def moved_instances(answers: Answers, peering: PeeringPlan) -> list[dict[str, Any]]:
    """Instances 0.2 counted by position, keyed by an id or CIDR of the answers now (removing
    one entry deletes only its instances): one move each, from the position to the key.
    (0.1 keyed the rules and the plain routes by the same ids: its addresses need no move.)"""
    moves: list[dict[str, Any]] = []

    def move(resource: str, index: int, key: str) -> None:
        moves.append({"resource": resource, "index": index, "key": key})

    rule = "aws_vpc_security_group_ingress_rule"
    if answers.security_group.create:
        for index, group_id in enumerate(answers.security_group.allow_security_group_ids):
            move(f"{rule}.security_group", index, group_id)
        if answers.ip_address_type == "dualstack":
            for index, cidr in enumerate(answers.vpc.ipv6_cidrs):
                move(f"{rule}.vpc_ipv6_extra", index, cidr)
    secondary = list(answers.vpc.extra_cidrs)
    vpc_ipv6_count = 1 + len(answers.vpc.ipv6_cidrs)
    for peer in peering.peers:
        local_tables = list(peer.local_route_table_ids or ())
        extras = list(peer.extra_cidrs)
        for table, table_id in enumerate(local_tables):
            move(f"aws_route.to_{peer.key}", table, table_id)
            for index, cidr in enumerate(extras):
                move(
                    f"aws_route.to_{peer.key}_extra",
                    table * len(extras) + index,
                    f"{table_id} {cidr}",
                )
            if peer.ipv6_cidr:
                move(f"aws_route.to_{peer.key}_ipv6", table, table_id)
        for table, table_id in enumerate(peer.route_table_ids):
            move(f"aws_route.from_{peer.key}", table, table_id)
            for index, cidr in enumerate(secondary):
                move(
                    f"aws_route.from_{peer.key}_extra",
                    table * len(secondary) + index,
                    f"{table_id} {cidr}",
                )
            if peer.ipv6_cidr:
                for index in range(vpc_ipv6_count):
                    move(
                        f"aws_route.from_{peer.key}_ipv6",
                        table * vpc_ipv6_count + index,
                        f"{table_id} ipv6-{index}",
                    )
    return moves
