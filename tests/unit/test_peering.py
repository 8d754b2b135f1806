"""Peering (F7): the plan, the rendered peering.tf and example wiring, and verify's checks.

Real terraform (fmt/init/validate) and checkov run on the peering golden cases through
tests/integration/test_terraform.py and tests/integration/test_scan.py; terraform apply
against moto is in tests/integration/test_moto_peering.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.cli.main import cli
from generator.core.hcl import parse_hcl
from generator.plan.peering import endpoint_private_dns, peering_plan, peers_argument
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.support.golden_cases import case_answers

SAME = "peering-same-account"
CROSS = "peering-cross-account-region"
MIXED = "peering-three-mixed"


def answers_of(case: str, **changes: Any):
    data = case_answers(case)
    data.update(changes)
    return parse_answers(data)


def resources(text: str) -> dict[tuple[str, str], dict[str, Any]]:
    parsed = parse_hcl(text)
    return {
        (block_type, name): body
        for entry in parsed.get("resource", [])
        for block_type, named in entry.items()
        for name, body in named.items()
        if name != "__is_block__"
    }


def messages(answers, files: dict[str, str]) -> list[str]:
    return [finding.message for finding in verify_module(answers, files)]


# ---- plan ----


def test_same_account_same_region_peer_is_auto_accepted_without_alias():
    plan = peering_plan(answers_of(SAME))
    (peer,) = plan.peers
    assert (peer.alias, peer.creates_connection, peer.auto_accept, peer.needs_accepter) == (
        None,
        True,
        True,
        False,
    )
    assert plan.aliases == ()


def test_cross_account_region_peer_reuses_its_connection_through_an_alias():
    plan = peering_plan(answers_of(CROSS))
    (peer,) = plan.peers
    assert peer.alias == "peer_data_science" and peer.provider == "aws.peer_data_science"
    assert peer.cross_account and peer.cross_region
    assert not peer.creates_connection and not peer.needs_accepter


def test_mixed_peers_get_accepters_only_across_accounts_or_regions():
    plan = peering_plan(answers_of(MIXED))
    accepted = {peer.name: peer.needs_accepter for peer in plan.peers}
    assert accepted == {"web": False, "batch-eu-central": True, "partner": True}
    assert [peer.alias for peer in plan.aliases] == ["peer_batch_eu_central", "peer_partner"]


def test_every_dns_peer_joins_by_its_own_association():
    dns = peering_plan(answers_of(SAME)).dns
    assert [m.label for m in dns.associations] == ["analytics"]
    mixed = peering_plan(answers_of(MIXED)).dns
    assert [m.label for m in mixed.associations] == ["web", "batch_eu_central"]
    assert not any(m.needs_authorization for m in mixed.associations)
    assert peering_plan(answers_of(MIXED, private_dns=True)).dns == mixed


def test_only_cross_account_dns_peers_still_join_the_endpoint_accounts_zone():
    dns = peering_plan(answers_of(CROSS)).dns
    (member,) = dns.associations
    assert member.needs_authorization and member.provider == "aws.peer_data_science"
    text = render_module(answers_of(CROSS))["peering.tf"]
    found = resources(text)
    assert "provider" not in found[("aws_route53_zone", "lambda")]
    assert "provider" not in found[("aws_route53_vpc_association_authorization", "data_science")]
    assert found[("aws_route53_zone_association", "data_science")]["provider"] == (
        "${aws.peer_data_science}"
    )


def test_endpoint_private_dns_is_off_only_while_a_peer_has_dns(example_answers):
    assert endpoint_private_dns(example_answers)
    assert not endpoint_private_dns(answers_of(SAME))
    data = case_answers(SAME)
    data["peering"][0]["dns"] = False
    assert endpoint_private_dns(parse_answers(data))
    main = parse_hcl(render_module(answers_of(SAME))["main.tf"])
    endpoint_locals = {k: v for entry in main["locals"] for k, v in entry.items()}
    assert endpoint_locals["endpoint_private_dns"] is False


def test_cross_account_association_needs_an_authorization():
    data = case_answers(MIXED)
    data["peering"][2]["dns"] = True  # partner, account 444455556666
    dns = peering_plan(parse_answers(data)).dns
    needs = {m.label: m.needs_authorization for m in dns.associations}
    assert needs == {"web": False, "batch_eu_central": False, "partner": True}
    partner = next(m for m in dns.associations if m.label == "partner")
    assert partner.provider == "aws.peer_partner"


def test_no_dns_peers_no_zone():
    data = case_answers(SAME)
    data["peering"][0]["dns"] = False
    assert peering_plan(parse_answers(data)).dns is None
    assert "aws_route53_zone" not in render_module(parse_answers(data))["peering.tf"]


def test_peers_argument_writes_the_region_out():
    argument = peers_argument(peering_plan(answers_of(SAME)))
    assert argument["analytics"]["region"] == "us-east-2"
    assert argument["analytics"]["account_id"] is None


# ---- rendered HCL ----


def test_no_peers_no_peering_file_and_no_peers_variable(example_answers):
    files = render_module(example_answers)
    assert "peering.tf" not in files
    assert 'variable "peers"' not in files["variables.tf"]
    assert "configuration_aliases" not in files["versions.tf"]


def test_same_account_peer_renders_connection_routes_rule_and_zone():
    files = render_module(answers_of(SAME))
    found = resources(files["peering.tf"])
    connection = found[("aws_vpc_peering_connection", "analytics")]
    assert connection["auto_accept"] is True and "peer_region" not in connection
    assert found[("aws_route", "to_analytics")]["destination_cidr_block"] == (
        '${var.peers["analytics"].cidr}'
    )
    assert found[("aws_route", "from_analytics")]["destination_cidr_block"] == "${var.vpc_cidr}"
    assert found[("aws_vpc_security_group_ingress_rule", "peer")]["from_port"] == 443
    zone = found[("aws_route53_zone", "lambda")]
    assert [vpc["vpc_id"] for vpc in zone["vpc"]] == ["${var.vpc_id}"]
    assert zone["depends_on"] == ["${aws_vpc_endpoint_private_dns.lambda}"]
    association = found[("aws_route53_zone_association", "analytics")]
    assert association["vpc_id"] == '${var.peers["analytics"].vpc_id}'
    assert ("aws_route53_zone_association", "endpoint") not in found


def test_peer_cidr_reaches_the_example_and_the_ingress_rule():
    files = render_module(answers_of(SAME))
    call = parse_hcl(files["example/main.tf"])["module"][0]["lambda_endpoint"]
    assert call["peers"]["analytics"]["cidr"] == "10.1.0.0/16"
    rule = resources(files["peering.tf"])[("aws_vpc_security_group_ingress_rule", "peer")]
    assert rule["cidr_ipv4"] == "${each.value.cidr}"
    assert "peer VPC ${each.key}" in rule["description"]


def test_cross_account_example_declares_alias_with_assume_role_placeholder():
    files = render_module(answers_of(CROSS))
    example = parse_hcl(files["example/main.tf"])
    aliases = [body["aws"] for body in example["provider"] if "alias" in body["aws"]]
    assert [(a["alias"], a["region"]) for a in aliases] == [("peer_data_science", "us-west-2")]
    assert ":222233334444:role/" in aliases[0]["assume_role"][0]["role_arn"]
    versions = parse_hcl(files["versions.tf"])
    config = versions["terraform"][0]["required_providers"][0]["aws"]
    assert config["configuration_aliases"] == ["${aws.peer_data_science}"]
    route = resources(files["peering.tf"])[("aws_route", "from_data_science")]
    assert route["provider"] == "${aws.peer_data_science}"


def test_the_endpoint_vpc_is_the_zones_anchor_never_an_association():
    for case in (SAME, CROSS, MIXED):
        for private_dns in (True, False):
            text = render_module(answers_of(case, private_dns=private_dns))["peering.tf"]
            found = resources(text)
            zone = found[("aws_route53_zone", "lambda")]
            assert [vpc["vpc_id"] for vpc in zone["vpc"]] == ["${var.vpc_id}"], case
            for (block_type, _), body in found.items():
                if block_type == "aws_route53_zone_association":
                    assert body["vpc_id"] != "${var.vpc_id}", case


def test_alias_targets_the_regional_name_by_shape():
    text = render_module(answers_of(SAME))["peering.tf"]
    assert "dns_entry[0]" not in text
    record = resources(text)[("aws_route53_record", "lambda")]
    assert record["alias"][0]["name"] == "${local.endpoint_regional_dns.dns_name}"


def test_dualstack_adds_an_aaaa_alias_only_for_ipv6_peers():
    data = case_answers(SAME)
    data["ip_address_type"] = "dualstack"
    text = render_module(parse_answers(data))["peering.tf"]
    record = resources(text)[("aws_route53_record", "lambda")]
    assert record["for_each"] == '${toset(["A"])}'  # the peer has no ipv6_cidr
    for peer in data["peering"]:
        peer["ipv6_cidr"] = "2600:1f18:cccc:dd00::/56"
    text = render_module(parse_answers(data))["peering.tf"]
    record = resources(text)[("aws_route53_record", "lambda")]
    assert "AAAA" in record["for_each"]


def test_peering_output_is_deterministic():
    assert render_module(answers_of(MIXED)) == render_module(answers_of(MIXED))


# ---- verify catches wrong peering HCL ----


@pytest.mark.parametrize(
    ("case", "old", "new", "expected"),
    [
        (SAME, "  auto_accept = true\n", "  auto_accept = false\n", "auto_accept is False"),
        (
            SAME,
            "destination_cidr_block    = var.vpc_cidr",
            'destination_cidr_block    = "0.0.0.0/0"',
            "aws_route.from_analytics.destination_cidr_block",
        ),
        (
            MIXED,
            "  provider = aws.peer_partner\n\n  vpc_peering_connection_id",
            "  vpc_peering_connection_id",
            "aws_vpc_peering_connection_accepter.partner uses provider None",
        ),
        (
            CROSS,
            'id = var.peers["data-science"].connection_id',
            'id = "pcx-0123456789abcdef0"',
            "data.aws_vpc_peering_connection.data_science must read connection",
        ),
        (
            SAME,
            '  vpc_id     = var.peers["analytics"].vpc_id\n  vpc_region = var.peers["analytics"]',
            '  vpc_id     = var.vpc_id\n  vpc_region = var.peers["analytics"]',
            "associates the endpoint VPC",
        ),
        (
            SAME,
            "    vpc_id     = var.vpc_id\n",
            '    vpc_id     = var.peers["analytics"].vpc_id\n',
            "expected only the endpoint VPC",
        ),
        (
            SAME,
            "  depends_on = [aws_vpc_endpoint_private_dns.lambda]\n",
            "",
            "must depend on aws_vpc_endpoint_private_dns.lambda",
        ),
        (
            SAME,
            "zone_id                = local.endpoint_regional_dns.hosted_zone_id",
            'zone_id                = "Z123"',
            "aws_route53_record.lambda alias zone_id",
        ),
        (
            SAME,
            "endpoint_regional_dns = [for entry",
            "endpoint_regional_dns = aws_vpc_endpoint.lambda.dns_entry[0]\n  unused = [for entry",
            "must not take dns_entry[0]",
        ),
        (
            SAME,
            'remote = ["rtb-0bbbbbbbbbbbbbbb1"]',
            'remote = ["rtb-0ffffffffffffffff"]',
            'expected the answers\' route tables {"local": ["rtb-0ccccccccccccccc1"]',
        ),
        (
            SAME,
            'for_each = local.peer_route_tables["analytics"]',
            'for_each = { for index, id in var.peers["analytics"].route_table_ids : index => id }',
            "aws_route.from_analytics.for_each",
        ),
    ],
)
def test_verify_reports_wrong_peering_hcl(case, old, new, expected):
    answers = answers_of(case)
    files = render_module(answers)
    assert messages(answers, files) == []
    assert old in files["peering.tf"], "the test's anchor text is gone from the template"
    files["peering.tf"] = files["peering.tf"].replace(old, new, 1)
    assert any(expected in message for message in messages(answers, files)), messages(
        answers, files
    )


def test_verify_reports_a_missing_alias_and_providers_map():
    answers = answers_of(MIXED)
    files = render_module(answers)
    example = files["example/main.tf"]
    files["example/main.tf"] = example.replace(
        "    aws.peer_partner          = aws.peer_partner\n", ""
    )
    assert any("passes providers" in m for m in messages(answers, files))
    files["versions.tf"] = files["versions.tf"].replace(", aws.peer_partner]", "]")
    assert any("configuration_aliases" in m for m in messages(answers, files))


def test_verify_reports_an_extra_route_and_a_missing_peering_file():
    answers = answers_of(SAME)
    files = render_module(answers)
    extra = files["peering.tf"] + (
        '\nresource "aws_route" "sneaky" {\n  route_table_id = "rtb-1234abcd"\n'
        '  destination_cidr_block = "0.0.0.0/0"\n  gateway_id = "igw-1234abcd"\n}\n'
    )
    assert any(
        "aws_route.sneaky is not produced" in m
        for m in messages(answers, {**files, "peering.tf": extra})
    )
    del files["peering.tf"]
    assert "file is missing from the module" in messages(answers, files)


def test_verify_reports_example_peers_that_differ_from_the_answers():
    answers = answers_of(SAME)
    files = render_module(answers)
    files["example/main.tf"] = files["example/main.tf"].replace(
        'cidr                  = "10.1.0.0/16"', 'cidr                  = "10.9.0.0/16"'
    )
    assert any("module argument peers" in m for m in messages(answers, files))


# ---- CLI: warnings ----


def test_render_reports_warnings_in_json_and_text(tmp_path, example):
    from click.testing import CliRunner

    example["peering"] = [
        {
            "name": "lonely",
            "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
            "cidr": "10.1.0.0/16",
            "local_route_table_ids": [],
        }
    ]
    source = tmp_path / "answers.json"
    source.write_text(json.dumps(example))
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["render", str(source), "-o", str(tmp_path / "out"), "--no-scan", "--format", "json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [w["path"] for w in report["warnings"]] == [
        "peering[0].route_table_ids",
        "peering[0].local_route_table_ids",
    ]
    text = runner.invoke(cli, ["render", str(source), "-o", str(tmp_path / "out2"), "--no-scan"])
    assert text.exit_code == 0
    assert "warning peering[0].route_table_ids: empty" in text.stderr


def test_verify_requires_the_peer_ipv6_cidr_check():
    """A peer's ipv6_cidr is routed and admitted: plan must fail when it is not the VPC's."""
    answers = answers_of("network-extra-cidrs-ipv6-accept")
    files = render_module(answers)
    assert messages(answers, files) == []
    text = files["peering.tf"]
    start = text.index(
        "    postcondition {\n      condition     = try(cidrhost(self.ipv6_cidr_block"
    )
    end = text.index("    }\n", start) + len("    }\n")
    files["peering.tf"] = text[:start] + text[end:]
    assert any("its ipv6_cidr too" in message for message in messages(answers, files))
