"""Peering plan: from the answers' `peering:` list to the blocks the module needs (F7).

Pure data, no Terraform text: which peer needs its own provider alias, whether the
connection is created (and by whom it is accepted) or reused, and how the one private hosted
zone for `lambda.<region>.amazonaws.com` is owned and associated. The templates render this
plan and verify checks the rendered HCL against it, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.answers import Answers, PeerVpc
from generator.regions import lambda_dns_name

DEFAULT_PROVIDER = "aws"
# The endpoint's own account: peers without account_id live in it.
LOCAL_ACCOUNT = ""


def key(name: str) -> str:
    """A peer name as a Terraform identifier part (names are [a-z][a-z0-9-]*)."""
    return name.replace("-", "_")


@dataclass(frozen=True)
class Peer:
    """One peer VPC and how the module reaches it."""

    name: str
    key: str
    vpc_id: str
    cidr: str
    account_id: str | None
    region: str
    cross_account: bool
    cross_region: bool
    connection_id: str | None
    route_table_ids: tuple[str, ...]
    local_route_table_ids: tuple[str, ...]
    dns: bool

    @property
    def alias(self) -> str | None:
        """Provider alias for the peer's account/region; None when the default provider works."""
        return f"peer_{self.key}" if self.cross_account or self.cross_region else None

    @property
    def provider(self) -> str:
        return f"aws.{self.alias}" if self.alias else DEFAULT_PROVIDER

    @property
    def account(self) -> str:
        return self.account_id or LOCAL_ACCOUNT

    @property
    def creates_connection(self) -> bool:
        return self.connection_id is None

    @property
    def auto_accept(self) -> bool:
        """Same account and region: the requester accepts its own request."""
        return self.creates_connection and self.alias is None

    @property
    def needs_accepter(self) -> bool:
        return self.creates_connection and self.alias is not None


@dataclass(frozen=True)
class ZoneVpc:
    """A VPC that joins the private hosted zone: a peer's, or the endpoint's (peer None)."""

    peer: Peer | None
    needs_authorization: bool = False  # the VPC is in another account than the zone

    @property
    def label(self) -> str:
        return self.peer.key if self.peer else "endpoint"

    @property
    def provider(self) -> str:
        """The provider of the VPC's own account (and region)."""
        return self.peer.provider if self.peer else DEFAULT_PROVIDER

    @property
    def account(self) -> str:
        return self.peer.account if self.peer else LOCAL_ACCOUNT


@dataclass(frozen=True)
class DnsPlan:
    """One private hosted zone for lambda.<region>.amazonaws.com with an alias at its apex."""

    zone_name: str
    owner_provider: str
    owner_account: str
    initial: ZoneVpc  # the VPC the zone is created with
    associations: tuple[ZoneVpc, ...]  # every further VPC
    endpoint_vpc_joins: bool

    @property
    def members(self) -> tuple[ZoneVpc, ...]:
        return (self.initial, *self.associations)


@dataclass(frozen=True)
class PeeringPlan:
    peers: tuple[Peer, ...] = ()
    dns: DnsPlan | None = None
    aliases: tuple[Peer, ...] = field(default=())

    def __bool__(self) -> bool:
        return bool(self.peers)


def make_peer(answers: Answers, peer: PeerVpc) -> Peer:
    region = peer.region or answers.region
    return Peer(
        name=peer.name,
        key=key(peer.name),
        vpc_id=peer.vpc_id,
        cidr=peer.cidr,
        account_id=peer.account_id,
        region=region,
        cross_account=peer.account_id is not None,
        cross_region=region != answers.region,
        connection_id=peer.connection_id,
        route_table_ids=tuple(peer.route_table_ids),
        local_route_table_ids=tuple(peer.local_route_table_ids),
        dns=peer.dns,
    )


def dns_plan(answers: Answers, peers: tuple[Peer, ...]) -> DnsPlan | None:
    """Who owns the zone, which VPC it is created with, and every further association.

    Route 53 creates a private zone with one VPC of the creating account. The endpoint VPC
    must never join while the endpoint's private DNS is on (its own private DNS already owns
    the name there; the association would fail with ConflictingDomainExists). So the zone is
    created in the endpoint's account with a same-account DNS peer (or the endpoint VPC when
    private DNS is off), and only when every DNS peer is in another account is it created in
    the first such peer's account.
    """
    dns_peers = [peer for peer in peers if peer.dns]
    if not dns_peers:
        return None
    endpoint_vpc_joins = not answers.private_dns
    members = [ZoneVpc(peer) for peer in dns_peers]
    if endpoint_vpc_joins:
        members.insert(0, ZoneVpc(None))
    local = [member for member in members if member.account == LOCAL_ACCOUNT]
    initial = local[0] if local else members[0]
    owner_provider = DEFAULT_PROVIDER if local else initial.provider
    owner_account = initial.account
    associations = tuple(
        ZoneVpc(member.peer, needs_authorization=member.account != owner_account)
        for member in members
        if member is not initial
    )
    return DnsPlan(
        zone_name=lambda_dns_name(answers.region),
        owner_provider=owner_provider,
        owner_account=owner_account,
        initial=initial,
        associations=associations,
        endpoint_vpc_joins=endpoint_vpc_joins,
    )


def peering_plan(answers: Answers) -> PeeringPlan:
    peers = tuple(make_peer(answers, peer) for peer in answers.peering)
    return PeeringPlan(
        peers=peers,
        dns=dns_plan(answers, peers),
        aliases=tuple(peer for peer in peers if peer.alias),
    )


def peers_argument(answers: Answers) -> dict[str, dict[str, Any]]:
    """The module's `peers` input: one object per peer, region always written out."""
    return {
        peer.name: {
            "vpc_id": peer.vpc_id,
            "cidr": peer.cidr,
            "account_id": peer.account_id,
            "region": peer.region,
            "connection_id": peer.connection_id,
            "route_table_ids": list(peer.route_table_ids),
            "local_route_table_ids": list(peer.local_route_table_ids),
        }
        for peer in (make_peer(answers, item) for item in answers.peering)
    }
