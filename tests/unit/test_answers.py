"""The questionnaire model and its rules: every rule, every error naming its field path."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.answers.load import load_answers, load_answers_text, parse_answers
from generator.answers.model import json_schema
from generator.core.errors import AnswersError


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def statement(data: dict[str, Any]) -> dict[str, Any]:
    return data["policy"]["statements"][0]


def test_example_loads_and_normalizes(example_answers):
    normalized = example_answers.normalized()
    assert normalized["security_group"] == {
        "create": True,
        "allow_cidrs": [],
        "allow_security_group_ids": [],
        "existing_ids": [],
    }
    assert normalized["policy"]["statements"][0]["effect"] == "Allow"
    assert normalized["peering"] == []


def test_yaml_and_json_give_the_same_model(example, tmp_path: Path):
    (tmp_path / "a.json").write_text(json.dumps(example))
    from generator.render.templates import answers_yaml

    (tmp_path / "b.yaml").write_text(answers_yaml(parse_answers(example)))
    assert load_answers(tmp_path / "a.json") == load_answers(tmp_path / "b.yaml")


def test_all_errors_reported_at_once(example):
    example["vpc"]["id"] = "vpc-XYZ"
    example["subnets"][0]["id"] = "subnet-1"
    example["region"] = "us-east-99x"
    example["colour"] = "blue"
    found = problems(example)
    assert {"vpc.id", "subnets[0].id", "region", "colour"} <= set(found)
    assert "unknown key" in found["colour"]


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("vpc", "id"), "vpc-123", "vpc.id"),
        (("vpc", "id"), "subnet-0123456789abcdef0", "vpc.id"),
        (
            ("security_group", "allow_security_group_ids"),
            ["sg-zz"],
            "security_group.allow_security_group_ids[0]",
        ),
        (("security_group", "existing_ids"), ["sg-1234567"], "security_group.existing_ids[0]"),
        (("vpc", "cidr"), "10.0.0.0/33", "vpc.cidr"),
        (("vpc", "cidr"), "10.0.0.1/16", "vpc.cidr"),
        (("vpc", "cidr"), "10.0.0.0", "vpc.cidr"),
        (("region",), "US-EAST-1", "region"),
        (("name",), "../etc", "name"),
        (("name",), "a/b", "name"),
        (("name",), "Bad", "name"),
        (("ip_address_type",), "ipv7", "ip_address_type"),
        (("version",), 2, "version"),
    ],
)
def test_field_formats(example, path, value, field):
    target = example
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    assert field in problems(example)


def test_host_bits_message_names_network(example):
    example["vpc"]["cidr"] = "10.0.0.1/16"
    assert "10.0.0.0/16" in problems(example)["vpc.cidr"]


def test_peer_ids_checked(example):
    example["peering"] = [
        {
            "name": "p",
            "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
            "cidr": "10.1.0.0/16",
            "connection_id": "pcx-xyz",
            "route_table_ids": ["rtb-1"],
        }
    ]
    found = problems(example)
    assert "peering[0].connection_id" in found
    assert "peering[0].route_table_ids[0]" in found


def peer(name: str, cidr: str, vpc: str = "vpc-0aaaaaaaaaaaaaaaa", **more: Any) -> dict[str, Any]:
    return {"name": name, "vpc_id": vpc, "cidr": cidr, **more}


def test_peer_cidr_overlapping_the_vpc_is_refused(example):
    example["peering"] = [
        peer("same", "10.0.0.0/16"),
        peer("inside", "10.0.8.0/24", "vpc-1234abcd"),
    ]
    found = problems(example)
    assert found["peering[0].cidr"].startswith("10.0.0.0/16 overlaps vpc.cidr 10.0.0.0/16")
    assert found["peering[1].cidr"].startswith("10.0.8.0/24 overlaps vpc.cidr 10.0.0.0/16")


def test_overlapping_peers_are_named_both(example):
    example["peering"] = [peer("a", "10.1.0.0/16"), peer("b", "10.1.128.0/17", "vpc-1234abcd")]
    assert problems(example)["peering[1].cidr"].startswith(
        "10.1.128.0/17 overlaps peering[0].cidr 10.1.0.0/16"
    )


def test_duplicate_peer_names_and_vpcs_are_refused(example):
    example["peering"] = [
        peer("a", "10.1.0.0/16"),
        peer("a", "10.2.0.0/16"),
        peer("c", "10.3.0.0/16", example["vpc"]["id"]),
    ]
    found = problems(example)
    assert found["peering[1].name"] == "'a' is also peering[0].name"
    assert found["peering[1].vpc_id"] == "vpc-0aaaaaaaaaaaaaaaa is also peering[0].vpc_id"
    assert "endpoint's own VPC" in found["peering[2].vpc_id"]


def test_disjoint_distinct_peers_are_accepted(example):
    example["peering"] = [peer("a", "10.1.0.0/16"), peer("b", "10.2.0.0/16", "vpc-1234abcd")]
    answers = parse_answers(example)
    assert [p.name for p in answers.peering] == ["a", "b"]


def test_peer_cidr_equal_to_the_vpc_cidr_names_both_fields(example):
    example["peering"] = [peer("twin", example["vpc"]["cidr"])]
    message = problems(example)["peering[0].cidr"]
    assert "overlaps vpc.cidr" in message and example["vpc"]["cidr"] in message


def test_peer_without_route_tables_is_warned_not_refused(example):
    from generator.answers.rules import warnings

    example["peering"] = [
        peer("a", "10.1.0.0/16", local_route_table_ids=[]),
        peer(
            "b",
            "10.2.0.0/16",
            "vpc-1234abcd",
            route_table_ids=["rtb-1234abcd"],
            local_route_table_ids=["rtb-5678abcd"],
        ),
        # absent: the endpoint subnets' route tables (read at plan), no warning
        peer("c", "10.3.0.0/16", "vpc-1234abce", route_table_ids=["rtb-1234abce"]),
    ]
    answers = parse_answers(example)
    assert answers.peering[2].local_route_table_ids is None
    found = {w.path: w.message for w in warnings(answers)}
    assert sorted(found) == ["peering[0].local_route_table_ids", "peering[0].route_table_ids"]
    assert "will not reach the endpoint" in found["peering[0].route_table_ids"]
    assert "reach a only if routes made elsewhere do" in found["peering[0].local_route_table_ids"]


def test_peers_without_a_created_group_are_warned(example):
    from generator.answers.rules import warnings

    example["security_group"] = {"create": False, "existing_ids": ["sg-0123456789abcdef0"]}
    example["peering"] = [
        peer(
            "a",
            "10.1.0.0/16",
            route_table_ids=["rtb-1234abcd"],
            local_route_table_ids=["rtb-5678abcd"],
        ),
    ]
    found = {w.path: w.message for w in warnings(parse_answers(example))}
    assert list(found) == ["security_group.create"]
    assert "10.1.0.0/16" in found["security_group.create"]


def test_no_peers_no_warnings(example):
    from generator.answers.rules import warnings

    assert warnings(parse_answers(example)) == []


def test_subnets_distinct_and_az_ids_distinct(example):
    example["subnets"].append(dict(example["subnets"][0]))
    found = problems(example)
    assert "repeats subnets[0].id" in found["subnets[2].id"]
    assert "repeats subnets[0].az_id" in found["subnets[2].az_id"]


def test_use1_az3_refused_with_reason(example):
    example["region"] = "us-east-1"
    statement(example)["functions"] = ["arn:aws:lambda:us-east-1:123456789012:function:f"]
    example["subnets"] = [{"id": "subnet-abababab", "az_id": "use1-az3"}]
    message = problems(example)["subnets[0].az_id"]
    assert "limited capacity" in message and "use1-az3" in message


def test_az_id_must_be_in_region(example):
    example["subnets"][0]["az_id"] = "euw1-az1"
    assert "start with use2-" in problems(example)["subnets[0].az_id"]


def test_az_name_instead_of_id(example):
    example["subnets"][0]["az_id"] = "us-east-2a"
    assert "AZ id" in problems(example)["subnets[0].az_id"]


def test_at_least_one_subnet(example):
    example["subnets"] = []
    assert "subnets" in problems(example)


@pytest.mark.parametrize(
    "principal",
    [
        "111122223333",
        "arn:aws:iam::111122223333:role/app",
        "arn:aws:sts::111122223333:assumed-role/app/session",
    ],
)
def test_principals_accepted(example, principal):
    statement(example)["principals"] = [principal]
    parse_answers(example)


@pytest.mark.parametrize(
    "principal", ["1111", "arn:aws:iam::111122223333:group/g", "arn:aws:s3:::bucket", "MyUser"]
)
def test_principals_refused(example, principal):
    statement(example)["principals"] = [principal]
    assert "IAM principal" in problems(example)["policy.statements[0].principals[0]"]


def test_misspelled_action_gets_did_you_mean(example):
    statement(example)["actions"] = ["lambda:InvokeFuntion"]
    message = problems(example)["policy.statements[0].actions[0]"]
    assert "did you mean 'lambda:InvokeFunction'" in message


def test_non_lambda_action_refused(example):
    statement(example)["actions"] = ["s3:GetObject"]
    assert "not a Lambda action" in problems(example)["policy.statements[0].actions[0]"]


def test_known_actions_accepted(example):
    statement(example)["actions"] = [
        "lambda:InvokeFunction",
        "lambda:GetFunction",
        "lambda:InvokeFunctionUrl",
    ]
    parse_answers(example)


def test_function_in_other_region_refused(example):
    statement(example)["functions"] = ["arn:aws:lambda:eu-west-1:123456789012:function:f"]
    message = problems(example)["policy.statements[0].functions[0]"]
    assert "eu-west-1" in message and "own region" in message


@pytest.mark.parametrize(
    "function",
    [
        "arn:aws:lambda:us-east-2:1234:function:f",
        "arn:aws:lambda:us-east-2:123456789012:layer:f",
        "arn:aws:s3:::bucket/f",
    ],
)
def test_malformed_function_arn(example, function):
    statement(example)["functions"] = [function]
    assert "not a Lambda function ARN" in problems(example)["policy.statements[0].functions[0]"]


def test_explicit_star_qualifier_refused(example):
    statement(example)["functions"] = [statement(example)["functions"][0] + ":*"]
    assert "adds the ':*'" in problems(example)["policy.statements[0].functions[0]"]


def test_bare_function_name_needs_account(example):
    statement(example)["functions"] = ["my-function"]
    assert "set account_id" in problems(example)["policy.statements[0].functions[0]"]
    example["account_id"] = "123456789012"
    parse_answers(example)


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("principals", ["*"]),
        ("actions", ["lambda:*"]),
        ("actions", ["lambda:Get*"]),
        ("functions", ["arn:aws:lambda:us-east-2:123456789012:function:*"]),
    ],
)
def test_wildcards_need_opt_in(example, where, value):
    statement(example)[where] = value
    assert "allow_wildcards" in problems(example)[f"policy.statements[0].{where}[0]"]
    example["policy"]["allow_wildcards"] = True
    parse_answers(example)


def test_wildcard_matching_nothing_refused(example):
    example["policy"]["allow_wildcards"] = True
    statement(example)["actions"] = ["lambda:Frobnicate*"]
    assert "matches no Lambda action" in problems(example)["policy.statements[0].actions[0]"]


def test_policy_required_unless_full_access(example):
    example["policy"] = {}
    assert "full_access" in problems(example)["policy.statements"]
    example["policy"] = {"full_access": True}
    parse_answers(example)


def test_full_access_and_statements_conflict(example):
    example["policy"]["full_access"] = True
    assert "not both" in problems(example)["policy.statements"]


def test_policy_size_limit(example):
    functions = [
        f"arn:aws:lambda:us-east-2:123456789012:function:function-number-{i:04d}"
        for i in range(200)
    ]
    statement(example)["functions"] = functions
    assert "20480" in problems(example)["policy"]


def test_condition_operator_checked(example):
    statement(example)["conditions"] = {"StringEqual": {"aws:PrincipalOrgID": "o-abc"}}
    message = problems(example)["policy.statements[0].conditions.StringEqual"]
    assert "did you mean 'StringEquals'" in message


def test_condition_values_kept_as_text(example):
    statement(example)["conditions"] = {
        "Bool": {"aws:SecureTransport": True},
        "ForAnyValue:StringLike": {"aws:PrincipalTag/team": ["a*"]},
    }
    answers = parse_answers(example)
    assert answers.policy.statements[0].conditions["Bool"] == {"aws:SecureTransport": "true"}


def test_sid_format_and_unique(example):
    statement(example)["sid"] = "bad sid"
    assert "letters and digits" in problems(example)["policy.statements[0].sid"]
    statement(example)["sid"] = "Ok1"
    example["policy"]["statements"].append(dict(statement(example)))
    assert "repeats" in problems(example)["policy.statements[1].sid"]


def test_security_group_needs_some_group(example):
    example["security_group"] = {"create": False}
    assert "existing group" in problems(example)["security_group.existing_ids"]
    example["security_group"]["existing_ids"] = ["sg-1a2b3c4d"]
    parse_answers(example)


def test_open_cidr_refused(example):
    example["security_group"]["allow_cidrs"] = ["0.0.0.0/0"]
    assert "every address" in problems(example)["security_group.allow_cidrs[0]"]


def test_tag_rules(example):
    example["tags"] = {"aws:owner": "x", "Team": "a\nb", "Ok": "fine: yes/no = +-@_."}
    found = problems(example)
    assert "reserved" in found["tags.aws:owner"]
    assert "U+000A" in found["tags.Team"]
    assert "tags.Ok" not in found


def test_duplicate_yaml_keys_refused():
    with pytest.raises(AnswersError) as caught:
        load_answers_text("version: 1\nname: a\nname: b\n")
    assert "duplicate key 'name'" in str(caught.value)


def test_yaml_aliases_refused():
    with pytest.raises(AnswersError) as caught:
        load_answers_text("a: &x [1, 2]\nb: *x\n")
    assert "aliases" in str(caught.value)


def test_malformed_yaml_has_location():
    with pytest.raises(AnswersError) as caught:
        load_answers_text("version: 1\nname: [unclosed\n")
    assert "line" in str(caught.value)


def test_not_a_mapping():
    with pytest.raises(AnswersError):
        load_answers_text("- just\n- a list\n")


def test_json_schema_describes_fields():
    schema = json_schema()
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) >= {"version", "name", "region", "vpc", "subnets"}
    assert "use1-az3" in json.dumps(schema)


def test_errors_never_echo_a_long_condition_value(example):
    secret = "s3cr3t-" * 80
    example["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": {"nested": secret}}
    }
    found = problems(example)
    (message,) = [m for path, m in found.items() if path.startswith("policy.statements[0]")]
    assert "is not a condition value" in message
    assert secret not in message and len(message) < 200


def test_errors_never_echo_a_long_literal(example):
    example["ip_address_type"] = "x" * 5000
    message = problems(example)["ip_address_type"]
    assert "x" * 100 not in message and "characters" in message


YAML_1_1_LOOKALIKES = ["0x1F", "012345670123", "12:30", "no", "off", "2024-01-01", "1_000", "+5"]


@pytest.mark.parametrize("text", YAML_1_1_LOOKALIKES)
def test_unquoted_yaml_1_1_numbers_and_booleans_keep_their_text_in_policy_and_tags(text):
    """YAML 1.1 reads these as 31, 1402433619, 750, false...: the policy and the tags must
    carry what the file says."""
    from generator.answers.policy import endpoint_policy_document

    source = (
        "version: 1\nname: x\nregion: us-east-2\nvpc: {id: vpc-ec43eb89, cidr: 10.0.0.0/16}\n"
        "subnets: [{id: subnet-abababab}]\npolicy:\n  statements:\n"
        "    - principals: [arn:aws:iam::111122223333:root]\n"
        "      actions: [lambda:InvokeFunction]\n"
        "      functions: [arn:aws:lambda:us-east-2:123456789012:function:f]\n"
        f"      conditions: {{StringEquals: {{aws:PrincipalTag/x: {text}}}}}\n"
        f"tags: {{Code: {text}}}\n"
    )
    answers = load_answers_text(source)
    assert answers.tags["Code"] == text
    document = endpoint_policy_document(answers)
    assert document["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalTag/x"] == text


def test_plain_decimal_numbers_and_booleans_are_their_own_text():
    answers = load_answers_text(
        "version: 1\nname: x\nregion: us-east-2\naccount_id: 123456789012\n"
        "vpc: {id: vpc-ec43eb89, cidr: 10.0.0.0/16}\nsubnets: [{id: subnet-abababab}]\n"
        "policy: {full_access: true}\ntags: {Count: 42, On: true}\n"
    )
    assert answers.account_id == "123456789012"
    assert answers.tags == {"Count": "42", "On": "true"}


def test_tab_indented_json_is_read_as_json(example, tmp_path: Path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps(example, indent="\t"))
    assert "\t" in path.read_text()
    assert load_answers(path).normalized() == parse_answers(example).normalized()


def test_a_json_surrogate_pair_is_one_character(example):
    example["tags"] = {"Team": "\U0001d400"}  # a letter outside the BMP: a pair in JSON
    text = json.dumps(example)
    assert "\\ud835\\udc00" in text
    assert load_answers_text(text).tags["Team"] == "\U0001d400"


@pytest.mark.parametrize(
    ("field", "value"),
    [("private_dns", "off"), ("private_dns", 0), ("private_dns", 1.0), ("version", True),
     ("version", 1.0), ("version", "1")],
)  # fmt: skip
def test_switches_are_booleans_and_version_is_the_integer_1(example, field, value):
    example[field] = value
    assert field in problems(example)


def test_1500_peers_are_refused_by_the_list_bound(example):
    example["peering"] = [
        {"name": f"p{i}", "vpc_id": f"vpc-{i:08x}", "cidr": f"10.{1 + i // 256}.{i % 256}.0/24"}
        for i in range(1500)
    ]
    assert problems(example) == {
        "peering": "1500 items; at most 125 (AWS allows at most 125 active peering "
        "connections per VPC)"
    }
