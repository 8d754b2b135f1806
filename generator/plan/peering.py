"""Peering plan: from the answers' `peering:` list to the blocks the module needs (F7).

Pure data, no Terraform text: which peer needs its own provider alias, whether the
connection is created (and by whom it is accepted) or reused, and how the one private hosted
zone for `lambda.<region>.amazonaws.com` is owned and associated. The templates render this
plan and verify checks the rendered HCL against it, so the two cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.answers.model import Answers, PeerVpc
from generator.core.errors import Problem
from generator.core.regions import lambda_dns_name

DEFAULT_PROVIDER = "aws"


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
    extra_cidrs: tuple[str, ...]
    ipv6_cidr: str | None
    account_id: str | None
    region: str
    cross_account: bool
    cross_region: bool
    connection_id: str | None
    accept: bool
    route_table_ids: tuple[str, ...]
    # None: the route tables of the endpoint's subnets, read at plan
    local_route_table_ids: tuple[str, ...] | None
    dns: bool

    @property
    def alias(self) -> str | None:
        """Provider alias for the peer's account/region; None when the default provider works."""
        return f"peer_{self.key}" if self.cross_account or self.cross_region else None

    @property
    def provider(self) -> str:
        return f"aws.{self.alias}" if self.alias else DEFAULT_PROVIDER

    @property
    def creates_connection(self) -> bool:
        return self.connection_id is None

    @property
    def auto_accept(self) -> bool:
        """Same account and region: the requester accepts its own request."""
        return self.creates_connection and self.alias is None

    @property
    def needs_accepter(self) -> bool:
        return (self.creates_connection and self.alias is not None) or self.accepts_request

    @property
    def accepts_request(self) -> bool:
        """A reused connection the peer's owner requested, still pending: the endpoint VPC is
        its accepter, so the module accepts it with the endpoint's own provider."""
        return self.connection_id is not None and self.accept

    @property
    def accepter_provider(self) -> str:
        return DEFAULT_PROVIDER if self.accepts_request else self.provider

    @property
    def connection_ref(self) -> str:
        """The connection the peer's routes use: once accepted, when the module accepts it."""
        if self.needs_accepter:
            return f"aws_vpc_peering_connection_accepter.{self.key}.id"
        if self.creates_connection:
            return f"aws_vpc_peering_connection.{self.key}.id"
        return f"data.aws_vpc_peering_connection.{self.key}.id"


@dataclass(frozen=True)
class ZoneVpc:
    """A peer VPC that joins the private hosted zone through its own association."""

    peer: Peer

    @property
    def label(self) -> str:
        return self.peer.key

    @property
    def provider(self) -> str:
        """The provider of the VPC's own account (and region): it makes the association."""
        return self.peer.provider

    @property
    def needs_authorization(self) -> bool:
        """A VPC of another account joins only after the zone's account authorized it."""
        return self.peer.cross_account


@dataclass(frozen=True)
class DnsPlan:
    """AWS's centralized interface-endpoint pattern: one private hosted zone for
    lambda.<region>.amazonaws.com in the endpoint's account, created with the endpoint's own
    VPC (an anchor that never changes when peers come and go), an alias at its apex to the
    endpoint's regional DNS name, and one association per DNS peer. The endpoint's own private
    DNS is off while the zone exists (the zone answers the name in the endpoint VPC too)."""

    zone_name: str
    associations: tuple[ZoneVpc, ...]
    # The zone's records: AAAA too only when the endpoint is dualstack and every peer that
    # shares the zone has IPv6 (an AAAA answer sends IPv4-only clients nowhere).
    record_types: tuple[str, ...] = ("A",)


@dataclass(frozen=True)
class RetiredAlias:
    """A peer removed from the answers whose provider alias is kept, so that terraform can
    still destroy the resources it made with that provider (see `retired_peers`)."""

    name: str
    key: str
    account_id: str | None
    region: str

    @property
    def alias(self) -> str:
        return f"peer_{self.key}"

    @property
    def provider(self) -> str:
        return f"aws.{self.alias}"

    @property
    def cross_account(self) -> bool:
        return self.account_id is not None


@dataclass(frozen=True)
class PeeringPlan:
    peers: tuple[Peer, ...] = ()
    dns: DnsPlan | None = None
    aliases: tuple[Peer, ...] = field(default=())
    retired: tuple[RetiredAlias, ...] = field(default=())

    def __bool__(self) -> bool:
        """Whether the module has a peering side: peers, or a zone kept for DNS peers to come."""
        return bool(self.peers) or self.dns is not None

    @property
    def provider_aliases(self) -> tuple[Peer | RetiredAlias, ...]:
        """Every alias the module declares: the peers' and the retired peers' (in that order)."""
        return (*self.aliases, *self.retired)


def make_peer(answers: Answers, peer: PeerVpc) -> Peer:
    region = peer.region or answers.region
    return Peer(
        name=peer.name,
        key=key(peer.name),
        vpc_id=peer.vpc_id,
        cidr=peer.cidr,
        extra_cidrs=tuple(peer.extra_cidrs),
        ipv6_cidr=peer.ipv6_cidr,
        account_id=peer.account_id,
        region=region,
        cross_account=peer.account_id is not None,
        cross_region=region != answers.region,
        connection_id=peer.connection_id,
        accept=peer.accept,
        route_table_ids=tuple(peer.route_table_ids),
        local_route_table_ids=(
            None if peer.local_route_table_ids is None else tuple(peer.local_route_table_ids)
        ),
        dns=peer.dns,
    )


def dns_plan(answers: Answers, peers: tuple[Peer, ...]) -> DnsPlan | None:
    """The zone and its associations, or None without a zone (`Answers.uses_zone`): a zone
    kept by `dns_mode: zone` may have no association at all.

    Never in a peer's account and never created with a peer's VPC: Route 53 keeps a zone's
    creation VPC out of `aws_route53_zone_association`, so a zone created with a peer's VPC
    would lose that peer's DNS (or move to another peer) when the peer is removed.
    """
    dns_peers = tuple(ZoneVpc(peer) for peer in peers if peer.dns)
    if not answers.uses_zone:
        return None
    return DnsPlan(
        zone_name=lambda_dns_name(answers.region),
        associations=dns_peers,
        record_types=(
            ("A", "AAAA")
            if answers.ip_address_type == "dualstack"
            and all(member.peer.ipv6_cidr for member in dns_peers)
            else ("A",)
        ),
    )


def peering_plan(answers: Answers) -> PeeringPlan:
    peers = tuple(make_peer(answers, peer) for peer in answers.peering)
    return PeeringPlan(
        peers=peers,
        dns=dns_plan(answers, peers),
        aliases=tuple(peer for peer in peers if peer.alias),
        retired=tuple(
            RetiredAlias(
                name=item.name,
                key=key(item.name),
                account_id=item.account_id,
                region=item.region or answers.region,
            )
            for item in answers.retired_peers
        ),
    )


def endpoint_private_dns(answers: Answers) -> bool:
    """Whether the endpoint's own private DNS is on: as answered, but off while the private
    hosted zone serves the name (a VPC cannot have both)."""
    return answers.private_dns and not answers.uses_zone


def peers_argument(plan: PeeringPlan) -> dict[str, dict[str, Any]]:
    """The module's `peers` input: one object per peer, region always written out."""
    return {
        peer.name: {
            "vpc_id": peer.vpc_id,
            "cidr": peer.cidr,
            "extra_cidrs": list(peer.extra_cidrs),
            "ipv6_cidr": peer.ipv6_cidr,
            "account_id": peer.account_id,
            "region": peer.region,
            "connection_id": peer.connection_id,
            "route_table_ids": list(peer.route_table_ids),
            "local_route_table_ids": (
                None if peer.local_route_table_ids is None else list(peer.local_route_table_ids)
            ),
        }
        for peer in plan.peers
    }


DNS_GAP = (
    "from the moment the endpoint's private DNS is off until the zone answers (Route 53 "
    "applies a change in about a minute), and the other way round, {vpc} has no private "
    "answer for {name}: clients without a NAT gateway fail, clients with one call Lambda's "
    "public endpoint, and a client may keep an empty answer for up to the zone's 900 s "
    "negative-answer time"
)


def keep_dns_mode(
    answers: Answers, previous: Answers | None, target: str
) -> tuple[Answers, list[Problem]]:
    """The answers to render over a module whose committed answers are `previous`, as far as
    the DNS mode goes: no implicit edit switches the endpoint VPC between the endpoint's own
    private DNS and the zone, because no order of Terraform's calls avoids a gap there (a
    VPC cannot have both, and a private zone must be created with a VPC).

    - The last DNS peer removed, no dns_mode written: the zone stays (dns_mode: zone is
      carried into the module's record, with a warning), so removing a peer only removes
      its association.
    - The first DNS peer added to a module without a zone, no dns_mode written: refused
      (exit 2): the switch is made only when dns_mode: zone is written.
    - A dns_mode written that switches: rendered, with a warning that says what happens."""
    from generator.answers.load import parse_answers
    from generator.core.errors import AnswersError

    if previous is None or previous.uses_zone == answers.uses_zone:
        return answers, []
    gap = DNS_GAP.format(vpc=answers.vpc.id, name=lambda_dns_name(answers.region))
    if answers.dns_mode is not None:
        to = "the zone" if answers.uses_zone else "the endpoint's own private DNS"
        return answers, [
            Problem("dns_mode", f"{target} switches to {to} (dns_mode: {answers.dns_mode}): {gap}")
        ]
    if previous.uses_zone:
        data = answers.normalized()
        data["dns_mode"] = "zone"
        kept = parse_answers(data, "answers with the zone kept")
        return kept, [
            Problem(
                "dns_mode",
                f"no peer has dns: true any more and the private hosted zone of {target} stays "
                "(dns_mode: zone, carried into its record): removing it would switch the "
                "endpoint VPC back to the endpoint's own private DNS. Write dns_mode: zone to "
                "say so, or dns_mode: endpoint to make that switch",
            )
        ]
    raise AnswersError(
        [
            Problem(
                "dns_mode",
                f"a peer with dns: true would switch {target} from the endpoint's own private "
                f"DNS to a private hosted zone, and {gap}; write dns_mode: zone to make that "
                "switch (in a quiet hour), or set dns: false for the peer",
            )
        ],
        target,
    )


def retire_removed_peers(answers: Answers, previous: Answers | None, *, drop: bool) -> Answers:
    """The answers to render into a module whose committed answers are `previous`.

    A peer removed from `peering` that had its own provider alias is added to
    `retired_peers` (and those already retired stay): terraform destroys the peer's
    resources with the provider recorded in state, so the module must keep declaring that
    alias until `terraform apply` has run. `drop` (after that apply) retires none.
    """
    from generator.answers.load import parse_answers

    data = answers.normalized()
    if drop:
        data["retired_peers"] = []
    elif previous is not None:
        current = {peer.name for peer in answers.peering}
        removed = [
            {
                "name": peer.name,
                "account_id": peer.account_id,
                "region": None if peer.region == answers.region else peer.region,
            }
            for peer in (make_peer(previous, item) for item in previous.peering)
            if peer.alias and peer.name not in current
        ]
        retired: dict[str, dict[str, Any]] = {}
        for item in [*data["retired_peers"], *previous.normalized()["retired_peers"], *removed]:
            if item["name"] not in current:
                retired.setdefault(item["name"], item)
        data["retired_peers"] = list(retired.values())
    if data["retired_peers"] == answers.normalized()["retired_peers"]:
        return answers
    return parse_answers(data, "answers with retired peers")
