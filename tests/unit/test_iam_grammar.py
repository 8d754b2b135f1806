"""IAM's grammar exactly (issue 26): action wildcards are * and ? only; typed condition
values are ASCII, whole, as IAM parses them. The corpus (tests/bad_answers/) holds the
refusals end to end; these pin the matching itself."""

from __future__ import annotations

import copy

import pytest

from generator.answers.load import parse_answers
from generator.answers.policy_rules import action_matches, condition_value_problem
from tests.conftest import example_data

NAMES = ["InvokeFunction", "InvokeAsync", "GetFunction", "ListFunctions"]


@pytest.mark.parametrize(
    ("pattern", "matched"),
    [
        ("Invoke*", ["InvokeFunction", "InvokeAsync"]),
        ("invoke?sync", ["InvokeAsync"]),  # IAM compares actions case-insensitively
        ("*Function", ["InvokeFunction", "GetFunction"]),
        ("[GI]*", []),  # fnmatch's class is literal text to IAM
        ("Get*[!x]", []),
    ],
)
def test_action_patterns_match_as_iam_matches(pattern, matched):
    assert action_matches(pattern, NAMES) == matched


@pytest.mark.parametrize(
    ("base", "value", "ok"),
    [
        ("NumericLessThan", "3600", True),
        ("NumericLessThan", "-2.5", True),
        ("NumericLessThan", "3600\n", False),
        ("NumericLessThan", "\u0663\u0666", False),
        ("DateLessThan", "2026-01-31T00:00:00Z", True),
        ("DateLessThan", "2026-01-31T00:00:00.123+02:00", True),
        ("DateLessThan", "2026-01-31", True),
        ("DateLessThan", "1767225600", True),
        ("DateLessThan", "2026-01-31 00:00:00", False),
        ("DateLessThan", "2026-01-31T00:00:00Z\n", False),
        ("IpAddress", "203.0.113.0/24", True),
        ("IpAddress", "2001:db8::/32", True),
        ("IpAddress", "10.0.0.0/255.0.0.0", False),
        ("IpAddress", "fe80::1%eth0", False),
        ("IpAddress", "203.0.113.0/24\n", False),
        ("Bool", "true", True),
        ("Bool", "true\n", False),
    ],
)
def test_typed_condition_values(base, value, ok):
    assert (condition_value_problem(base, value) is None) == ok


def test_a_matching_wildcard_is_accepted_with_allow_wildcards():
    data = copy.deepcopy(example_data())
    data["policy"]["allow_wildcards"] = True
    data["policy"]["statements"][0]["actions"] = ["lambda:Invoke*", "lambda:Get?unction"]
    assert parse_answers(data).policy.statements[0].actions == [
        "lambda:Invoke*",
        "lambda:Get?unction",
    ]
