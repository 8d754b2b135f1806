"""Every problem of an answers file in one report: the model's and the rules' together (the
rules on whatever validated), each with its line and column, in the order of the file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.answers import load, rules
from generator.answers.load import load_answers_text
from generator.core.errors import AnswersError, Problem
from tests.support.cli import tfgen

# 13 problems: 6 of the model (ids, a boolean, an enum, a bound, a name), 7 of the rules.
TWELVE_AND_ONE = """\
version: 1
name: all-at-once
region: us-east-2
vpc:
  id: vpc-1234
  cidr: 10.0.0.0/16
subnets:
  - id: subnet-abababab
    az_id: use2-az9
  - id: subnet-abababab
    az_id: use2-az2
private_dns: maybe
security_group:
  create: false
  allow_cidrs: [0.0.0.0/0, 10.1.0.0/24, 10.1.0.0/24]
policy:
  statements:
    - principals: ["*"]
      actions: [lambda:InvokeFunction]
      functions: [my-function]
      effect: Perhaps
tags:
  aws:team: x
cost:
  gb_per_month: -5
peering:
  - name: Peer
    vpc_id: vpc-0123456789abcdef0
    cidr: 10.0.0.0/24
"""


def _problems(text: str) -> list[Problem]:
    with pytest.raises(AnswersError) as caught:
        load_answers_text(text, "a.yaml")
    return caught.value.problems


def test_model_and_rule_problems_come_in_one_report_sorted_by_line():
    found = _problems(TWELVE_AND_ONE)
    assert [(p.line, p.column, p.path) for p in found] == [
        (5, 7, "vpc.id"),  # model
        (9, 12, "subnets[0].az_id"),  # rule (the region's AZs)
        (10, 9, "subnets[1].id"),  # rule (repeated)
        (12, 14, "private_dns"),  # model
        (13, 1, "security_group.existing_ids"),  # rule, on the group (the key is absent)
        (15, 3, "security_group.allow_cidrs"),  # rule (create: false)
        (15, 17, "security_group.allow_cidrs[0]"),  # rule (open)
        (15, 41, "security_group.allow_cidrs[2]"),  # rule (twice)
        (21, 15, "policy.statements[0].effect"),  # model
        (23, 13, "tags.aws:team"),  # rule
        (25, 17, "cost.gb_per_month"),  # model
        (27, 11, "peering[0].name"),  # model
        (29, 11, "peering[0].cidr"),  # rule (overlaps the VPC)
    ]


def test_the_cli_shows_the_lines_and_the_json_report_has_them(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(TWELVE_AND_ONE)
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2 and "13 problem(s)" in result.stderr
    assert "  line 5: vpc.id: 'vpc-1234' is not a VPC id" in result.stderr
    lines = [int(text.split()[1].rstrip(":")) for text in result.stderr.splitlines()[1:]]
    assert lines == sorted(lines) and len(lines) == 13
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--format", "json", cwd=tmp_path)
    errors = json.loads(result.stdout)["errors"]
    assert errors[0] == {
        "path": "vpc.id",
        "message": errors[0]["message"],
        "line": 5,
        "column": 7,
    }
    assert not (tmp_path / "out").exists()


def test_a_field_that_did_not_validate_is_missing_not_defaulted():
    """existing_ids invalid: the rule `create: false needs existing_ids` must not see the
    default [] and report a problem the file does not have."""
    text = TWELVE_AND_ONE.replace(
        "  create: false\n", "  create: false\n  existing_ids: [sg-nope]\n"
    )
    paths = [p.path for p in _problems(text)]
    assert "security_group.existing_ids[0]" in paths  # the model's problem
    assert "security_group.existing_ids" not in paths  # no rule on the default


def test_a_rule_that_cannot_run_on_partial_data_is_skipped(monkeypatch):
    ran = []

    def reads_the_vpc(answers):
        ran.append(True)
        yield Problem("vpc", f"saw {answers.vpc.id}")

    monkeypatch.setattr(rules, "CHECKS", (reads_the_vpc, *rules.CHECKS))
    found = _problems(TWELVE_AND_ONE)
    assert ran and not [p for p in found if p.message.startswith("saw")]
    assert "peering[0].cidr" in [p.path for p in found]  # the other rules still ran
    # on valid data the same rule runs and reports
    problems = _problems(TWELVE_AND_ONE.replace("vpc-1234", "vpc-12345678"))
    assert "saw vpc-12345678" in [p.message for p in problems]


def test_partial_answers_never_raise_on_the_hostile_corpus():
    from tests.unit.test_bad_answers import FILES

    for path in FILES:
        try:
            load.load_answers_bytes(path.read_bytes(), path.name)
        except AnswersError as error:
            assert error.problems, path.name
