"""Fixed endpoint addresses (subnets[].ipv4/ipv6, issue 27): the answers' rules, the rendered
subnet_configuration with its plan-time guard and provider floor, and verify's checks."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from click.testing import CliRunner

from generator.answers.load import parse_answers
from generator.cli.main import cli
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.support.golden_cases import case_answers

CASE = "fixed-ips-dualstack"


@pytest.fixture
def fixed() -> dict[str, Any]:
    return case_answers(CASE)


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def messages(data: dict[str, Any], files: dict[str, str]) -> list[str]:
    return [finding.message for finding in verify_module(parse_answers(data), files)]


def test_every_subnet_or_none(fixed):
    del fixed["subnets"][1]["ipv4"]
    del fixed["subnets"][1]["ipv6"]
    found = problems(fixed)
    assert "every subnet needs one" in found["subnets[1].ipv4"]
    assert "every subnet" in found["subnets[1].ipv6"]


def test_ipv6_exactly_with_dualstack(fixed):
    del fixed["subnets"][0]["ipv6"]
    assert "IPv6 address in every subnet" in problems(fixed)["subnets[0].ipv6"]
    ipv4 = copy.deepcopy(case_answers(CASE))
    ipv4["ip_address_type"] = "ipv4"
    assert "only with ip_address_type: dualstack" in problems(ipv4)["subnets[0].ipv6"]
    for subnet in ipv4["subnets"]:
        del subnet["ipv6"]
    parse_answers(ipv4)  # IPv4 only, on an ipv4 endpoint: fine


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("ipv4", "10.0.1.10", "repeats subnets[0].ipv4"),
        ("ipv4", "192.168.0.10", "outside the VPC's CIDRs in the answers (10.0.0.0/16)"),
        ("ipv4", "10.0.2.300", "is not an IPv4 address"),
        ("ipv4", "010.0.2.1", "is not an IPv4 address"),
        ("ipv4", "10.0.2.0/24", "is not an IPv4 address"),
        ("ipv6", "2600:1F16:AAAA:BB02::10", "not written canonically"),
        ("ipv6", "2600:1f16:aaaa:bb01::10", "repeats subnets[0].ipv6"),
    ],
)
def test_addresses_are_refused_naming_the_field(fixed, field, value, expected):
    fixed["subnets"][1][field] = value
    assert expected in problems(fixed)[f"subnets[1].{field}"]


def test_cli_refuses_with_exit_2_and_writes_nothing(tmp_path, fixed):
    import yaml

    fixed["subnets"][1]["ipv4"] = "192.168.0.10"
    source = tmp_path / "a.yaml"
    source.write_text(yaml.safe_dump(fixed))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["render", str(source), "-o", str(out), "--no-scan"])
    assert result.exit_code == 2, result.output
    assert "subnets[1].ipv4" in result.output
    assert not out.exists()


def test_rendered_configuration_guard_floor_and_readme(fixed):
    answers = parse_answers(fixed)
    files = render_module(answers)
    assert verify_module(answers, files) == []
    example = parse_hcl(files["example/main.tf"])
    (call,) = [body for entry in example["module"] for body in entry.values()]
    assert call["subnet_ip_addresses"] == {
        "subnet-0aaaaaaaaaaaaaaa1": {"ipv4": "10.0.1.10", "ipv6": "2600:1f16:aaaa:bb01::10"},
        "subnet-0aaaaaaaaaaaaaaa2": {"ipv4": "10.0.2.10", "ipv6": "2600:1f16:aaaa:bb02::10"},
    }
    assert 'version = ">= 5.54, < 7.0"' in files["versions.tf"]
    assert "misplaced_ip_addresses" in files["main.tf"]
    assert (
        "`subnet-0aaaaaaaaaaaaaaa1` `10.0.1.10` and `2600:1f16:aaaa:bb01::10`" in files["README.md"]
    )


def test_answers_without_fixed_addresses_keep_the_52_floor_and_no_configuration(example):
    files = render_module(parse_answers(example))
    assert 'version = ">= 5.52, < 7.0"' in files["versions.tf"]
    assert "subnet_configuration" not in files["main.tf"]
    assert "subnet_ip_addresses" not in files["variables.tf"]
    assert "ipv4:" not in files["tfgen.answers.yaml"] and "ipv6:" not in files["tfgen.answers.yaml"]


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "    for_each = var.subnet_ip_addresses\n",
            '    for_each = { "subnet-0aaaaaaaaaaaaaaa1" = { ipv4 = "10.0.1.10" } }\n',
            "one dynamic subnet_configuration over var.subnet_ip_addresses",
        ),
        (
            "condition     = length(local.misplaced_ip_addresses) == 0",
            "condition     = true",
            "lacks the plan-time guard on the fixed addresses",
        ),
    ],
)
def test_verify_reports_a_wrong_configuration(fixed, old, new, expected):
    files = render_module(parse_answers(fixed))
    assert old in files["main.tf"]
    files["main.tf"] = files["main.tf"].replace(old, new, 1)
    assert any(expected in m for m in messages(fixed, files)), messages(fixed, files)


def test_verify_reports_a_floor_that_admits_providers_without_subnet_configuration(fixed):
    files = render_module(parse_answers(fixed))
    files["versions.tf"] = files["versions.tf"].replace(">= 5.54", ">= 5.52")
    assert any("introduced subnet_configuration" in m for m in messages(fixed, files))


def test_verify_reports_a_configuration_the_answers_do_not_ask_for(example, fixed):
    with_block = render_module(parse_answers(fixed))["main.tf"]
    block = with_block[with_block.index('  dynamic "subnet_configuration"') :]
    block = block[: block.index("\n  }\n") + 5]
    files = render_module(parse_answers(example))
    anchor = "  dns_options {\n    dns_record_ip_type = var.ip_address_type\n  }\n"
    files["main.tf"] = files["main.tf"].replace(anchor, anchor + "\n" + block, 1)
    assert any("fix no address" in m for m in messages(example, files)), messages(example, files)
