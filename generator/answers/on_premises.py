"""On-premises resolution: the rules of the answers' `on_premises` section.

A Route 53 Resolver inbound endpoint in the endpoint's VPC lets DNS forwarders on premises
resolve lambda.<region>.amazonaws.com to the interface endpoint: they forward the name to the
inbound endpoint's addresses, and the VPC's resolver answers with what it answers inside the
VPC (the endpoint's private DNS, or the private hosted zone). The model is model.py's
`OnPremises`; these rules run with the others (``rules.py``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import TYPE_CHECKING

from generator.core import regions
from generator.core.errors import Problem

if TYPE_CHECKING:
    from generator.answers.model import Answers, OnPremises

EVERY_IPV4 = ipaddress.IPv4Network("0.0.0.0/0")


def check_on_premises(answers: Answers) -> Iterator[Problem]:
    section = answers.on_premises
    if section is None:
        return
    yield from _check_subnets(answers.region, section)
    yield from _check_cidrs(section)
    if not answers.private_dns and not answers.uses_zone:
        yield Problem(
            "on_premises",
            "private_dns is false and no private hosted zone serves the VPC: the inbound "
            "endpoint answers with what the VPC's resolver answers, Lambda's public addresses "
            "here; set private_dns: true (or dns_mode: zone), or remove on_premises",
        )


def _check_subnets(region: str, section: OnPremises) -> Iterator[Problem]:
    seen_ids: dict[str, int] = {}
    seen_azs: dict[str, int] = {}
    for index, subnet in enumerate(section.resolver_subnets):
        path = f"on_premises.resolver_subnets[{index}]"
        if subnet.id in seen_ids:
            yield Problem(
                f"{path}.id",
                f"{subnet.id} repeats on_premises.resolver_subnets[{seen_ids[subnet.id]}].id",
            )
        seen_ids.setdefault(subnet.id, index)
        if subnet.az_id is None:
            continue
        if subnet.az_id in seen_azs:
            yield Problem(
                f"{path}.az_id",
                f"{subnet.az_id} repeats on_premises.resolver_subnets[{seen_azs[subnet.az_id]}]"
                ".az_id: the resolver's addresses go in different AZs, so that one AZ's outage "
                "leaves the forwarders an address",
            )
        seen_azs.setdefault(subnet.az_id, index)
        outside = regions.az_id_problem(region, subnet.az_id)
        if outside:
            yield Problem(f"{path}.az_id", outside)


def _check_cidrs(section: OnPremises) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    networks = []
    for index, cidr in enumerate(section.cidrs):
        path = f"on_premises.cidrs[{index}]"
        network = ipaddress.IPv4Network(cidr)
        if network.prefixlen == 0:
            yield Problem(
                path,
                f"{cidr} is every IPv4 address: DNS on the inbound endpoint is for the "
                "on-premises forwarders only; list their networks",
            )
            continue
        if cidr in seen:
            yield Problem(path, f"{cidr} repeats on_premises.cidrs[{seen[cidr]}]")
        seen.setdefault(cidr, index)
        networks.append(network)
    if networks and EVERY_IPV4 in ipaddress.collapse_addresses(networks):
        yield Problem(
            "on_premises.cidrs",
            f"{', '.join(section.cidrs)} together cover every IPv4 address, like 0.0.0.0/0: "
            "list the on-premises networks",
        )
