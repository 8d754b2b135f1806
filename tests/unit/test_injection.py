"""HCL injection through the whole pipeline (answers -> render -> python-hcl2 parse-back):
any unicode in a free-text field is either refused (exit-2 problem naming the field, because
AWS itself would refuse it) or reaches the generated Terraform as exactly the value given.
The escaper alone is property-tested in tests/unit/test_hcl.py."""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.answers.load import parse_answers
from generator.core.errors import AnswersError
from generator.core.hcl import literal_text, parse_hcl
from generator.render.templates import render_module
from generator.verify.module import verify_module
from tests.conftest import example_data

NASTY = st.sampled_from(
    ["${", "%{", '"', "\\", "\n", "\r", "\t", "}", "$${", "%%{", "\x00", "\u2028", "é", "🙂"]
)
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=4)), max_size=8).map("".join)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def outcome(data):
    """(answers, None) when accepted, (None, problems by path) when refused."""
    try:
        return parse_answers(data), None
    except AnswersError as error:
        return None, {p.path: p.message for p in error.problems}


def example_call(files):
    example = parse_hcl(files["example/main.tf"])
    return literal_text(example["module"][0]["lambda_endpoint"])


@SETTINGS
@given(value=TEXT)
def test_tag_values_are_refused_with_the_reason_or_round_trip(value: str):
    data = copy.deepcopy(example_data())
    data["tags"] = {"team": value}
    answers, problems = outcome(data)
    if answers is None:
        assert "tags.team" in problems, problems
        assert (
            "AWS tags allow letters, digits, spaces" in problems["tags.team"]
            or "256" in problems["tags.team"]
            or "not in Unicode NFC form" in problems["tags.team"]
        )
        return
    files = render_module(answers)
    assert example_call(files)["tags"] == {"team": value}
    assert verify_module(answers, files) == []


@SETTINGS
@given(value=TEXT)
def test_condition_values_round_trip_into_the_policy(value: str):
    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": value}
    }
    answers, problems = outcome(data)
    if answers is None:
        assert any(path.startswith("policy.statements[0].conditions") for path in problems)
        return
    files = render_module(answers)
    policy = example_call(files)["endpoint_policy"]
    condition = policy["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalTag/team"]
    assert condition == value
    assert verify_module(answers, files) == []


@SETTINGS
@given(value=TEXT)
def test_sids_are_letters_and_digits_or_refused(value: str):
    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["sid"] = value
    answers, problems = outcome(data)
    if answers is None:
        assert "policy.statements[0].sid" in problems, problems
        return
    assert value.isascii() and value.isalnum()
    policy = example_call(render_module(answers))["endpoint_policy"]
    assert policy["Statement"][0]["Sid"] == value


def test_iam_policy_variables_reach_the_policy_literally():
    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/team}"}
    }
    answers = parse_answers(data)
    files = render_module(answers)
    assert r"\u0024{aws:PrincipalTag/team}" in files["example/main.tf"]
    policy = example_call(files)["endpoint_policy"]
    condition = policy["Statement"][0]["Condition"]["StringEquals"]["aws:PrincipalTag/team"]
    assert condition == "${aws:PrincipalTag/team}"
