"""Address rules of the endpoint VPC and its peers: CIDR sizes and overlaps, the 443 sources,
accepter-only peering. Pure functions: answers in, problems (or plain values) out."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator

from generator.answers.model import Answers
from generator.core.errors import Problem

# AWS: a VPC CIDR block (primary or secondary) is between /16 and /28.
VPC_PREFIX_MIN, VPC_PREFIX_MAX = 16, 28
EVERY_IPV4 = ipaddress.IPv4Network("0.0.0.0/0")


def vpc_ipv4_cidrs(answers: Answers) -> list[tuple[str, str, str]]:
    """(field path, CIDR, owner) of every IPv4 CIDR of the endpoint VPC and of each peer;
    owner is "vpc" or the peer's field path, so overlaps within one VPC read differently."""
    found = [("vpc.cidr", answers.vpc.cidr, "vpc")]
    found += [(f"vpc.extra_cidrs[{i}]", c, "vpc") for i, c in enumerate(answers.vpc.extra_cidrs)]
    for index, peer in enumerate(answers.peering):
        owner = f"peering[{index}]"
        found.append((f"{owner}.cidr", peer.cidr, owner))
        found += [(f"{owner}.extra_cidrs[{i}]", c, owner) for i, c in enumerate(peer.extra_cidrs)]
    return found


def check_network(answers: Answers) -> Iterator[Problem]:
    yield from check_cidr_sizes_and_overlaps(answers)
    yield from check_ipv6(answers)
    yield from check_sources(answers)
    yield from check_fixed_ips(answers)
    for index, peer in enumerate(answers.peering):
        if peer.accept and peer.connection_id is None:
            yield Problem(
                f"peering[{index}].accept",
                "true needs connection_id: accept names a connection the peer's owner "
                "requested; without connection_id tfgen creates (and accepts) one itself",
            )


def check_cidr_sizes_and_overlaps(answers: Answers) -> Iterator[Problem]:
    seen: list[tuple[str, ipaddress.IPv4Network, str]] = []
    for path, cidr, owner in vpc_ipv4_cidrs(answers):
        network = ipaddress.IPv4Network(cidr)
        if not VPC_PREFIX_MIN <= network.prefixlen <= VPC_PREFIX_MAX:
            yield Problem(
                path,
                f"{cidr} is a /{network.prefixlen}: AWS allows VPC CIDR blocks from "
                f"/{VPC_PREFIX_MIN} to /{VPC_PREFIX_MAX}",
            )
            continue
        for other_path, other, other_owner in seen:
            if network.overlaps(other):
                why = (
                    "a VPC's CIDR blocks must not overlap"
                    if owner == other_owner
                    else "peered VPCs need disjoint address ranges"
                )
                yield Problem(path, f"{cidr} overlaps {other_path} {other}: {why}")
                break
        seen.append((path, network, owner))


def check_ipv6(answers: Answers) -> Iterator[Problem]:
    seen: list[tuple[str, ipaddress.IPv6Network]] = []
    found = [(f"vpc.ipv6_cidrs[{i}]", c) for i, c in enumerate(answers.vpc.ipv6_cidrs)]
    found += [
        (f"peering[{i}].ipv6_cidr", peer.ipv6_cidr)
        for i, peer in enumerate(answers.peering)
        if peer.ipv6_cidr
    ]
    for path, cidr in found:
        network = ipaddress.IPv6Network(cidr)
        if network.prefixlen == 0:
            yield Problem(path, f"{cidr} is every IPv6 address, not a VPC's CIDR")
            continue
        for other_path, other in seen:
            if network.overlaps(other):
                yield Problem(path, f"{cidr} overlaps {other_path} {other}")
                break
        seen.append((path, network))
    if answers.ip_address_type == "ipv4":
        for path, _ in found:
            yield Problem(
                path.split("[")[0] if path.startswith("vpc.") else path,
                "only used with ip_address_type: dualstack or ipv6 (an ipv4 endpoint has no "
                "IPv6 address to route or allow)",
            )
    if answers.ip_address_type == "ipv6":
        yield from check_ipv6_only(answers)


def check_ipv6_only(answers: Answers) -> Iterator[Problem]:
    """What an IPv6-only endpoint (ip_address_type: ipv6) cannot do yet, or at all: its
    interfaces have no IPv4 address, so IPv4 sources would never reach it, and the peering
    design (IPv4 routes and rules, A records) is not rendered for it."""
    if answers.peering:
        yield Problem(
            "peering",
            "not with ip_address_type: ipv6 yet: tfgen renders peering for ipv4 and dualstack "
            "endpoints (use dualstack, whose peers with ipv6_cidr get IPv6 routes and AAAA "
            "records)",
        )
    if answers.dns_mode == "zone":
        yield Problem(
            "dns_mode",
            "zone: not with ip_address_type: ipv6 yet (the zone's design is for peers); the "
            "endpoint's own private DNS answers AAAA records in the VPC",
        )
    if answers.security_group.allow_cidrs:
        yield Problem(
            "security_group.allow_cidrs",
            "IPv4 sources cannot reach an IPv6-only endpoint (ip_address_type: ipv6): its "
            "interfaces have IPv6 addresses only",
        )


def check_fixed_ips(answers: Answers) -> Iterator[Problem]:
    """Fixed endpoint addresses (subnets[].ipv4/ipv6): on every subnet or none (the provider
    reads back every interface's address, so a subnet left out would plan a change forever),
    with ipv6 exactly when the endpoint is dualstack (AWS takes both for a dualstack
    endpoint, no IPv6 for an ipv4 one), unique, and the IPv4 ones inside the VPC's CIDRs of
    the answers (their subnets' CIDRs and AWS's reserved addresses are checked at plan)."""
    subnets = answers.subnets
    fixed = [index for index, subnet in enumerate(subnets) if subnet.ipv4 or subnet.ipv6]
    if not fixed:
        return
    kind = answers.ip_address_type
    for index, subnet in enumerate(subnets):
        path = f"subnets[{index}]"
        if kind != "ipv6" and subnet.ipv4 is None:
            yield Problem(
                f"{path}.ipv4",
                f"missing: subnets[{fixed[0]}] has a fixed address, so every subnet needs one "
                "(AWS assigns the others, and the provider would plan to change them on every run)",
            )
        if kind == "ipv6" and subnet.ipv4 is not None:
            yield Problem(
                f"{path}.ipv4",
                "not with ip_address_type: ipv6 (an IPv6-only endpoint has no IPv4 address)",
            )
        if kind != "ipv4" and subnet.ipv6 is None:
            yield Problem(
                f"{path}.ipv6",
                f"missing: a {kind} endpoint with fixed addresses takes an IPv6 address in "
                "every subnet" + (" as well as an IPv4 one" if kind == "dualstack" else ""),
            )
        if kind == "ipv4" and subnet.ipv6 is not None:
            yield Problem(
                f"{path}.ipv6",
                "only with ip_address_type: dualstack or ipv6 (an ipv4 endpoint has no IPv6 "
                "address)",
            )
    vpc_networks = [
        ipaddress.IPv4Network(cidr) for cidr in (answers.vpc.cidr, *answers.vpc.extra_cidrs)
    ]
    seen: dict[str, int] = {}
    for index, subnet in enumerate(subnets):
        for kind in ("ipv4", "ipv6"):
            address = getattr(subnet, kind)
            if address is None:
                continue
            path = f"subnets[{index}].{kind}"
            if address in seen:
                yield Problem(path, f"{address} repeats subnets[{seen[address]}].{kind}")
            seen.setdefault(address, index)
            if kind == "ipv4" and not any(
                ipaddress.IPv4Address(address) in network for network in vpc_networks
            ):
                yield Problem(
                    path,
                    f"{address} is outside the VPC's CIDRs in the answers "
                    f"({', '.join(str(n) for n in vpc_networks)}): it must be in the subnet's CIDR",
                )


def check_sources(answers: Answers) -> Iterator[Problem]:
    group = answers.security_group
    if not group.create:
        for field in ("allow_cidrs", "allow_security_group_ids"):
            if getattr(group, field):
                yield Problem(
                    f"security_group.{field}",
                    "given with create: false, where tfgen creates no group and no ingress "
                    "rule, so it would be silently unused: set create: true, or allow these "
                    "sources in the existing groups and remove the list",
                )
    cidrs = [ipaddress.IPv4Network(cidr) for cidr in group.allow_cidrs]
    if all(cidr.prefixlen > 0 for cidr in cidrs) and EVERY_IPV4 in ipaddress.collapse_addresses(
        cidrs
    ):
        yield Problem(
            "security_group.allow_cidrs",
            f"{', '.join(group.allow_cidrs)} together cover every IPv4 address, like "
            "0.0.0.0/0: list the client networks",
        )


def allowed_cidr_blocks(answers: Answers) -> list[str]:
    """`allow_cidrs` without the VPC's and the peers' own CIDRs, which have their own rules
    (a second rule with the same CIDR is a duplicate AWS refuses)."""
    own = {cidr for _, cidr, _ in vpc_ipv4_cidrs(answers)}
    return [cidr for cidr in answers.security_group.allow_cidrs if cidr not in own]


def network_warnings(answers: Answers) -> list[Problem]:
    found = []
    own = {cidr: path for path, cidr, _ in vpc_ipv4_cidrs(answers)}
    for index, cidr in enumerate(answers.security_group.allow_cidrs):
        if cidr in own:
            found.append(
                Problem(
                    f"security_group.allow_cidrs[{index}]",
                    f"{cidr} is {own[cidr]}, which has its own 443 rule: rendered once",
                )
            )
    if len(answers.subnets) == 1:
        found.append(
            Problem(
                "subnets",
                "one subnet: the endpoint has one network interface in one AZ, and losing that "
                "AZ cuts every client off (CKV_TFGEN_6 is skipped in main.tf with this reason); "
                "add a subnet in a second AZ for redundancy",
            )
        )
    without_ipv6 = [peer.name for peer in answers.peering if peer.dns and not peer.ipv6_cidr]
    if answers.ip_address_type == "dualstack" and without_ipv6:
        found.append(
            Problem(
                "peering",
                f"{', '.join(without_ipv6)} {'has' if len(without_ipv6) == 1 else 'have'} no "
                "ipv6_cidr: the private hosted zone the peers share publishes the A record "
                "only (an AAAA answer would send IPv4-only clients to addresses they cannot "
                "reach)",
            )
        )
    return found


def ingress_rule_count(answers: Answers) -> int:
    """Ingress rules the module's group gets (IPv6 rules of the VPC counted as listed)."""
    rules = 1 + len(answers.vpc.extra_cidrs) + len(allowed_cidr_blocks(answers))
    rules += len(answers.security_group.allow_security_group_ids)
    if answers.ip_address_type == "dualstack":
        rules += 1 + len(answers.vpc.ipv6_cidrs)
    for peer in answers.peering:
        rules += 1 + len(peer.extra_cidrs) + (1 if peer.ipv6_cidr else 0)
    return rules
