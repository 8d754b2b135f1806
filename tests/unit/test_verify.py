"""Verify: the parsed module must say what the answers say; every mismatch is precise."""

from __future__ import annotations

import re

from generator.answers.load import parse_answers
from generator.render.templates import render_module
from generator.verify.module import verify_module


def messages(answers, files) -> list[str]:
    return [str(finding) for finding in verify_module(answers, files)]


def test_rendered_example_verifies(example_answers):
    assert messages(example_answers, render_module(example_answers)) == []


def test_policy_mismatch_is_reported(example_answers):
    files = render_module(example_answers)
    files["example/main.tf"] = files["example/main.tf"].replace(
        '"arn:aws:lambda:us-east-2:123456789012:function:my-function:*",\n', "", 1
    )
    found = messages(example_answers, files)
    assert any("endpoint policy decodes to" in m for m in found), found


def test_wrong_port_is_reported(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = files["main.tf"].replace(
        "to_port           = 443", "to_port           = 8443", 1
    )
    assert any("to_port is 8443, expected 443" in m for m in messages(example_answers, files))


def test_open_ingress_and_egress_are_reported(example_answers):
    files = render_module(example_answers)
    files["main.tf"] += (
        'resource "aws_vpc_security_group_egress_rule" "all" {\n'
        '  security_group_id = "sg-1"\n  ip_protocol = "-1"\n  cidr_ipv4 = "0.0.0.0/0"\n}\n'
    )
    assert any("no egress rule" in m for m in messages(example_answers, files))


def test_missing_guard_is_reported(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = files["main.tf"].replace(
        "data.aws_vpc.endpoint.enable_dns_hostnames", "true"
    )
    assert any("enableDnsHostnames" in m for m in messages(example_answers, files))


def test_answers_and_module_disagree(example):
    other = dict(example)
    other["vpc"] = {"id": "vpc-0123abcd", "cidr": "10.9.0.0/16"}
    files = render_module(parse_answers(other))
    found = messages(parse_answers(example), files)
    assert any("vpc_id is 'vpc-0123abcd', the answers say 'vpc-ec43eb89'" in m for m in found)
    assert any("vpc_cidr" in m for m in found)


def test_unparseable_file_is_reported(example_answers):
    files = render_module(example_answers)
    files["outputs.tf"] = "output {{{"
    assert any("does not parse as HCL" in m for m in messages(example_answers, files))


def test_schema_problem_is_reported(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = files["main.tf"].replace(
        "private_dns_enabled = local", "private_dns       = local", 1
    )
    found = messages(example_answers, files)
    assert any(m.startswith("schema: main.tf") and "private_dns" in m for m in found), found


def test_private_dns_managed_in_place_is_verified(example_answers):
    files = render_module(example_answers)
    assert messages(example_answers, files) == []
    no_ignore = files["main.tf"].replace("    ignore_changes = [private_dns_enabled]\n", "", 1)
    assert no_ignore != files["main.tf"]
    found = messages(example_answers, {**files, "main.tf": no_ignore})
    assert any("must ignore changes to private_dns_enabled" in m for m in found), found
    forced = files["main.tf"].replace(
        "endpoint_private_dns = var.private_dns_enabled", "endpoint_private_dns = false", 1
    )
    assert forced != files["main.tf"]
    found = messages(example_answers, {**files, "main.tf": forced})
    assert any("local.endpoint_private_dns is False" in m for m in found), found


def test_private_dns_is_off_while_a_peer_has_dns():
    from generator.answers.load import parse_answers
    from tests.support.golden_cases import case_answers

    answers = parse_answers(case_answers("peering-same-account"))
    files = render_module(answers)
    assert messages(answers, files) == []
    on = files["main.tf"].replace(
        "endpoint_private_dns = false", "endpoint_private_dns = var.private_dns_enabled", 1
    )
    assert on != files["main.tf"]
    found = messages(answers, {**files, "main.tf": on})
    assert any("a peer has dns: true" in m for m in found), found


def test_a_count_on_ids_or_data_attributes_is_reported(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = files["main.tf"].replace(
        "count = length(var.subnet_ids)", "for_each = toset(var.subnet_ids)", 1
    )
    anchor = 'var.ip_address_type != "ipv4" ? 1 : 0'
    assert anchor in files["main.tf"]
    files["main.tf"] = files["main.tf"].replace(
        anchor,
        'var.ip_address_type != "ipv4" && data.aws_vpc.endpoint.ipv6_cidr_block != "" ? 1 : 0',
        1,
    )
    found = messages(example_answers, files)
    assert any("data.aws_subnet.endpoint.for_each depends on .subnet_ids" in m for m in found), (
        found
    )
    assert any("vpc_ipv6.count depends on data." in m for m in found), found


def test_the_service_guards_are_required(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = (
        files["main.tf"]
        .replace("length(local.unoffered_subnet_ids) == 0", "true", 1)
        .replace("length(local.repeated_az_ids) == 0", "true", 1)
    )
    found = messages(example_answers, files)
    assert any("AZs the Lambda service does not offer" in m for m in found), found
    assert any("two subnets in one AZ" in m for m in found), found


def test_names_must_come_from_the_service(example_answers):
    files = render_module(example_answers)
    files["main.tf"] = re.sub(
        r"service_name( +)= data\.aws_vpc_endpoint_service\.lambda\.service_name",
        r'service_name\1= "com.amazonaws.us-east-2.lambda"',
        files["main.tf"],
        count=1,
    )
    assert '"com.amazonaws.us-east-2.lambda"' in files["main.tf"]
    found = messages(example_answers, files)
    assert any("aws_vpc_endpoint.lambda.service_name is" in m for m in found), found


def test_moved_blocks_must_match_the_answers():
    answers = parse_answers({**_case("multi-statement-conditions")})
    files = render_module(answers)
    assert messages(answers, files) == []
    moved = files["moved.tf"]
    group_id = answers.security_group.allow_security_group_ids[0]
    files["moved.tf"] = moved.replace(f'["{group_id}"]', '["sg-0000000000000000f"]', 1)
    found = messages(answers, files)
    assert any(f'security_group["{group_id}"]' in m and "is missing" in m for m in found), found
    assert any("sg-0000000000000000f" in m and "not in the answers" in m for m in found), found
    del files["moved.tf"]
    assert any("moved.tf: file is missing" in m for m in messages(answers, files))


def _case(name: str) -> dict:
    import yaml

    from tests.conftest import REPO

    return yaml.safe_load((REPO / "tests" / "cases" / f"{name}.yaml").read_text())


def test_source_group_rules_must_be_keyed_by_the_answers_group_ids():
    """Removing one source group deletes only its rule: the rules are keyed by the answers'
    group ids (local.allowed_security_group_keys), never by position."""
    answers = parse_answers({**_case("multi-statement-conditions")})
    files = render_module(answers)
    assert messages(answers, files) == []
    group_id = answers.security_group.allow_security_group_ids[0]
    keys_line = f'allowed_security_group_keys = ["{group_id}"'
    assert keys_line in files["main.tf"]
    wrong = {
        **files,
        "main.tf": files["main.tf"].replace(
            keys_line, 'allowed_security_group_keys = ["sg-0000000000000000f"', 1
        ),
    }
    assert any("local.allowed_security_group_keys" in m for m in messages(answers, wrong))
    counted = files["main.tf"].replace(
        "for_each = var.create_security_group ? local.allowed_security_groups : {}",
        "for_each = { for index, id in var.allowed_security_group_ids : index => id }",
        1,
    )
    assert counted != files["main.tf"]
    assert any(
        "aws_vpc_security_group_ingress_rule.security_group.for_each" in m
        for m in messages(answers, {**files, "main.tf": counted})
    )
