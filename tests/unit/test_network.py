"""Network rules and their rendering: secondary CIDRs, IPv6 peers, accepter-only peering, peer
DNS attributes and CIDR-set checks at plan time, the endpoint IPs output, the 443 sources,
CIDR sizes and the single-subnet case."""

from __future__ import annotations

from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.answers.network import allowed_cidr_blocks, ingress_rule_count
from generator.answers.rules import warnings
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.plan.module_plan import plan_module
from generator.plan.peering import peering_plan
from generator.render.templates import render_module
from generator.verify.module import verify_module

PEER_VPC = "vpc-0aaaaaaaaaaaaaaaa"
RTB_PEER = "rtb-0aaaaaaaaaaaaaaaa"
RTB_LOCAL = "rtb-0bbbbbbbbbbbbbbbb"


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def warned(data: dict[str, Any]) -> dict[str, str]:
    return {w.path: w.message for w in warnings(parse_answers(data))}


def peer(**more: Any) -> dict[str, Any]:
    return {
        "name": "spoke",
        "vpc_id": PEER_VPC,
        "cidr": "10.40.0.0/16",
        "route_table_ids": [RTB_PEER],
        "local_route_table_ids": [RTB_LOCAL],
        **more,
    }


def resources(files: dict[str, str], name: str) -> dict[tuple[str, str], dict[str, Any]]:
    tree = parse_hcl(files[name])
    return {
        (kind, label): body
        for entry in tree.get("resource", [])
        for kind, named in entry.items()
        for label, body in named.items()
    }


def data_sources(files: dict[str, str], name: str) -> dict[tuple[str, str], dict[str, Any]]:
    tree = parse_hcl(files[name])
    return {
        (kind, label): body
        for entry in tree.get("data", [])
        for kind, named in entry.items()
        for label, body in named.items()
    }


def rendered(data: dict[str, Any]) -> dict[str, str]:
    answers = parse_answers(data)
    files = render_module(answers)
    assert verify_module(answers, files) == []
    return files


# ---- CIDR sizes and overlaps -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "cidr"),
    [("cidr", "0.0.0.0/0"), ("cidr", "10.0.0.0/8"), ("cidr", "10.0.0.0/29"),
     ("extra_cidrs", "100.64.0.0/10")],
)  # fmt: skip
def test_vpc_cidr_sizes_are_those_aws_allows(example, field, cidr):
    example["vpc"][field] = [cidr] if field == "extra_cidrs" else cidr
    path = "vpc.extra_cidrs[0]" if field == "extra_cidrs" else "vpc.cidr"
    assert "AWS allows VPC CIDR blocks from /16 to /28" in problems(example)[path]


def test_peer_cidr_sizes_checked_primary_and_extra(example):
    example["peering"] = [peer(cidr="10.0.0.0/12", extra_cidrs=["192.168.0.0/29"])]
    found = problems(example)
    assert "/12" in found["peering[0].cidr"]
    assert "/29" in found["peering[0].extra_cidrs[0]"]


def test_extra_cidrs_overlaps_are_refused(example):
    example["vpc"]["extra_cidrs"] = ["100.64.0.0/16", "10.0.128.0/17"]
    example["peering"] = [peer(extra_cidrs=["100.64.128.0/17"])]
    found = problems(example)
    assert (
        "overlaps vpc.cidr 10.0.0.0/16: a VPC's CIDR blocks must not overlap"
        in (found["vpc.extra_cidrs[1]"])
    )
    assert (
        "overlaps vpc.extra_cidrs[0] 100.64.0.0/16: peered VPCs need disjoint"
        in (found["peering[0].extra_cidrs[0]"])
    )


def test_ipv6_fields_need_dualstack(example):
    example["vpc"]["ipv6_cidrs"] = ["2600:1f18:aaaa:bb00::/56"]
    example["peering"] = [peer(ipv6_cidr="2600:1f18:cccc:dd00::/56")]
    found = problems(example)
    assert "only used with ip_address_type: dualstack" in found["vpc.ipv6_cidrs"]
    assert "only used with ip_address_type: dualstack" in found["peering[0].ipv6_cidr"]


def test_ipv6_cidr_format_and_overlap(example):
    example["ip_address_type"] = "dualstack"
    example["peering"] = [peer(ipv6_cidr="2600:1F18::/56")]
    assert "use 2600:1f18::/56" in problems(example)["peering[0].ipv6_cidr"]
    example["vpc"]["ipv6_cidrs"] = ["2600:1f18::/48"]
    example["peering"] = [peer(ipv6_cidr="2600:1f18::/56")]
    assert "overlaps vpc.ipv6_cidrs[0]" in problems(example)["peering[0].ipv6_cidr"]


# ---- the 443 sources ---------------------------------------------------------------------


@pytest.mark.parametrize("field", ["allow_cidrs", "allow_security_group_ids"])
def test_sources_without_a_created_group_are_refused(example, field):
    example["security_group"] = {
        "create": False,
        "existing_ids": ["sg-0dddddddddddddddd"],
        field: ["10.30.0.0/16"] if field == "allow_cidrs" else ["sg-0cccccccccccccccc"],
    }
    assert "silently unused" in problems(example)[f"security_group.{field}"]


def test_two_halves_of_ipv4_are_refused_like_0(example):
    example["security_group"] = {"allow_cidrs": ["0.0.0.0/1", "128.0.0.0/1"]}
    assert "cover every IPv4 address" in problems(example)["security_group.allow_cidrs"]
    example["security_group"] = {"allow_cidrs": ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/2"]}
    assert "cover every IPv4 address" in problems(example)["security_group.allow_cidrs"]
    example["security_group"] = {"allow_cidrs": ["0.0.0.0/1", "128.0.0.0/2"]}
    parse_answers(example)


def test_allow_cidr_equal_to_a_vpc_or_peer_cidr_is_warned_and_rendered_once(example):
    example["vpc"]["extra_cidrs"] = ["100.64.0.0/16"]
    example["peering"] = [peer()]
    example["security_group"] = {
        "allow_cidrs": ["10.0.0.0/16", "100.64.0.0/16", "10.40.0.0/16", "192.168.1.0/24"]
    }
    found = warned(example)
    assert (
        "is vpc.cidr, which has its own 443 rule: rendered once"
        in (found["security_group.allow_cidrs[0]"])
    )
    assert "is vpc.extra_cidrs[0]" in found["security_group.allow_cidrs[1]"]
    assert "is peering[0].cidr" in found["security_group.allow_cidrs[2]"]
    answers = parse_answers(example)
    assert allowed_cidr_blocks(answers) == ["192.168.1.0/24"]
    assert plan_module(answers).module_arguments["allowed_cidr_blocks"] == ["192.168.1.0/24"]
    rendered(example)


def test_rule_quota_counts_extra_and_ipv6_rules(example):
    example["ip_address_type"] = "dualstack"
    example["vpc"]["extra_cidrs"] = ["100.64.0.0/16"]
    example["vpc"]["ipv6_cidrs"] = ["2600:1f18:aaaa:bb00::/56"]
    example["peering"] = [peer(extra_cidrs=["100.65.0.0/16"], ipv6_cidr="2600:1f18:cc::/56")]
    # vpc, vpc_extra, vpc_ipv6 (first), vpc_ipv6_extra, peer, peer_extra, peer_ipv6
    assert ingress_rule_count(parse_answers(example)) == 7


# ---- secondary CIDRs rendered --------------------------------------------------------------


def test_vpc_extra_cidrs_get_ingress_and_peer_routes(example):
    example["vpc"]["extra_cidrs"] = ["100.64.0.0/16"]
    example["peering"] = [peer(extra_cidrs=["100.65.0.0/16"])]
    files = rendered(example)
    main = resources(files, "main.tf")
    rule = main[("aws_vpc_security_group_ingress_rule", "vpc_extra")]
    assert rule["cidr_ipv4"] == "${each.value}"
    assert "var.vpc_extra_cidrs" in rule["for_each"]
    peering = resources(files, "peering.tf")
    assert (
        "extra_cidrs" in peering[("aws_vpc_security_group_ingress_rule", "peer_extra")]["for_each"]
    )
    # one route per table and CIDR, keyed "<table> <cidr>": removing a CIDR deletes its routes
    assert "var.vpc_extra_cidrs" in peering[("aws_route", "from_spoke_extra")]["for_each"]
    assert ".extra_cidrs" in peering[("aws_route", "to_spoke_extra")]["for_each"]
    assert '"${pair[0]} ${pair[1]}"' in peering[("aws_route", "to_spoke_extra")]["for_each"]
    arguments = plan_module(parse_answers(example)).module_arguments
    assert arguments["vpc_extra_cidrs"] == ["100.64.0.0/16"]
    assert arguments["peers"]["spoke"]["extra_cidrs"] == ["100.65.0.0/16"]


def test_no_extra_route_blocks_without_extra_cidrs(example):
    example["peering"] = [peer()]
    peering = resources(rendered(example), "peering.tf")
    assert not [key for key in peering if key[1].endswith(("_extra", "_ipv6"))]


# ---- dualstack -----------------------------------------------------------------------------


def test_aaaa_only_when_every_dns_peer_has_ipv6(example):
    example["ip_address_type"] = "dualstack"
    example["peering"] = [peer(ipv6_cidr="2600:1f18:cccc:dd00::/56")]
    answers = parse_answers(example)
    dns = peering_plan(answers).dns
    assert dns is not None and dns.record_types == ("A", "AAAA")
    record = resources(rendered(example), "peering.tf")[("aws_route53_record", "lambda")]
    assert '"AAAA"' in record["for_each"]

    example["peering"].append(peer(name="v4", vpc_id="vpc-0eeeeeeeeeeeeeeee", cidr="10.60.0.0/16"))
    dns = peering_plan(parse_answers(example)).dns
    assert dns is not None and dns.record_types == ("A",)
    record = resources(rendered(example), "peering.tf")[("aws_route53_record", "lambda")]
    assert record["for_each"] == '${toset(["A"])}'
    assert "v4 has no ipv6_cidr" in warned(example)["peering"]


def test_ipv6_peer_gets_routes_and_rule(example):
    example["ip_address_type"] = "dualstack"
    example["peering"] = [peer(ipv6_cidr="2600:1f18:cccc:dd00::/56")]
    peering = resources(rendered(example), "peering.tf")
    to = peering[("aws_route", "to_spoke_ipv6")]
    assert to["destination_ipv6_cidr_block"] == '${var.peers["spoke"].ipv6_cidr}'
    back = peering[("aws_route", "from_spoke_ipv6")]
    assert "local.vpc_ipv6_cidrs" in back["for_each"]
    assert "ipv6-${pair[1]}" in back["for_each"]
    rule = peering[("aws_vpc_security_group_ingress_rule", "peer_ipv6")]
    assert rule["cidr_ipv6"] == "${each.value.ipv6_cidr}"


def test_vpc_ipv6_ingress_covers_every_ipv6_cidr(example):
    example["ip_address_type"] = "dualstack"
    example["vpc"]["ipv6_cidrs"] = ["2600:1f18:aaaa:bb00::/56"]
    files = rendered(example)
    main = resources(files, "main.tf")
    rule = main[("aws_vpc_security_group_ingress_rule", "vpc_ipv6_extra")]
    # keyed by CIDR: removing one deletes only its rule
    assert "var.vpc_ipv6_cidrs" in rule["for_each"] and "toset(" in rule["for_each"]
    assert "count" not in rule
    assert rule["cidr_ipv6"] == "${each.value}"
    assert "var.vpc_ipv6_cidrs" in files["main.tf"].split("vpc_ipv6_cidrs = ", 1)[1].splitlines()[0]
    assert plan_module(parse_answers(example)).module_arguments["vpc_ipv6_cidrs"] == [
        "2600:1f18:aaaa:bb00::/56"
    ]


@pytest.mark.parametrize("ip_type", ["ipv4", "dualstack"])
def test_dns_options_follow_the_ip_address_type(example, ip_type):
    example["ip_address_type"] = ip_type
    endpoint = resources(rendered(example), "main.tf")[("aws_vpc_endpoint", "lambda")]
    assert endpoint["dns_options"][0]["dns_record_ip_type"] == "${var.ip_address_type}"


def test_verify_catches_missing_dns_options(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = files["main.tf"].replace(
        "dns_record_ip_type = var.ip_address_type", 'dns_record_ip_type = "ipv4"'
    )
    assert any("dns_options" in f.message for f in verify_module(example_answers, files))


# ---- accepter-only peering ----------------------------------------------------------------


def test_accept_needs_connection_id(example):
    example["peering"] = [peer(accept=True)]
    assert "needs connection_id" in problems(example)["peering[0].accept"]


def test_accept_renders_accepter_with_the_endpoint_provider(example):
    example["peering"] = [
        peer(account_id="210987654321", connection_id="pcx-0123456789abcdef0", accept=True)
    ]
    files = rendered(example)
    peering = resources(files, "peering.tf")
    accepter = peering[("aws_vpc_peering_connection_accepter", "spoke")]
    assert "provider" not in accepter  # the endpoint VPC's own account and region accept
    assert accepter["vpc_peering_connection_id"] == ("${data.aws_vpc_peering_connection.spoke.id}")
    assert accepter["auto_accept"] is True
    assert ("aws_vpc_peering_connection", "spoke") not in peering
    connection = data_sources(files, "peering.tf")[("aws_vpc_peering_connection", "spoke")]
    conditions = str(connection["lifecycle"])
    assert "pending-acceptance" in conditions and "self.peer_vpc_id == var.vpc_id" in conditions
    assert (
        "aws_vpc_peering_connection_accepter.spoke.id"
        in files["peering.tf"].split("peering_connection_ids = {", 1)[1].split("}", 1)[0]
    )
    assert "requested by the peer's owner and accepted here" in files["README.md"]


def test_verify_catches_a_missing_accepter(example):
    example["peering"] = [peer(connection_id="pcx-0123456789abcdef0", accept=True)]
    answers = parse_answers(example)
    files = render_module(answers)
    files["peering.tf"] = files["peering.tf"].replace(
        'resource "aws_vpc_peering_connection_accepter" "spoke"',
        'resource "aws_vpc_peering_connection_accepter" "other"',
    )
    messages = [f.message for f in verify_module(answers, files)]
    assert "aws_vpc_peering_connection_accepter.spoke is missing" in messages


# ---- plan-time checks of peers -------------------------------------------------------------


def test_reused_connection_checks_its_cidr_sets(example):
    example["peering"] = [peer(connection_id="pcx-0123456789abcdef0")]
    connection = data_sources(rendered(example), "peering.tf")[
        ("aws_vpc_peering_connection", "spoke")
    ]
    postconditions = connection["lifecycle"][0]["postcondition"]
    cidr_check = [p for p in postconditions if "cidr_block_set" in p["condition"]]
    assert len(cidr_check) == 1
    assert "var.vpc_cidr" in cidr_check[0]["condition"]
    assert 'var.peers["spoke"].cidr' in cidr_check[0]["condition"]


def test_peer_dns_attributes_read_with_the_peer_provider(example):
    example["peering"] = [
        peer(account_id="210987654321"),
        peer(name="quiet", vpc_id="vpc-0eeeeeeeeeeeeeeee", cidr="10.60.0.0/16", dns=False),
    ]
    files = rendered(example)
    data = data_sources(files, "peering.tf")
    vpc = data[("aws_vpc", "peer_spoke")]
    assert vpc["provider"] == "${aws.peer_spoke}"
    cidrs, dns = vpc["lifecycle"][0]["postcondition"]
    assert dns["condition"] == "${self.enable_dns_support && self.enable_dns_hostnames}"
    assert dns["error_message"].startswith("Peer spoke: ")
    # every peer's VPC is read for its CIDRs (issue 25); only DNS peers for the attributes
    assert "self.cidr_block_associations" in cidrs["condition"]
    quiet = data[("aws_vpc", "peer_quiet")]["lifecycle"][0]["postcondition"]
    assert len(quiet) == 1 and "cidr_block_associations" in quiet[0]["condition"]


# ---- endpoint IPs output ------------------------------------------------------------------


def test_endpoint_ip_addresses_output(example_answers):
    files = render_module(example_answers)
    eni = data_sources(files, "main.tf")[("aws_network_interface", "endpoint")]
    assert eni["count"] == "${length(var.subnet_ids)}"
    assert "aws_vpc_endpoint.lambda.network_interface_ids" in eni["id"]
    outputs = {
        name: body
        for entry in parse_hcl(files["outputs.tf"])["output"]
        for name, body in entry.items()
    }
    value = outputs["endpoint_ip_addresses"]["value"]
    assert "eni.subnet_id" in value and "eni.private_ip" in value
    assert "eni.availability_zone" in value
    assert "`endpoint_ip_addresses`" in files["README.md"]


# ---- single subnet --------------------------------------------------------------------------


def test_single_subnet_renders_with_skip_and_warning(example):
    example["subnets"] = example["subnets"][:1]
    files = rendered(example)
    assert (
        "#checkov:skip=CKV_TFGEN_6:the answers list one subnet, subnet-abababab: no AZ "
        "redundancy" in files["main.tf"]
    )
    assert "one subnet: the endpoint has one network interface" in warned(example)["subnets"]
    assert "`subnets`: one subnet" in files["README.md"]
    assert "CKV_TFGEN_6" in files["README.md"]


def test_two_subnets_no_skip(example_answers):
    files = render_module(example_answers)
    assert "CKV_TFGEN_6" not in files["main.tf"]


# ---- README notes ---------------------------------------------------------------------------


def test_readme_explains_remote_dns_resolution_is_not_needed(example):
    example["peering"] = [peer()]
    readme = rendered(example)["README.md"]
    assert "need no `allow_remote_vpc_dns_resolution`" in readme
