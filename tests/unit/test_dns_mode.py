"""The DNS mode (issue 25): no implicit day-2 edit leaves the endpoint's VPC without a private
answer for the Lambda API name. The last DNS peer's removal keeps the zone; the first DNS peer
of a module without a zone is refused until `dns_mode: zone` says the switch is meant;
`dns_mode: zone` from day 1 makes the zone without peers; the peers join only once the zone
answers; the endpoint VPC's DNS attributes are checked whenever the zone serves it."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from generator.answers.load import load_answers, parse_answers
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.plan.deployment import plan_deployment
from generator.plan.peering import keep_dns_mode
from generator.render.templates import render_module
from tests.conftest import example_data
from tests.support.cli import tfgen

PEER = {"name": "spoke", "vpc_id": "vpc-0a0a0a0a", "cidr": "10.9.0.0/16"}


def answers(peers=(), **changes):
    data = copy.deepcopy(example_data())
    data["peering"] = [copy.deepcopy(p) for p in peers]
    data.update(changes)
    return parse_answers(data)


def test_the_mode_follows_the_peers_unless_written():
    assert not answers().uses_zone
    assert answers([PEER]).uses_zone
    assert not answers([{**PEER, "dns": False}]).uses_zone
    assert answers(dns_mode="zone").uses_zone
    assert not answers([{**PEER, "dns": False}], dns_mode="endpoint").uses_zone


def test_endpoint_mode_refuses_a_dns_peer_naming_it():
    with pytest.raises(AnswersError) as caught:
        answers([PEER], dns_mode="endpoint")
    [problem] = caught.value.problems
    assert problem.path == "peering[0].dns" and "dns_mode" in problem.message


def test_removing_the_last_dns_peer_keeps_the_zone_with_a_warning():
    kept, warnings = keep_dns_mode(answers([{**PEER, "dns": False}]), answers([PEER]), "m")
    assert kept.dns_mode == "zone" and kept.uses_zone
    assert [w.path for w in warnings] == ["dns_mode"] and "stays" in warnings[0].message


def test_the_first_dns_peer_of_a_module_without_a_zone_is_refused():
    with pytest.raises(AnswersError, match="write dns_mode: zone") as caught:
        keep_dns_mode(answers([PEER]), answers(), "modules/x")
    assert "900 s" in str(caught.value.problems[0])


@pytest.mark.parametrize(
    ("new", "old", "to"),
    [
        ({"peers": [PEER], "dns_mode": "zone"}, {}, "switches to the zone"),
        ({"dns_mode": "endpoint"}, {"peers": [PEER]}, "switches to the endpoint's own"),
    ],
)
def test_a_written_switch_renders_with_what_it_costs(new, old, to):
    new_answers = answers(new.get("peers", ()), **{k: v for k, v in new.items() if k != "peers"})
    kept, warnings = keep_dns_mode(new_answers, answers(old.get("peers", ())), "m")
    assert kept == new_answers
    assert to in warnings[0].message and "no private answer" in warnings[0].message


def test_no_previous_module_or_no_switch_changes_nothing():
    for new, old in (
        (answers([PEER]), None),
        (answers([PEER]), answers([PEER])),
        (answers(), answers()),
    ):
        assert keep_dns_mode(new, old, "m") == (new, [])


def test_zone_from_day_one_renders_the_zone_with_the_endpoints_vpc_only():
    files = render_module(answers(dns_mode="zone", private_dns=False))
    peering = parse_hcl(files["peering.tf"])
    zones = [r for r in peering["resource"] if "aws_route53_zone" in r]
    assert zones and not [r for r in peering["resource"] if "aws_route53_zone_association" in r]
    assert "endpoint_private_dns = false" in files["main.tf"]
    # the zone serves the endpoint's VPC: its DNS attributes are checked, private_dns or not
    assert "condition     = data.aws_vpc.endpoint.enable_dns_support &&" in files["main.tf"]
    root = plan_deployment(answers(dns_mode="zone"))
    assert root.arguments["private_hosted_zone"] is True
    assert root.arguments["private_dns_enabled"] is False


def test_peers_join_only_once_the_zone_answers():
    files = render_module(answers([PEER]))
    association = files["peering.tf"].split('resource "aws_route53_zone_association" "spoke"')[1]
    assert "depends_on = [aws_route53_record.lambda]" in association.split("\n}\n")[0]


def test_the_cli_keeps_the_zone_when_the_last_dns_peer_goes(tmp_path: Path):
    data = copy.deepcopy(example_data())
    data["peering"] = [PEER]
    source, out = tmp_path / "a.yaml", tmp_path / "m"
    source.write_text(yaml.safe_dump(data))
    assert tfgen("render", str(source), "-o", str(out), "--no-scan").returncode == 0
    data["peering"] = [{**PEER, "dns": False}]
    source.write_text(yaml.safe_dump(data))
    run = tfgen("render", str(source), "-o", str(out), "--no-scan")
    assert run.returncode == 0, run.stderr
    assert "stays" in run.stderr
    assert load_answers(out / "tfgen.answers.yaml").dns_mode == "zone"
    assert "aws_route53_zone" in (out / "peering.tf").read_text()
    # and the first DNS peer of a module without a zone: exit 2, nothing written
    plain = tmp_path / "plain"
    data["peering"] = []
    source.write_text(yaml.safe_dump(data))
    assert tfgen("render", str(source), "-o", str(plain), "--no-scan").returncode == 0
    before = {p.name: p.read_bytes() for p in plain.iterdir() if p.is_file()}
    data["peering"] = [PEER]
    source.write_text(yaml.safe_dump(data))
    run = tfgen("render", str(source), "-o", str(plain), "--no-scan")
    assert run.returncode == 2 and "write dns_mode: zone" in " ".join(run.stderr.split())
    assert {p.name: p.read_bytes() for p in plain.iterdir() if p.is_file()} == before


def test_the_endpoints_private_dns_is_owned_by_one_resource():
    """The provider documents leaving private_dns_enabled off aws_vpc_endpoint when
    aws_vpc_endpoint_private_dns manages it (issue 25): only that resource sets it, the
    endpoint ignores it (an older tfgen's endpoint with the argument plans no change)."""
    from generator.plan.deployment import plan_deployment
    from generator.run.deployment import deployment_files
    from generator.run.shared import shared_module_files
    from generator.verify.module import verify_module

    example = answers()
    files = render_module(example)
    shared = shared_module_files()
    for main in (files["main.tf"], shared["main.tf"]):
        parsed = parse_hcl(main)
        endpoint = next(
            r["aws_vpc_endpoint"]["lambda"] for r in parsed["resource"] if "aws_vpc_endpoint" in r
        )
        manager = next(
            r["aws_vpc_endpoint_private_dns"]["lambda"]
            for r in parsed["resource"]
            if "aws_vpc_endpoint_private_dns" in r
        )
        assert "private_dns_enabled" not in endpoint
        assert manager["private_dns_enabled"] == "${local.endpoint_private_dns}"
        assert "private_dns_enabled" in str(endpoint["lifecycle"][0]["ignore_changes"])
    assert deployment_files(plan_deployment(example))  # the root renders over it
    both = dict(files)
    both["main.tf"] = files["main.tf"].replace(
        "  ip_address_type    = var.ip_address_type",
        "  private_dns_enabled = local.endpoint_private_dns\n"
        "  ip_address_type    = var.ip_address_type",
        1,
    )
    assert any("private_dns_enabled" in str(f) for f in verify_module(example, both))


def test_aws_default_quotas_are_warned_before_apply():
    """Issue 25: no warning near AWS's default quotas of 50 active peerings per VPC and 50
    routes per route table (both adjustable)."""
    from generator.answers.rules import quota_warnings

    def peer(i: int, **extra):
        return {
            "name": f"p{i}",
            "vpc_id": f"vpc-{i:08x}",
            "cidr": f"10.{(i // 250) + 100}.{i % 250}.0/24",
            "local_route_table_ids": ["rtb-0aaaaaaaaaaaaaaa1"],
            "dns": False,
            **extra,
        }

    few = answers([peer(i) for i in range(10)])
    assert quota_warnings(few) == []
    many = answers([peer(i) for i in range(51)])
    messages = [w.message for w in quota_warnings(many)]
    assert any("51 peers" in m and "quota" in m for m in messages)
    assert any("51 routes to peers in rtb-0aaaaaaaaaaaaaaa1" in m for m in messages)
    assert all(w.path == "peering" for w in quota_warnings(many))
