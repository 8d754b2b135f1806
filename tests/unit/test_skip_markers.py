"""No answers value can switch off a check, and strings are checked in the form Terraform
sends them (issue 26): checkov skip markers in values are refused with their field path,
verify refuses any marker in generated files the answers did not ask for, a scan's skipped
checks are held to the plan's skips, and a text that Unicode NFC normalization would change
is refused."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.core.errors import AnswersError
from generator.core.markers import has_skip_marker
from generator.plan.deployment import plan_deployment
from generator.plan.module_plan import plan_module
from generator.render.templates import render_plan
from generator.verify.module import verify_plan
from generator.verify.skips import skip_marker_findings, unexpected_skips
from tests.conftest import example_data
from tests.support.cli import tfgen

MARKERS = [
    "checkov:skip=CKV_TFGEN_1:fine",
    "bridgecrew:skip=CKV_AWS_123",
    "cortex:skip=CKV2_AWS_5:x",
    "CHECKOV:SKIP=CKV_TFGEN_1",
    "team checkov : skip = CKV_TFGEN_2",
]


def problems_of(data) -> dict[str, str]:
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    return {problem.path: problem.message for problem in caught.value.problems}


@pytest.mark.parametrize("marker", MARKERS)
def test_a_skip_marker_in_a_tag_value_is_refused_with_its_path(marker):
    data = copy.deepcopy(example_data())
    data["tags"] = {"team": marker}
    problems = problems_of(data)
    assert "checkov skip marker" in problems["tags.team"]


@pytest.mark.parametrize(
    "where",
    ["security_group.description", "tag key", "condition value", "principal"],
)
def test_a_skip_marker_anywhere_in_the_answers_is_refused(where):
    data = copy.deepcopy(example_data())
    marker = "checkov:skip=CKV_TFGEN_1:open"
    statement = data["policy"]["statements"][0]
    if where == "security_group.description":
        data["security_group"]["description"] = f"Lambda endpoint {marker}"
        path = "security_group.description"
    elif where == "tag key":
        data["tags"] = {marker: "x"}
        path = "tags"
    elif where == "condition value":
        statement["conditions"] = {"StringEquals": {"aws:PrincipalTag/team": marker}}
        path = "policy.statements[0].conditions.StringEquals.aws:PrincipalTag/team"
    else:
        statement["principals"] = [f"arn:aws:iam::111122223333:user/{marker}"]
        path = "policy.statements[0].principals[0]"
    problems = problems_of(data)
    assert "checkov skip marker" in problems[path], problems


def test_the_refusal_comes_with_the_models_own_problems():
    data = copy.deepcopy(example_data())
    data["tags"] = {"team": "checkov:skip=CKV_TFGEN_1:x"}
    data["region"] = "mars-1"
    problems = problems_of(data)
    assert "tags.team" in problems and "region" in problems


def test_cli_exits_2_and_writes_nothing(tmp_path):
    data = copy.deepcopy(example_data())
    data["tags"] = {"team": "checkov:skip=CKV_TFGEN_1:x"}
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(data))
    out = tmp_path / "out"
    run = tfgen("render", str(answers), "-o", str(out), "--no-scan")
    assert run.returncode == 2
    assert "tags.team" in run.stderr and "checkov skip marker" in run.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("value", "sent"),
    [("\u212aelvin", "Kelvin"), ("caf" + "e\u0301", "caf\u00e9"), ("\u2126hm", "\u03a9hm")],
)
def test_a_text_that_nfc_changes_is_refused_naming_what_aws_would_receive(value, sent):
    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": value}
    }
    message = problems_of(data)[
        "policy.statements[0].conditions.StringEquals.aws:PrincipalTag/team"
    ]
    assert "not in Unicode NFC form" in message
    assert ascii(sent) in message  # escaped: the two look alike on a terminal
    assert ascii(value) in message


def test_nfc_text_and_plain_ascii_are_accepted():
    data = copy.deepcopy(example_data())
    data["tags"] = {"team": "caf\u00e9", "note": "skip=nothing checkov"}
    assert parse_answers(data).tags["team"] == "caf\u00e9"
    assert not has_skip_marker("checkov skip") and not has_skip_marker("skip=CKV_1")


# ---- verify: markers in generated files ---------------------------------------------------


def full_access_plan():
    data = copy.deepcopy(example_data())
    data["policy"] = {"full_access": True}
    data["subnets"] = data["subnets"][:1]
    return plan_module(parse_answers(data))


def test_the_plans_own_skips_pass_verify():
    plan = full_access_plan()
    assert [check for check, _ in plan.skips] == ["CKV_TFGEN_1", "CKV_TFGEN_6"]
    files = render_plan(plan)
    assert verify_plan(plan, files) == []


def test_a_marker_inside_a_generated_string_is_a_verify_finding():
    plan = plan_module(parse_answers(example_data()))
    files = render_plan(plan)
    assert '"lambda-private-access"' in files["main.tf"] or "Project" in files["example/main.tf"]
    files["example/main.tf"] = files["example/main.tf"].replace(
        '"lambda-private-access"', '"checkov:skip=CKV_TFGEN_1:x"'
    )
    findings = skip_marker_findings(files, plan.skips)
    assert [(f.file, "do not ask for" in f.message) for f in findings] == [
        ("example/main.tf", True)
    ]
    assert any("skip marker" in f.message for f in verify_plan(plan, files))


def test_a_skip_repeated_or_on_another_file_is_a_finding_and_the_readme_is_not_read():
    plan = full_access_plan()
    files = render_plan(plan)
    line = next(x for x in files["main.tf"].splitlines() if "CKV_TFGEN_1" in x)
    twice = dict(files, **{"main.tf": files["main.tf"].replace(line, f"{line}\n{line}")})
    assert len(skip_marker_findings(twice, plan.skips)) == 1
    moved = dict(files, **{"outputs.tf": files["outputs.tf"] + line + "\n"})
    assert [f.file for f in skip_marker_findings(moved, plan.skips)] == ["outputs.tf"]
    readme = dict(files, **{"README.md": files["README.md"] + "checkov:skip=CKV_X\n"})
    assert skip_marker_findings(readme, plan.skips) == []


def test_a_plan_without_skips_allows_none():
    plan = plan_module(parse_answers(example_data()))
    assert plan.skips == ()
    files = render_plan(full_access_plan())  # a module that carries skips
    assert {f.line is not None for f in skip_marker_findings(files, plan.skips)} == {True}
    assert len(skip_marker_findings(files, plan.skips)) == 2


def test_the_deployment_root_carries_the_same_skips_as_the_module():
    plan = full_access_plan()
    deployment = plan_deployment(plan.answers)
    assert deployment.skips == plan.skips


# ---- scan: skipped checks against the plan's skips ----------------------------------------


def test_a_scan_skip_the_plan_did_not_render_is_a_finding():
    skips = [
        {"id": "CKV_TFGEN_1", "resource": "aws_vpc_endpoint.lambda", "file": "main.tf"},
        {"id": "CKV_AWS_123", "resource": "aws_security_group.lambda", "file": "main.tf"},
    ]
    expected = (("CKV_TFGEN_1", "full access"),)
    findings = unexpected_skips(skips, expected, None)
    assert [(f.check_id, f.stage) for f in findings] == [("CKV_AWS_123", "scan")]
    assert len(unexpected_skips(skips, (), None)) == 2
    json.dumps([f.to_json() for f in findings])


def test_a_skip_in_the_users_own_file_of_a_root_is_theirs():
    skips = [{"id": "CKV_AWS_144", "resource": "aws_s3_bucket.state", "file": "backend.tf"}]
    assert unexpected_skips(skips, (), {"main.tf", "providers.tf"}) == []
    assert len(unexpected_skips(skips, (), {"main.tf", "backend.tf"})) == 1


# ---- messages show a short preview of any value ------------------------------------------


@pytest.mark.parametrize(
    "field",
    ["principal", "action", "function", "vpc id", "region", "cidr", "condition operator"],
)
def test_a_long_value_is_shown_as_a_short_preview_in_text_and_json(field, tmp_path):
    long = "x" * 1000
    data = copy.deepcopy(example_data())
    statement = data["policy"]["statements"][0]
    if field == "principal":
        statement["principals"] = [f"arn:aws:iam::111122223333:user/{long}!"]
    elif field == "action":
        statement["actions"] = [f"lambda:{long}"]
    elif field == "function":
        statement["functions"] = [f"arn:aws:lambda:us-east-2:123456789012:function:{long}!"]
    elif field == "vpc id":
        data["vpc"]["id"] = f"vpc-{long}"
    elif field == "region":
        data["region"] = long
    elif field == "cidr":
        data["vpc"]["cidr"] = long
    else:
        statement["conditions"] = {long: {"aws:PrincipalTag/team": "a"}}
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(data))
    text = tfgen("render", str(answers), "-o", str(tmp_path / "o"), "--no-scan")
    report = tfgen(
        "render", str(answers), "-o", str(tmp_path / "o"), "--no-scan", "--format", "json"
    )
    assert text.returncode == 2 and report.returncode == 2
    assert "x" * 100 not in text.stderr + text.stdout, text.stderr
    assert "x" * 100 not in report.stdout + report.stderr
    assert "characters)" in text.stderr


def test_a_long_value_in_a_hand_edited_module_is_shown_as_a_preview(tmp_path):
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(example_data()))
    out = tmp_path / "m"
    assert tfgen("render", str(answers), "-o", str(out), "--no-scan").returncode == 0
    main = out / "main.tf"
    main.write_text(main.read_text().replace('"Interface"', '"' + "y" * 1000 + '"'))
    for output_format in ("text", "json"):
        run = tfgen("validate", str(out), "--no-scan", "--format", output_format)
        assert run.returncode == 1, run.stderr
        assert "y" * 100 not in run.stdout + run.stderr
