"""Endpoint policy JSON -> answers: exact, full access with a warning, or refused with a reason."""

from __future__ import annotations

import copy
import json

import pytest

from generator.adopt.policy import (
    PolicyNotExpressible,
    equivalent,
    policy_answers,
)
from generator.answers.load import parse_answers
from generator.answers.policy import endpoint_policy_document
from tests.conftest import example_data
from tests.unit.test_render import GUIDE_POLICY

FN = "arn:aws:lambda:us-east-2:123456789012:function:orders"


def rendered(policy: dict) -> dict | None:
    section, _ = policy_answers(json.dumps(policy))
    data = copy.deepcopy(example_data())
    data["policy"] = section
    return endpoint_policy_document(parse_answers(data))


# Policies the answers write exactly as AWS holds them (same JSON once parsed).
EXACT = [
    GUIDE_POLICY,
    {"Version": "2012-10-17", "Statement": GUIDE_POLICY["Statement"]},
    {"Version": "2008-10-17", "Statement": GUIDE_POLICY["Statement"]},
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Orders",
                "Effect": "Allow",
                "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app", "111122223333"]},
                "Action": ["lambda:InvokeFunction", "lambda:GetFunction"],
                "Resource": [FN, f"{FN}:*", f"{FN}2:live"],
                "Condition": {
                    "StringEquals": {"aws:PrincipalOrgID": "o-abc123"},
                    "IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]},
                },
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": ["lambda:*"],
                "Resource": ["*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    },
]


@pytest.mark.parametrize("policy", EXACT, ids=range(len(EXACT)))
def test_round_trip_renders_the_original_json(policy):
    assert rendered(policy) == policy


def test_equivalent_shapes_round_trip_as_iam_reads_them():
    original = {
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": ["arn:aws:iam::111122223333:user/MyUser"]},
            "Action": "lambda:InvokeFunction",
            "Resource": [f"{FN}:*", FN],
        }
    }
    document = rendered(original)
    assert document != original  # lone strings became lists, the order of the pair changed
    assert equivalent(document, original)


def test_wildcards_are_kept_and_allowed_explicitly():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["lambda:Invoke*"],
                "Resource": [FN, f"{FN}:*"],
            }
        ],
    }
    section, _ = policy_answers(json.dumps(policy))
    assert section["allow_wildcards"] is True
    assert rendered(policy) == policy


@pytest.mark.parametrize(
    "policy",
    [
        {
            "Version": "2008-10-17",
            "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
        },
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": ["*"], "Resource": "*"}
            ]
        },
    ],
)
def test_full_access_is_kept_with_a_warning(policy):
    section, warnings = policy_answers(json.dumps(policy))
    assert section == {"full_access": True}
    assert warnings and "full-access" in warnings[0]


@pytest.mark.parametrize(
    ("statement", "reason"),
    [
        ({"NotAction": "lambda:DeleteFunction"}, "uses NotAction"),
        ({"NotResource": FN}, "uses NotResource"),
        ({"Principal": {"Service": "lambda.amazonaws.com"}}, "answers take only AWS principals"),
        ({"Principal": {"AWS": "*"}}, 'answers write a wildcard principal as "*"'),
        ({"Resource": [FN]}, f"lists {FN} without {FN}:*"),
        ({"Condition": {"Bool": {"aws:SecureTransport": False}}}, "answers hold strings only"),
        ({"Condition": {"NumericLessThan": {"s3:max-keys": 10}}}, "answers hold strings only"),
    ],
)
def test_policies_answers_cannot_write_are_refused_with_the_reason(statement, reason):
    base = {
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["lambda:InvokeFunction"],
        "Resource": [FN, f"{FN}:*"],
    }
    base.update(statement)
    if "NotAction" in statement:
        del base["Action"]
    if "NotResource" in statement:
        del base["Resource"]
    with pytest.raises(PolicyNotExpressible, match="Statement\\[0\\]") as caught:
        policy_answers(json.dumps({"Version": "2012-10-17", "Statement": [base]}))
    assert reason in str(caught.value)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"Id": "x", "Statement": []}', "the policy has Id"),
        ('{"Version": "2020-01-01", "Statement": []}', "Version '2020-01-01'"),
        ('{"Statement": []}', "no statements"),
        ("[1]", "not a JSON object"),
        ("{", "not JSON"),
    ],
)
def test_malformed_documents_are_refused(text, reason):
    with pytest.raises(PolicyNotExpressible, match=reason.replace("(", "\\(")):
        policy_answers(text)


def test_equivalence_sees_real_differences():
    other = copy.deepcopy(GUIDE_POLICY)
    other["Statement"][0]["Resource"] = other["Statement"][0]["Resource"][:1]
    assert not equivalent(GUIDE_POLICY, other)
    assert not equivalent(GUIDE_POLICY, {"Version": "2012-10-17", **GUIDE_POLICY})
    changed = copy.deepcopy(GUIDE_POLICY)
    changed["Statement"][0]["Effect"] = "Deny"
    assert not equivalent(GUIDE_POLICY, changed)
    conditioned = copy.deepcopy(GUIDE_POLICY)
    conditioned["Statement"][0]["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
    assert not equivalent(GUIDE_POLICY, conditioned)
    assert equivalent(GUIDE_POLICY, json.loads(json.dumps(GUIDE_POLICY)))


def test_a_statement_tfgen_would_split_is_refused_by_the_round_trip_check():
    from generator.adopt.policy import check_round_trip

    original = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/MyUser"},
                "Action": ["lambda:InvokeFunction", "lambda:ListFunctions"],
                "Resource": [FN, f"{FN}:*"],
            }
        ]
    }
    section, _ = policy_answers(json.dumps(original))
    data = copy.deepcopy(example_data())
    data["policy"] = section
    answers = parse_answers(data)
    with pytest.raises(PolicyNotExpressible, match="would render 2 statements for the policy's 1"):
        check_round_trip(answers.policy, endpoint_policy_document(answers), json.dumps(original))
    check_round_trip(answers.policy, original, json.dumps(original))  # the same policy passes


@pytest.mark.parametrize(
    "text",
    [
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*",'
        ' "Action": "lambda:*", "Resource": "*", "Effect": "Allow"}]}',
        '{"Version": "2012-10-17", "Version": "2008-10-17", "Statement": []}',
    ],
)
def test_a_policy_document_with_a_key_twice_is_refused_naming_it(text):
    """json keeps the last value: a Deny that reads as an Allow must not be imported."""
    with pytest.raises(PolicyNotExpressible, match="twice in one object"):
        policy_answers(text)


@pytest.mark.parametrize(
    ("service", "region", "adopted"),
    [
        ("com.amazonaws.us-east-2.lambda", "us-east-2", True),
        ("cn.com.amazonaws.cn-north-1.lambda", "cn-north-1", True),
        ("cn.com.amazonaws.us-east-2.lambda", "us-east-2", False),  # another partition's prefix
        ("com.amazonaws.cn-north-1.lambda", "cn-north-1", False),
        ("com.amazonaws.us-east-2.lambda\n", "us-east-2", False),
        ("com.amazonaws.us-east-1.lambda", "us-east-2", False),
        ("com.amazonaws.us-east-2.lambda-url", "us-east-2", False),
    ],
)
def test_only_the_regions_own_lambda_service_name_is_adopted(service, region, adopted):
    from generator.adopt.ec2 import check_lambda_interface
    from generator.core.errors import TfgenError

    endpoint = {"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "ServiceName": service}
    if adopted:
        check_lambda_interface(endpoint, region)
    else:
        with pytest.raises(TfgenError, match="not for Lambda in"):
            check_lambda_interface(endpoint, region)


@pytest.mark.parametrize("name", ["abc\n", "abc!", "-abc", "a" * 64])
def test_a_bad_name_is_refused_before_aws_is_read(name, monkeypatch):
    from generator.adopt import command
    from generator.core.errors import TfgenError

    def no_aws(*args, **kwargs):
        raise AssertionError("AWS was read before --name was checked")

    monkeypatch.setattr(command, "ec2_client", no_aws)
    with pytest.raises(TfgenError, match="--name"):
        command.run_import(
            "vpce-0123456789abcdef0",
            region="us-east-2",
            endpoint_url=None,
            name=name,
            output=None,
            force=False,
        )


def test_an_imported_policy_with_a_variable_and_no_version_is_refused_with_the_reason():
    """IAM reads a policy without Version as 2008-10-17, where ${...} is literal text: the
    Allow below grants nothing (issue 25). tfgen import says so instead of adopting it."""
    from generator.adopt.command import _parse
    from generator.core.errors import TfgenError

    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:user/MyUser"},
        "Action": ["lambda:InvokeFunction"],
        "Resource": [
            "arn:aws:lambda:us-east-2:123456789012:function:my-function",
            "arn:aws:lambda:us-east-2:123456789012:function:my-function:*",
        ],
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}},
    }
    policy, _warnings = policy_answers(json.dumps({"Statement": [statement]}))
    assert policy["version"] is None
    data = copy.deepcopy(example_data())
    data["policy"] = policy
    with pytest.raises(TfgenError, match="policy variable.*2012-10-17"):
        _parse(data)
    policy, _warnings = policy_answers(
        json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )
    data["policy"] = policy
    assert _parse(data).policy.version == "2012-10-17"
