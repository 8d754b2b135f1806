"""answers -> DeploymentPlan: the thin root that calls the shared module for one answers file.

The root holds what Terraform itself cannot loop over: one provider block per account and
region a peer needs, the call of the shared module with the answers' values, one call of its
peer-side submodule per peer with its own provider, import blocks, and moved blocks where an
address of a deployed module really moved. Everything else is the shared module's code.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.answers.model import Answers, ProviderSettings
from generator.core.errors import Problem
from generator.core.hcl import Expression, hcl_literal
from generator.plan.module_plan import MODULE_CALL, ModulePlan, plan_module
from generator.plan.peering import Peer, endpoint_private_dns

# The shared module's folder under the repository's modules/, and the deployments' folder.
SHARED_MODULE_DIR = "modules/lambda-endpoint"
DEPLOYMENTS_DIR = "deployments"
PEER_SUBMODULE = "modules/peer"


@dataclass(frozen=True)
class ProviderBlock:
    """One `provider "aws"` block of the root: the default one (alias None) or a peer's."""

    alias: str | None
    region: str
    account_id: str | None  # the account it must act in, when the answers say (guarded)
    settings: ProviderSettings | None
    peer: str | None = None  # the peer it is for
    retired: bool = False  # kept for a removed peer until apply destroyed its resources

    @property
    def reference(self) -> str:
        return f"aws.{self.alias}" if self.alias else "aws"

    @property
    def attributes(self) -> dict[str, str]:
        """alias, region and profile as the block sets them (unset ones left out)."""
        values = {
            "alias": self.alias,
            "region": self.region,
            "profile": self.settings.profile if self.settings else None,
        }
        return {key: value for key, value in values.items() if value is not None}

    @property
    def assume_role(self) -> dict[str, str]:
        """The assume_role block's arguments ({} = no such block)."""
        if self.settings is None or self.settings.role_arn is None:
            return {}
        values = {"role_arn": self.settings.role_arn, "external_id": self.settings.external_id}
        return {key: value for key, value in values.items() if value is not None}


@dataclass(frozen=True)
class RemotePeer:
    """A peer in another account or region: the root calls modules/peer with its provider."""

    peer: Peer

    @property
    def call(self) -> str:
        return f"peer_{self.peer.key}"

    @property
    def accepts(self) -> bool:
        """Its side accepts the endpoint VPC's request (a connection the module creates)."""
        return self.peer.creates_connection

    @property
    def arguments(self) -> dict[str, Any]:
        """The call's inputs: the peer's own values, and the rest from the shared module's
        peer_sides output (which waits for what it must: the authorization of the zone)."""
        side = f"module.{MODULE_CALL}.peer_sides[{hcl_literal(self.peer.name)}]"
        return {
            "name": self.peer.name,
            "vpc_id": self.peer.vpc_id,
            "region": self.peer.region,
            "connection_id": Expression(f"{side}.connection_id"),
            "accept": self.accepts,
            "route_tables": by_id(self.peer.route_table_ids),
            "vpc_cidrs": [self.peer.cidr, *self.peer.extra_cidrs],
            **({"vpc_ipv6_cidr": self.peer.ipv6_cidr} if self.peer.ipv6_cidr else {}),
            "destination_cidrs": Expression(f"{side}.destination_cidrs"),
            "destination_ipv6_cidrs": Expression(f"{side}.destination_ipv6_cidrs"),
            "dns": self.peer.dns,
            "zone_id": Expression(f"{side}.zone_id"),
            "zone_name": Expression(f"{side}.zone_name"),
            "tags": Expression(f"{side}.tags"),
        }


@dataclass(frozen=True)
class DeploymentPlan:
    module: ModulePlan
    module_source: str  # the shared module: a relative path (posix) or a git source with ref
    peer_source: str  # its peer-side submodule
    arguments: dict[str, Any]  # the shared module's inputs, literal values in its order
    remote: tuple[RemotePeer, ...]
    providers: tuple[ProviderBlock, ...]
    skips: tuple[tuple[str, str], ...]  # checkov skips on the module call: (id, reason)
    warnings: tuple[Problem, ...] = ()  # the module's, and the root's own
    # moved.tf: (from, to) addresses of a deployed module whose resources moved (migration)
    moves: tuple[tuple[str, str], ...] = ()

    @property
    def answers(self) -> Answers:
        return self.module.answers


def module_sources(answers: Answers, relative_module: str) -> tuple[str, str]:
    """The shared module's source and its peer submodule's, as the root writes them."""
    deployment = answers.deployment
    if deployment is not None and deployment.module_source and deployment.module_ref:
        base, ref = deployment.module_source, deployment.module_ref
        return f"{base}?ref={ref}", f"{base}/{PEER_SUBMODULE}?ref={ref}"
    return relative_module, f"{relative_module}/{PEER_SUBMODULE}"


def by_id(ids: Iterable[str]) -> dict[str, str]:
    """Ids of the answers as a map keyed by themselves: the shared module's inputs by key
    (route_tables, local_route_tables, allowed_security_groups), so that removing one plans
    only its own deletions (keys known at plan: the answers' literal ids)."""
    return {item: item for item in ids}


def local_route_tables(local_route_table_ids: Iterable[str] | None) -> dict[str, Any]:
    """A peer's route tables in the endpoint VPC as the shared module takes them: by id when
    the answers list them; absent, nothing (the module routes the endpoint subnets' tables,
    which it reads); [] written out (no route)."""
    if local_route_table_ids is None:
        return {}
    tables = list(local_route_table_ids)
    return {"local_route_tables": by_id(tables)} if tables else {"local_route_table_ids": []}


def peers_input(plan: ModulePlan) -> dict[str, dict[str, Any]]:
    """The shared module's `peers`: one object per peer, every attribute written out."""
    return {
        peer.name: {
            "vpc_id": peer.vpc_id,
            "cidr": peer.cidr,
            "extra_cidrs": list(peer.extra_cidrs),
            "ipv6_cidr": peer.ipv6_cidr,
            "account_id": peer.account_id,
            "region": peer.region if peer.cross_region else None,
            "remote": peer.alias is not None,
            "connection_id": peer.connection_id,
            "accept": peer.accepts_request,
            "route_tables": by_id(peer.route_table_ids),
            **local_route_tables(peer.local_route_table_ids),
            "dns": peer.dns,
        }
        for peer in plan.peering.peers
    }


def shared_arguments(plan: ModulePlan) -> dict[str, Any]:
    """The call of the shared module: the 0.2 module's inputs, the endpoint's own private DNS
    as it will be, the zone when a peer has dns, and the peers in the shared module's shape."""
    answers = plan.answers
    arguments = {
        ("allowed_security_groups" if key == "allowed_security_group_ids" else key): (
            by_id(value) if key == "allowed_security_group_ids" else value
        )
        for key, value in plan.module_arguments.items()
        if key not in ("peers", "tags")
    }
    arguments["private_dns_enabled"] = endpoint_private_dns(answers)
    arguments["private_hosted_zone"] = plan.peering.dns is not None
    if plan.peering.peers:
        arguments["peers"] = peers_input(plan)
    accepted = [peer for peer in plan.peering.aliases if peer.creates_connection]
    if accepted:
        # the connections as the peers' sides accepted them: this side's routes wait for that
        arguments["accepted_connection_ids"] = {
            peer.name: Expression(f"module.peer_{peer.key}.connection_id") for peer in accepted
        }
    arguments["tags"] = dict(answers.tags)
    return arguments


def providers(answers: Answers, plan: ModulePlan) -> tuple[ProviderBlock, ...]:
    blocks = [ProviderBlock(None, answers.region, None, answers.provider)]
    settings = {peer.name: peer.provider for peer in answers.peering}
    for peer in plan.peering.aliases:
        blocks.append(
            ProviderBlock(
                peer.alias, peer.region, peer.account_id, settings.get(peer.name), peer.name
            )
        )
    retired = {peer.name: peer.provider for peer in answers.retired_peers}
    for item in plan.peering.retired:
        blocks.append(
            ProviderBlock(
                item.alias,
                item.region,
                item.account_id,
                retired.get(item.name),
                item.name,
                retired=True,
            )
        )
    return tuple(blocks)


def plan_deployment(
    answers: Answers,
    relative_module: str = f"../../{SHARED_MODULE_DIR}",
    source: str | None = None,
    migrated: bool = False,
) -> DeploymentPlan:
    """The root's plan for checked answers; `relative_module`: the shared module's folder
    relative to the root (posix); `source`: the answers file relative to the root;
    `migrated`: the root takes over the state of a 0.2 module (moved blocks)."""
    from generator.plan.migration import migration_moves, migration_warnings

    plan = plan_module(answers, source)
    module_source, peer_source = module_sources(answers, relative_module)
    return DeploymentPlan(
        module=plan,
        module_source=module_source,
        peer_source=peer_source,
        arguments=shared_arguments(plan),
        remote=tuple(RemotePeer(peer) for peer in plan.peering.aliases),
        providers=providers(answers, plan),
        skips=plan.skips,
        warnings=(
            *plan.warnings,
            *provider_warnings(answers),
            *(migration_warnings(plan) if migrated else ()),
        ),
        moves=migration_moves(plan) if migrated else (),
    )


def provider_warnings(answers: Answers) -> list[Problem]:
    """A peer in another account whose provider has neither a role nor a profile: its block
    acts with the default credentials, and plan stops unless they are that account's."""
    return [
        Problem(
            f"peering[{index}].provider",
            f"peer {peer.name} is in account {peer.account_id}, and its provider block has no "
            "role_arn or profile: it uses the default credentials (plan stops unless they are "
            f"for {peer.account_id}); set provider.role_arn to a role there",
        )
        for index, peer in enumerate(answers.peering)
        if peer.account_id
        and not (peer.provider and (peer.provider.role_arn or peer.provider.profile))
    ]
