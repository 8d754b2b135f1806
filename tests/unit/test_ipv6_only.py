"""IPv6-only endpoints (ip_address_type: ipv6, issue 27): the answers' rules, the rendered
rules and DNS record type, and the plan-time guards verify requires."""

from __future__ import annotations

from typing import Any

import pytest

from generator.answers.load import parse_answers
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.support.golden_cases import case_answers

CASE = "ipv6-only"


@pytest.fixture
def v6() -> dict[str, Any]:
    return case_answers(CASE)


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def test_ipv4_sources_peers_and_the_zone_are_refused(v6):
    v6["security_group"] = {"allow_cidrs": ["192.168.0.0/16"]}
    v6["dns_mode"] = "zone"
    v6["peering"] = [
        {
            "name": "spoke",
            "vpc_id": "vpc-0bbbbbbbbbbbbbbbb",
            "cidr": "10.1.0.0/16",
            "ipv6_cidr": "2600:1f16:bbbb:cc00::/56",
            "route_table_ids": ["rtb-0bbbbbbbbbbbbbbb1"],
        }
    ]
    found = problems(v6)
    assert "IPv4 sources cannot reach an IPv6-only endpoint" in found["security_group.allow_cidrs"]
    assert "not with ip_address_type: ipv6 yet" in found["peering"]
    assert "not with ip_address_type: ipv6 yet" in found["dns_mode"]


def test_fixed_addresses_are_ipv6_alone(v6):
    v6["subnets"][0]["ipv4"] = "10.0.1.10"
    assert "IPv6-only endpoint has no IPv4 address" in problems(v6)["subnets[0].ipv4"]
    del v6["subnets"][0]["ipv4"]
    del v6["subnets"][1]["ipv6"]
    assert "takes an IPv6 address in every subnet" in problems(v6)["subnets[1].ipv6"]


def test_rendered_rules_dns_and_guards(v6):
    answers = parse_answers(v6)
    files = render_module(answers)
    assert verify_module(answers, files) == []
    main = parse_hcl(files["main.tf"])
    rules = {
        name: body
        for entry in main["resource"]
        for kind, named in entry.items()
        if kind == "aws_vpc_security_group_ingress_rule"
        for name, body in named.items()
    }
    # IPv4 rules are counted out for ipv6, the IPv6 ones in
    assert '!= "ipv6"' in rules["vpc"]["count"]
    assert '!= "ipv6"' in rules["vpc_extra"]["for_each"]
    assert '!= "ipv4"' in rules["vpc_ipv6"]["count"]
    example = parse_hcl(files["example/main.tf"])
    (call,) = [body for entry in example["module"] for body in entry.values()]
    assert call["ip_address_type"] == "ipv6"
    assert call["subnet_ip_addresses"]["subnet-0aaaaaaaaaaaaaaa1"] == {
        "ipv6": "2600:1f16:aaaa:bb01::10"
    }
    assert "dns_record_ip_type = var.ip_address_type" in files["main.tf"]
    assert "IPv6-only: the endpoint's interfaces have IPv6 addresses only" in files["README.md"]


def test_verify_requires_the_ipv6_only_subnet_guard(v6):
    answers = parse_answers(v6)
    files = render_module(answers)
    guard = (
        'condition     = var.ip_address_type != "ipv6" || length(local.dual_stack_subnet_ids) == 0'
    )
    assert guard in files["main.tf"]
    files["main.tf"] = files["main.tf"].replace(guard, "condition     = true", 1)
    found = [f.message for f in verify_module(answers, files)]
    assert any("ipv6 must fail plan where subnets are not IPv6-only" in m for m in found), found
