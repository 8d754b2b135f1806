"""Verify the peering part of a rendered module against the peering plan (F7).

For every peer: the connection (created, accepted with the peer's provider, or reused and
checked), both routes, the ingress rule; for DNS: the private hosted zone, its apex alias to
the endpoint and every association, and never the endpoint VPC while its private DNS is on.
Also the provider wiring: `configuration_aliases` in versions.tf, the alias providers and the
`providers` map in the example. Works on python-hcl2 output; references come back as `${...}`.
"""

from __future__ import annotations

import json
from typing import Any

from generator.answers.model import Answers
from generator.core.errors import preview
from generator.core.findings import Finding
from generator.core.hcl import blocks, literal_text
from generator.core.layout import EXAMPLE_FILE, PEERING_FILE, VERSIONS_FILE
from generator.plan.module_plan import MODULE_CALL
from generator.plan.peering import DEFAULT_PROVIDER, Peer, PeeringPlan

# Resource types only the peering file may hold.
PEERING_TYPES = frozenset(
    {
        "aws_vpc_peering_connection",
        "aws_vpc_peering_connection_accepter",
        "aws_route",
        "aws_route53_zone",
        "aws_route53_record",
        "aws_route53_zone_association",
        "aws_route53_vpc_association_authorization",
    }
)
REGIONAL_DNS = "local.endpoint_regional_dns"
PRIVATE_DNS_RESOURCE = "aws_vpc_endpoint_private_dns.lambda"


def ref(expression: str) -> str:
    """How python-hcl2 returns a bare expression."""
    return "${" + expression + "}"


def unwrap(value: Any) -> Any:
    if isinstance(value, str) and value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def peer_var(peer: Peer) -> str:
    return f'var.peers["{peer.name}"]'


class Checker:
    """Collects findings while comparing blocks with what the plan says they must hold."""

    def __init__(
        self, resources: dict[tuple[str, str], dict[str, Any]], locals_: dict[str, Any]
    ) -> None:
        self.resources = resources
        self.locals = locals_
        self.findings: list[Finding] = []
        self.expected: set[tuple[str, str]] = set()

    def fail(self, message: str, file: str = PEERING_FILE) -> None:
        self.findings.append(Finding("verify", file, message))

    def block(
        self, address: tuple[str, str], arguments: dict[str, Any], provider: str | None
    ) -> dict[str, Any] | None:
        """The block must exist with these arguments and exactly this provider."""
        self.expected.add(address)
        label = ".".join(address)
        body = self.resources.get(address)
        if body is None:
            self.fail(f"{label} is missing")
            return None
        for argument, value in arguments.items():
            if value is None:
                if argument in body:
                    self.fail(
                        f"{label}.{argument} must not be set, it is {preview(body[argument])}"
                    )
            elif body.get(argument) != value:
                self.fail(
                    f"{label}.{argument} is {preview(body.get(argument))}, expected "
                    f"{preview(value)}"
                )
        wanted = None if provider in (None, DEFAULT_PROVIDER) else ref(provider)
        if body.get("provider") != wanted:
            where = provider or DEFAULT_PROVIDER
            self.fail(f"{label} uses provider {preview(body.get('provider'))}, expected {where}")
        return body


def module_blocks(parsed: dict[str, dict[str, Any]], names: list[str]) -> dict[tuple, dict]:
    """Resources by (type, name) and data sources by ("data", type, name) of the given files."""
    found: dict[tuple, dict] = {}
    for name in names:
        tree = parsed.get(name, {})
        found.update({(t, n): body for t, n, body in blocks(tree, "resource")})
        found.update({("data", t, n): body for t, n, body in blocks(tree, "data")})
    return found


def check_peering(
    answers: Answers,
    plan: PeeringPlan,
    parsed: dict[str, dict[str, Any]],
    module_files: list[str],
) -> list[Finding]:
    blocks = module_blocks(parsed, module_files)
    resources = {key: body for key, body in blocks.items() if len(key) == 2}
    locals_ = {
        key: value
        for name in module_files
        for entry in parsed.get(name, {}).get("locals", [])
        for key, value in entry.items()
    }
    checker = Checker(resources, locals_)
    if plan:
        if PEERING_FILE not in parsed:
            return [Finding("verify", PEERING_FILE, "file is missing: the answers have peers")]
        connections = locals_.get("peering_connection_ids", {})
        for peer in plan.peers:
            check_peer(checker, blocks, peer, connections, bool(answers.vpc.extra_cidrs))
        rule = checker.block(
            ("aws_vpc_security_group_ingress_rule", "peer"),
            {"cidr_ipv4": ref("each.value.cidr")},
            None,
        )
        if rule is not None and "var.peers" not in str(rule.get("for_each")):
            checker.fail("aws_vpc_security_group_ingress_rule.peer does not cover var.peers")
        if any(peer.extra_cidrs for peer in plan.peers):
            rule = checker.block(
                ("aws_vpc_security_group_ingress_rule", "peer_extra"),
                {"cidr_ipv4": ref("each.value.cidr")},
                None,
            )
            if rule is not None and "peer.extra_cidrs" not in str(rule.get("for_each")):
                checker.fail("aws_vpc_security_group_ingress_rule.peer_extra misses extra_cidrs")
        if any(peer.ipv6_cidr for peer in plan.peers):
            checker.block(
                ("aws_vpc_security_group_ingress_rule", "peer_ipv6"),
                {"cidr_ipv6": ref("each.value.ipv6_cidr")},
                None,
            )
    check_dns(checker, answers, plan)
    for address in sorted(set(resources) - checker.expected):
        if address[0] in PEERING_TYPES:
            checker.fail(f"{'.'.join(address)} is not produced from the answers' peering")
    checker.findings += check_providers(plan, parsed)
    return checker.findings


def check_peer(
    checker: Checker,
    blocks: dict[tuple, dict],
    peer: Peer,
    connections: dict[str, Any],
    extra_vpc_cidrs: bool,
) -> None:
    var = peer_var(peer)
    if peer.creates_connection:
        checker.block(
            ("aws_vpc_peering_connection", peer.key),
            {
                "vpc_id": ref("var.vpc_id"),
                "peer_vpc_id": ref(f"{var}.vpc_id"),
                "peer_owner_id": ref(f"{var}.account_id") if peer.cross_account else None,
                "peer_region": ref(f"{var}.region") if peer.cross_region else None,
                "auto_accept": peer.auto_accept,
            },
            None,
        )
        if peer.needs_accepter:
            checker.block(
                ("aws_vpc_peering_connection_accepter", peer.key),
                {
                    "vpc_peering_connection_id": ref(f"aws_vpc_peering_connection.{peer.key}.id"),
                    "auto_accept": True,
                },
                peer.provider,
            )
    else:
        if peer.accepts_request:
            checker.block(
                ("aws_vpc_peering_connection_accepter", peer.key),
                {
                    "vpc_peering_connection_id": ref(
                        f"data.aws_vpc_peering_connection.{peer.key}.id"
                    ),
                    "auto_accept": True,
                },
                peer.accepter_provider,
            )
        data = blocks.get(("data", "aws_vpc_peering_connection", peer.key))
        if data is None or data.get("id") != ref(f"{var}.connection_id"):
            checker.fail(
                f"data.aws_vpc_peering_connection.{peer.key} must read connection "
                f"{peer.connection_id} ({var}.connection_id)"
            )
    if connections.get(peer.name) != ref(peer.connection_ref):
        checker.fail(
            f"local.peering_connection_ids[{preview(peer.name)}] is "
            f"{preview(connections.get(peer.name))}, "
            f"expected {preview(ref(peer.connection_ref))}"
        )
    via = ref(f'local.peering_connection_ids["{peer.name}"]')
    keys = checker.locals.get("route_table_keys", {}).get(peer.name)
    tables = {"local": list(peer.local_route_table_ids or []), "remote": list(peer.route_table_ids)}
    if keys != tables:
        checker.fail(
            f"local.route_table_keys[{preview(peer.name)}] is {json.dumps(keys)}, expected the "
            f"answers' route tables {json.dumps(tables)}: the routes are keyed by them"
        )
    checker.block(
        ("aws_route", f"to_{peer.key}"),
        {
            "for_each": ref(local_tables(peer)),
            "route_table_id": ref("each.value"),
            "destination_cidr_block": ref(f"{var}.cidr"),
            "vpc_peering_connection_id": via,
        },
        None,
    )
    checker.block(
        ("aws_route", f"from_{peer.key}"),
        {
            "for_each": ref(remote_tables(peer)),
            "route_table_id": ref("each.value"),
            "destination_cidr_block": ref("var.vpc_cidr"),
            "vpc_peering_connection_id": via,
        },
        peer.provider,
    )
    check_extra_routes(checker, peer, extra_vpc_cidrs, via)
    data = blocks.get(("data", "aws_vpc", f"peer_{peer.key}"))
    wanted = None if peer.provider == DEFAULT_PROVIDER else ref(peer.provider)
    conditions = str(data.get("lifecycle")) if data else ""
    if (
        data is None
        or data.get("id") != ref(f"{var}.vpc_id")
        or data.get("provider") != wanted
        or "cidr_block_associations" not in conditions
        or (peer.ipv6_cidr is not None and "self.ipv6_cidr_block" not in conditions)
        or (peer.dns and "enable_dns_support" not in conditions)
        or (peer.dns and "enable_dns_hostnames" not in conditions)
    ):
        checker.fail(
            f"data.aws_vpc.peer_{peer.key} must read {var}.vpc_id with {peer.provider} and "
            "check at plan time that the peer's CIDRs are the VPC's"
            + (" (its ipv6_cidr too)" if peer.ipv6_cidr else "")
            + (" and that enable_dns_support and enable_dns_hostnames are on" if peer.dns else "")
        )


def local_tables(peer: Peer) -> str:
    """The peer's route tables in the endpoint VPC by key: its local_route_table_ids keyed by the
    answers' ids, or the endpoint subnets' tables when the answers leave them out (peering.tf's
    locals)."""
    return f'local.peer_local_route_tables["{peer.name}"]'


def remote_tables(peer: Peer) -> str:
    """The peer's route tables in its own VPC, keyed by the answers' route_table_ids."""
    return f'local.peer_route_tables["{peer.name}"]'


def check_extra_routes(checker: Checker, peer: Peer, extra_vpc_cidrs: bool, via: str) -> None:
    """Routes for secondary CIDRs both ways, and IPv6 routes for a peer with an IPv6 CIDR: one
    per route table key and destination (`"<table> <cidr>"`; the endpoint VPC's IPv6 CIDRs by
    position, `"<table> ipv6-<n>"`)."""
    var = peer_var(peer)
    routes: list[tuple[str, str, str, str, str]] = []
    local, remote = local_tables(peer), remote_tables(peer)
    if peer.extra_cidrs:
        routes.append(("to", "extra", local, f"{var}.extra_cidrs", "destination_cidr_block"))
    if extra_vpc_cidrs:
        routes.append(("from", "extra", remote, "var.vpc_extra_cidrs", "destination_cidr_block"))
    if peer.ipv6_cidr:
        routes.append(("to", "ipv6", local, "", "destination_ipv6_cidr_block"))
        routes.append(
            ("from", "ipv6", remote, "local.vpc_ipv6_cidrs", "destination_ipv6_cidr_block")
        )
    for direction, kind, tables, cidrs, argument in routes:
        if cidrs == "local.vpc_ipv6_cidrs":
            expected = {
                "for_each": ref(
                    f"{{for pair in setproduct(keys({tables}), range(length({cidrs}))) : "
                    f'"${{pair[0]}} ipv6-${{pair[1]}}" => {{table = {tables}[pair[0]], '
                    f"cidr = {cidrs}[pair[1]]}}}}"
                ),
                "route_table_id": ref("each.value.table"),
                argument: ref("each.value.cidr"),
            }
        elif cidrs:
            expected = {
                "for_each": ref(
                    f"{{for pair in setproduct(keys({tables}), {cidrs}) : "
                    f'"${{pair[0]}} ${{pair[1]}}" => {{table = {tables}[pair[0]], '
                    f"cidr = pair[1]}}}}"
                ),
                "route_table_id": ref("each.value.table"),
                argument: ref("each.value.cidr"),
            }
        else:
            expected = {
                "for_each": ref(tables),
                "route_table_id": ref("each.value"),
                argument: ref(f"{var}.ipv6_cidr"),
            }
        checker.block(
            ("aws_route", f"{direction}_{peer.key}_{kind}"),
            {**expected, "vpc_peering_connection_id": via},
            peer.provider if direction == "from" else None,
        )


def check_dns(checker: Checker, answers: Answers, plan: PeeringPlan) -> None:
    # The endpoint VPC is the zone's anchor (its creation VPC), never one of its associations.
    for (block_type, label), body in checker.resources.items():
        if block_type == "aws_route53_zone_association" and body.get("vpc_id") == ref("var.vpc_id"):
            checker.fail(
                f"{block_type}.{label} associates the endpoint VPC: it must be the zone's own "
                "vpc (its creation VPC), which never changes when peers do"
            )
    dns = plan.dns
    if dns is None:
        return
    zone = checker.block(
        ("aws_route53_zone", "lambda"),
        {"name": ref("data.aws_vpc_endpoint_service.lambda.private_dns_name")},
        None,
    )
    if zone is not None:
        # The Region from the VPC's ARN: data.aws_region's `id` is deprecated in 6.x and the
        # `region` that replaces it does not exist in 5.x.
        anchor = (ref("var.vpc_id"), ref('split(":", data.aws_vpc.endpoint.arn)[3]'))
        vpcs = [(vpc.get("vpc_id"), vpc.get("vpc_region")) for vpc in zone.get("vpc", [])]
        if vpcs != [anchor]:
            checker.fail(
                f"aws_route53_zone.lambda is created with VPCs {vpcs}, expected only the "
                f"endpoint VPC {[anchor]}"
            )
        if ref(PRIVATE_DNS_RESOURCE) not in zone.get("depends_on", []):
            checker.fail(
                f"aws_route53_zone.lambda must depend on {PRIVATE_DNS_RESOURCE}: the endpoint "
                "VPC joins the zone only once the endpoint's own private DNS is off"
            )
    record = checker.block(
        ("aws_route53_record", "lambda"),
        {
            "zone_id": ref("aws_route53_zone.lambda.zone_id"),
            "name": ref("aws_route53_zone.lambda.name"),
        },
        None,
    )
    if record is not None:
        check_alias(checker, record)
    for member in dns.associations:
        var = peer_var(member.peer)
        vpc_id, region = ref(f"{var}.vpc_id"), ref(f"{var}.region")
        zone_id = ref("aws_route53_zone.lambda.zone_id")
        if member.needs_authorization:
            checker.block(
                ("aws_route53_vpc_association_authorization", member.label),
                {"zone_id": zone_id, "vpc_id": vpc_id, "vpc_region": region},
                None,
            )
            zone_id = ref(f"aws_route53_vpc_association_authorization.{member.label}.zone_id")
        checker.block(
            ("aws_route53_zone_association", member.label),
            {"zone_id": zone_id, "vpc_id": vpc_id, "vpc_region": region},
            member.provider,
        )


def check_alias(checker: Checker, record: dict[str, Any]) -> None:
    """The apex alias targets the endpoint's regional name, picked from dns_entry by its shape
    (vpce-<id>-<suffix>., no AZ label), never by position."""
    alias = (record.get("alias") or [{}])[0]
    for key in ("dns_name", "hosted_zone_id"):
        target = "name" if key == "dns_name" else "zone_id"
        expected = ref(f"{REGIONAL_DNS}.{key}")
        if alias.get(target) != expected:
            checker.fail(
                f"aws_route53_record.lambda alias {target} is {preview(alias.get(target))}, "
                f"expected {preview(expected)} (the endpoint's regional DNS name)"
            )
    chosen = str(checker.locals.get(REGIONAL_DNS.removeprefix("local."), ""))
    if "aws_vpc_endpoint.lambda.dns_entry" not in chosen or "^vpce-" not in chosen:
        checker.fail(
            f"{REGIONAL_DNS} is {preview(chosen)}: it must pick the entry of "
            "aws_vpc_endpoint.lambda.dns_entry whose name has the regional shape "
            "(vpce-<id>-<suffix>., no AZ label)"
        )
    if "dns_entry[0]" in chosen:
        checker.fail(f"{REGIONAL_DNS} must not take dns_entry[0] (its order is not a contract)")


def check_providers(plan: PeeringPlan, parsed: dict[str, dict[str, Any]]) -> list[Finding]:
    findings = []
    wanted = [ref(peer.provider) for peer in plan.provider_aliases]
    declared = [
        config.get("configuration_aliases", [])
        for entry in parsed.get(VERSIONS_FILE, {}).get("terraform", [])
        for block in entry.get("required_providers", [])
        for name, config in block.items()
        if name == DEFAULT_PROVIDER
    ]
    if (declared[0] if declared else []) != wanted:
        findings.append(
            Finding(
                "verify",
                VERSIONS_FILE,
                f"configuration_aliases are {declared[0] if declared else []}, expected {wanted}",
            )
        )
    example = parsed.get(EXAMPLE_FILE, {})
    aliases = {
        body.get("alias"): body
        for entry in example.get("provider", [])
        for name, body in entry.items()
        if name == DEFAULT_PROVIDER and "alias" in body
    }
    for peer in plan.provider_aliases:
        body = aliases.pop(peer.alias, None)
        if body is None:
            findings.append(
                Finding(
                    "verify", EXAMPLE_FILE, f"provider aws alias {preview(peer.alias)} is missing"
                )
            )
            continue
        if literal_text(body.get("region")) != peer.region:
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"provider aws.{peer.alias} region is {preview(body.get('region'))}, "
                    f"peer {peer.name} is in {preview(peer.region)}",
                )
            )
        roles = [role.get("role_arn", "") for role in body.get("assume_role", [])]
        if peer.cross_account and not any(f":{peer.account_id}:" in role for role in roles):
            findings.append(
                Finding(
                    "verify",
                    EXAMPLE_FILE,
                    f"provider aws.{peer.alias} must assume a role in account {peer.account_id}",
                )
            )
    for alias in sorted(aliases, key=str):
        findings.append(
            Finding(
                "verify", EXAMPLE_FILE, f"provider aws alias {preview(alias)} is not for any peer"
            )
        )
    calls = [
        body
        for entry in example.get("module", [])
        for name, body in entry.items()
        if name == MODULE_CALL
    ]
    given = {
        unwrap(key): unwrap(value)
        for key, value in (calls[0].get("providers", {}) if calls else {}).items()
        if key != "__is_block__"
    }
    expected = {
        name: name for name in [DEFAULT_PROVIDER] + [p.provider for p in plan.provider_aliases]
    }
    if plan.provider_aliases and given != expected:
        findings.append(
            Finding(
                "verify",
                EXAMPLE_FILE,
                f"the module call passes providers {given}, expected {expected}",
            )
        )
    return findings
