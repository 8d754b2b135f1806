"""From a module-layout module (its code copied into the module folder, deployed through its
example/ root; tfgen 0.2, or 0.3's module layout) to a deployment root that calls the shared
module: the moved blocks.

Resource addresses are a contract with deployed state. In the module layout each peer has
resources of its own name (`aws_route.to_<peer>[i]`, counted by position in 0.2, keyed by the
answers' table ids in 0.3: both are moved, chained); the shared module keys them by peer
name in one for_each, and a peer's side lives in modules/peer (called by the shared module for
peers of its own provider, by the root for the others). Every instance a 0.2 module can hold
is listed here with its new address, so that `terraform plan` over the deployed state shows
moves and in-place updates only. Moves from the root into a local-path module are allowed;
into a git-sourced one they are not (Terraform keeps moves within one module package), so a
migration renders the local path.
"""

from __future__ import annotations

from generator.core.errors import Problem
from generator.core.hcl import hcl_literal
from generator.plan.module_plan import MODULE_CALL, ModulePlan
from generator.plan.peering import Peer

M = f"module.{MODULE_CALL}"


def _key(text: str) -> str:
    return f"[{hcl_literal(text)}]"


def peer_side(peer: Peer) -> str:
    """The module instance that holds a peer's side in the deployment layout."""
    return f"module.peer_{peer.key}" if peer.alias else f"{M}.module.peer{_key(peer.name)}"


def migration_warnings(plan: ModulePlan) -> list[Problem]:
    """What a migration cannot move: routes in the endpoint subnets' tables that the answers
    leave out (read at plan, so no id to key them by here) are deleted and made again."""
    return [
        Problem(
            f"peering[{index}].local_route_table_ids",
            f"left out: peer {peer.name}'s routes in the endpoint subnets' route tables have no "
            "id at render, so the migration cannot move them: the plan deletes and re-creates "
            "them (a short loss of the endpoint's replies to the peer, and AWS may refuse a "
            "route that still exists); list the tables in the answers, re-render the 0.2 "
            "module and apply, then migrate",
        )
        for index, peer in enumerate(plan.peering.peers)
        if peer.local_route_table_ids is None
    ]


def migration_moves(plan: ModulePlan) -> tuple[tuple[str, str], ...]:
    """(from, to) for every resource instance of the 0.2 module whose address changes."""
    answers = plan.answers
    # 0.2 counted some instances by position, 0.3's module layout keys them by id (its
    # moved.tf): chained here, so that a state of either version lands on the shared module
    # (0.1 keyed them by the same ids as 0.3)
    moves: list[tuple[str, str]] = [
        (
            f"{M}.{move['resource']}[{move['index']}]",
            f"{M}.{move['resource']}{_key(move['key'])}",
        )
        for move in plan.moves
    ]
    # source groups: keyed by id in the module layout and in the shared module's source_group
    if answers.security_group.create:
        for group_id in answers.security_group.allow_security_group_ids:
            moves.append(
                (
                    f"{M}.aws_vpc_security_group_ingress_rule.security_group{_key(group_id)}",
                    f"{M}.aws_vpc_security_group_ingress_rule.source_group{_key(group_id)}",
                )
            )
    if plan.peering.dns is not None:
        moves.append((f"{M}.aws_route53_zone.lambda", f"{M}.aws_route53_zone.lambda[0]"))
    if answers.on_premises is not None:
        # resolver.tf's two single resources are counted on var.on_premises in the shared
        # module (its rules are keyed by CIDR in both)
        for resource in ("aws_route53_resolver_endpoint.inbound", "aws_security_group.resolver"):
            moves.append((f"{M}.{resource}", f"{M}.{resource}[0]"))
    vpc_cidrs = [answers.vpc.cidr, *answers.vpc.extra_cidrs]
    vpc_ipv6_count = 1 + len(answers.vpc.ipv6_cidrs)
    for peer in plan.peering.peers:
        old, name, side = peer.key, _key(peer.name), peer_side(peer)
        if peer.creates_connection:
            moves.append(
                (
                    f"{M}.aws_vpc_peering_connection.{old}",
                    f"{M}.aws_vpc_peering_connection.peer{name}",
                )
            )
        if peer.accepts_request:
            moves.append(
                (
                    f"{M}.aws_vpc_peering_connection_accepter.{old}",
                    f"{M}.aws_vpc_peering_connection_accepter.endpoint{name}",
                )
            )
        elif peer.needs_accepter:
            moves.append(
                (
                    f"{M}.aws_vpc_peering_connection_accepter.{old}",
                    f"{side}.aws_vpc_peering_connection_accepter.this[0]",
                )
            )
        # endpoint VPC -> peer: to_<peer>[table], to_<peer>_extra["table cidr"],
        # to_<peer>_ipv6[table] (after the chain above); the shared module keys them by table
        # id too (the root passes local_route_tables). Tables the answers leave out (the
        # endpoint subnets', read at plan) have no id here: no move.
        extras = list(peer.extra_cidrs)
        for table_id in peer.local_route_table_ids or ():
            moves.append(
                (
                    f"{M}.aws_route.to_{old}{_key(table_id)}",
                    f"{M}.aws_route.to_peer{_key(f'{peer.name} {table_id} {peer.cidr}')}",
                )
            )
            for cidr in extras:
                moves.append(
                    (
                        f"{M}.aws_route.to_{old}_extra{_key(f'{table_id} {cidr}')}",
                        f"{M}.aws_route.to_peer{_key(f'{peer.name} {table_id} {cidr}')}",
                    )
                )
            if peer.ipv6_cidr:
                moves.append(
                    (
                        f"{M}.aws_route.to_{old}_ipv6{_key(table_id)}",
                        f"{M}.aws_route.to_peer{_key(f'{peer.name} {table_id} ipv6')}",
                    )
                )
        # peer -> endpoint VPC: from_<peer>[table] (the VPC CIDR), from_<peer>_extra["table
        # cidr"], from_<peer>_ipv6["table ipv6-n"] (each IPv6 CIDR of the endpoint VPC)
        secondary = vpc_cidrs[1:]
        for table_id in peer.route_table_ids:
            moves.append(
                (
                    f"{M}.aws_route.from_{old}{_key(table_id)}",
                    f"{side}.aws_route.to_endpoint{_key(f'{table_id} {vpc_cidrs[0]}')}",
                )
            )
            for cidr in secondary:
                moves.append(
                    (
                        f"{M}.aws_route.from_{old}_extra{_key(f'{table_id} {cidr}')}",
                        f"{side}.aws_route.to_endpoint{_key(f'{table_id} {cidr}')}",
                    )
                )
            if peer.ipv6_cidr:
                for index in range(vpc_ipv6_count):
                    moves.append(
                        (
                            f"{M}.aws_route.from_{old}_ipv6{_key(f'{table_id} ipv6-{index}')}",
                            f"{side}.aws_route.to_endpoint{_key(f'{table_id} ipv6-{index}')}",
                        )
                    )
        if peer.dns:
            if peer.cross_account:
                moves.append(
                    (
                        f"{M}.aws_route53_vpc_association_authorization.{old}",
                        f"{M}.aws_route53_vpc_association_authorization.peer{name}",
                    )
                )
            moves.append(
                (
                    f"{M}.aws_route53_zone_association.{old}",
                    f"{side}.aws_route53_zone_association.this[0]",
                )
            )
    return tuple(moves)
