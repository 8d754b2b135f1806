"""The endpoint policy: the action catalog's resource types, Resource "*"-only actions in their
own statement, actions on other resource types refused, qualified ARNs, condition operators
and typed condition values."""

from __future__ import annotations

from typing import Any

import pytest

from generator import catalog
from generator.answers.load import parse_answers
from generator.answers.policy import endpoint_policy_document
from generator.answers.rules import warnings
from generator.core.errors import AnswersError
from generator.render.templates import render_module

FUNCTION = "arn:aws:lambda:us-east-2:123456789012:function:my-function"
USER = "arn:aws:iam::111122223333:user/MyUser"


def problems(data: dict[str, Any]) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {p.path: p.message for p in caught.value.problems}


def statement(data: dict[str, Any]) -> dict[str, Any]:
    return data["policy"]["statements"][0]


# ---- the catalog ---------------------------------------------------------------------------


def test_catalog_knows_resource_types_of_every_action():
    types = catalog.lambda_action_resource_types()
    assert set(types) == set(catalog.lambda_actions())
    assert types["InvokeFunction"] == (("function", True),)
    assert types["GetLayerVersion"] == (("layerVersion", True),)
    assert ("code signing config", True) in types["PutFunctionCodeSigningConfig"]
    assert ("function", False) in types["TagResource"]


@pytest.mark.parametrize(
    "action",
    ["ListFunctions", "GetAccountSettings", "ListLayers", "ListEventSourceMappings",
     "CreateEventSourceMapping", "ListCodeSigningConfigs"],
)  # fmt: skip
def test_catalog_marks_any_resource_only_actions(action):
    assert catalog.lambda_action_resource_types()[action] == ()


def test_catalog_has_the_arn_of_every_resource_type():
    arns = catalog.lambda_resource_type_arns()
    used = {kind for rows in catalog.lambda_action_resource_types().values() for kind, _ in rows}
    assert used <= set(arns)
    assert arns["layerVersion"].endswith(":layer:${LayerName}:${LayerVersion}")


# ---- Resource "*"-only actions: a statement of their own ------------------------------------


def test_any_resource_action_gets_its_own_statement(example):
    statement(example).update(
        sid="Invoke",
        actions=["lambda:InvokeFunction", "lambda:ListFunctions", "lambda:GetAccountSettings"],
        conditions={"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    )
    document = endpoint_policy_document(parse_answers(example))
    assert document is not None
    scoped, unscoped = document["Statement"]
    assert scoped["Action"] == ["lambda:InvokeFunction"]
    assert scoped["Resource"] == [FUNCTION, f"{FUNCTION}:*"]
    assert unscoped == {
        "Sid": "InvokeAnyResource",
        "Effect": "Allow",
        "Principal": {"AWS": USER},
        "Action": ["lambda:ListFunctions", "lambda:GetAccountSettings"],
        "Resource": "*",
        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}},
    }


def test_statement_of_only_any_resource_actions_keeps_its_sid(example):
    statement(example).update(sid="List", effect="Deny", actions=["lambda:ListFunctions"])
    document = endpoint_policy_document(parse_answers(example))
    assert document is not None
    assert document["Statement"] == [
        {
            "Sid": "List",
            "Effect": "Deny",
            "Principal": {"AWS": USER},
            "Action": ["lambda:ListFunctions"],
            "Resource": "*",
        }
    ]


def test_any_resource_split_is_warned_and_documented(example):
    statement(example)["actions"] = ["lambda:InvokeFunction", "lambda:ListLayers"]
    answers = parse_answers(example)
    found = {w.path: w.message for w in warnings(answers)}
    assert (
        'lambda:ListLayers: AWS authorizes only on Resource "*"'
        in (found["policy.statements[0].actions"])
    )
    readme = render_module(answers)["README.md"]
    assert 'statement of their own with `Resource: "*"`' in readme
    assert "ListLayers on any resource" in readme


def test_no_split_when_functions_are_already_any(example):
    example["policy"]["allow_wildcards"] = True
    statement(example).update(functions=["*"], actions=["lambda:ListFunctions"])
    document = endpoint_policy_document(parse_answers(example))
    assert document is not None
    assert document["Statement"][0]["Resource"] == ["*"]
    assert len(document["Statement"]) == 1


def test_generated_sid_must_be_free(example):
    statement(example).update(sid="A", actions=["lambda:InvokeFunction", "lambda:ListFunctions"])
    other = dict(statement(example), sid="AAnyResource", actions=["lambda:GetFunction"])
    example["policy"]["statements"].append(other)
    assert "AAnyResource" in problems(example)["policy.statements[0].sid"]


# ---- actions on other resource types ---------------------------------------------------


@pytest.mark.parametrize(
    ("action", "needs"),
    [
        ("lambda:GetLayerVersion", "layerVersion (arn:${Partition}:lambda:"),
        ("lambda:PublishLayerVersion", "layer (arn:"),
        ("lambda:UpdateEventSourceMapping", "eventSourceMapping (arn:"),
        ("lambda:DeleteCodeSigningConfig", "code signing config (arn:"),
        ("lambda:PutFunctionCodeSigningConfig", "code signing config (arn:"),
    ],
)
def test_actions_on_other_resource_types_are_refused(example, action, needs):
    statement(example)["actions"] = ["lambda:InvokeFunction", action]
    message = problems(example)["policy.statements[0].actions[1]"]
    assert f"{action} acts on {needs}" in message
    assert "not on a function" in message


@pytest.mark.parametrize(
    "action",
    ["lambda:TagResource", "lambda:GetProvisionedConcurrencyConfig", "lambda:GetFunction"],
)
def test_actions_that_take_function_arns_are_accepted(example, action):
    statement(example)["actions"] = [action]
    parse_answers(example)


# ---- qualified function ARNs: rendered exactly, README says so -------------------------------


def test_qualified_function_is_rendered_exactly_and_explained(example):
    statement(example)["functions"] = [
        FUNCTION,
        "arn:aws:lambda:us-east-2:123456789012:function:f:prod",
    ]
    answers = parse_answers(example)
    document = endpoint_policy_document(answers)
    assert document is not None
    assert document["Statement"][0]["Resource"] == [
        FUNCTION,
        f"{FUNCTION}:*",
        "arn:aws:lambda:us-east-2:123456789012:function:f:prod",
    ]
    readme = render_module(answers)["README.md"]
    assert "f:prod is named with a qualifier" in readme
    assert "covers only that alias or version" in readme
    assert "each function is listed unqualified and with `:*`" not in readme


def test_unqualified_functions_only_no_qualifier_note(example_answers):
    readme = render_module(example_answers)["README.md"]
    assert "named with a qualifier" not in readme
    assert "A function named without a qualifier is listed unqualified" in readme


# ---- condition operators and value types ------------------------------------------------


@pytest.mark.parametrize(
    "operator",
    ["StringEqualsIfExists", "ForAnyValue:StringLike", "ForAllValues:StringEqualsIfExists",
     "Null", "ArnLike", "NumericLessThanEqualsIfExists", "DateGreaterThan", "BinaryEquals"],
)  # fmt: skip
def test_real_condition_operators_accepted(example, operator):
    values = {
        "Null": "true",
        "NumericLessThanEqualsIfExists": "10",
        "DateGreaterThan": "2026-01-31T00:00:00Z",
    }
    statement(example)["conditions"] = {operator: {"aws:SomeKey": values.get(operator, "x")}}
    parse_answers(example)


@pytest.mark.parametrize(
    ("operator", "reason"),
    [
        ("NullIfExists", "Null already tests whether the key exists"),
        ("ForAnyValue:ForAllValues:StringEquals", "at most one ForAnyValue: or ForAllValues:"),
        ("ForAnyValue:ForAnyValue:StringEquals", "at most one ForAnyValue: or ForAllValues:"),
        ("StringEqualsIfExistsIfExists", "not an IAM condition operator"),
        ("ForSomeValues:StringEquals", "at most one ForAnyValue: or ForAllValues:"),
        ("StringEqual", "did you mean 'StringEquals'"),
    ],
)
def test_bad_condition_operators_refused(example, operator, reason):
    statement(example)["conditions"] = {operator: {"aws:SomeKey": "true"}}
    assert reason in problems(example)[f"policy.statements[0].conditions.{operator}"]


@pytest.mark.parametrize(
    ("operator", "value", "reason"),
    [
        ("Bool", "yes", "is not true or false"),
        ("BoolIfExists", ["true", "maybe"], "is not true or false"),
        ("Null", "1", "is not true or false"),
        ("NumericLessThan", "ten", "is not a number"),
        ("NumericEquals", "1e3", "is not a number"),
        ("DateGreaterThan", "yesterday", "is not a date"),
        ("DateLessThan", "2026-13-40", "is not a date"),
        ("IpAddress", "10.0.0.300/24", "is not an IP address or CIDR"),
        ("ForAnyValue:NotIpAddressIfExists", "example.com", "is not an IP address or CIDR"),
    ],
)
def test_condition_values_type_checked(example, operator, value, reason):
    statement(example)["conditions"] = {operator: {"aws:SomeKey": value}}
    message = problems(example)[f"policy.statements[0].conditions.{operator}.aws:SomeKey"]
    assert reason in message


@pytest.mark.parametrize(
    ("operator", "value"),
    [
        ("Bool", True),
        ("NumericGreaterThan", 5),
        ("NumericLessThan", "2.5"),
        ("DateLessThan", "2026-01-31"),
        ("DateLessThan", "1767139200"),
        ("IpAddress", ["203.0.113.0/24", "2001:db8::/32", "198.51.100.7"]),
        ("StringEquals", "anything"),
    ],
)
def test_typed_condition_values_accepted(example, operator, value):
    statement(example)["conditions"] = {operator: {"aws:SomeKey": value}}
    parse_answers(example)


def test_a_function_in_another_region_is_refused_without_calling_it_impossible():
    """Since November 2025 an interface endpoint can reach Lambda in another region
    (cross-region PrivateLink, service_region): the refusal says tfgen does not render it,
    not that AWS cannot (issue 25)."""
    import copy

    from generator.answers.load import parse_answers
    from generator.core.errors import AnswersError
    from tests.conftest import example_data

    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["functions"] = [
        "arn:aws:lambda:eu-west-1:123456789012:function:my-function"
    ]
    try:
        parse_answers(data)
    except AnswersError as error:
        message = " ".join(str(p) for p in error.problems)
    else:
        raise AssertionError("a function in another region was accepted")
    assert "cross-region PrivateLink" in message and "does not render yet" in message
    assert "only reaches Lambda in its own region" not in message
