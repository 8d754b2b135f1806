"""Scaffolding: the cookiecutter template and `tfgen init` end in what `tfgen render` writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.answers.load import load_answers, load_answers_text, parse_answers
from generator.cli.main import cli
from generator.scaffold import questionnaire
from generator.scan.checkov import checkov_executable
from tests.conftest import REPO
from tests.support.cli import tfgen
from tests.support.golden_cases import case_answers, case_names

cookiecutter_api = pytest.importorskip(
    "cookiecutter.main", reason="COOKIECUTTER NOT INSTALLED: pip install -e .[test]"
)

TEMPLATE_DIR = "templates/cookiecutter-lambda-endpoint"
TEMPLATE = REPO / TEMPLATE_DIR
CHECKOV = checkov_executable()

# One set of answers, twice: as cookiecutter variables and as a hand-written answers file.
CONTEXT = {
    "name": "scaffolded",
    "region": "eu-west-1",
    "vpc_id": "vpc-0a1b2c3d4e5f60718",
    "vpc_cidr": "10.20.0.0/16",
    "subnets": "subnet-0a1b2c3d:euw1-az1, subnet-1a2b3c4d:euw1-az2, subnet-2a3b4c5d",
    "private_dns": False,
    "principals": "arn:aws:iam::111122223333:role/app, 444455556666",
    "actions": "lambda:InvokeFunction, lambda:GetFunction",
    "functions": "arn:aws:lambda:eu-west-1:111122223333:function:orders",
    "peering": json.dumps(
        [
            {
                "name": "analytics",
                "vpc_id": "vpc-0aaaaaaaaaaaaaaaa",
                "cidr": "10.30.0.0/16",
                "route_table_ids": ["rtb-0123abcd"],
                "local_route_table_ids": ["rtb-89abcdef"],
            }
        ]
    ),
}
ANSWERS_YAML = """\
version: 1
name: scaffolded
region: eu-west-1
vpc: {id: vpc-0a1b2c3d4e5f60718, cidr: 10.20.0.0/16}
subnets:
  - {id: subnet-0a1b2c3d, az_id: euw1-az1}
  - {id: subnet-1a2b3c4d, az_id: euw1-az2}
  - {id: subnet-2a3b4c5d}
private_dns: false
policy:
  statements:
    - principals: [arn:aws:iam::111122223333:role/app, "444455556666"]
      actions: [lambda:InvokeFunction, lambda:GetFunction]
      functions: [arn:aws:lambda:eu-west-1:111122223333:function:orders]
peering:
  - name: analytics
    vpc_id: vpc-0aaaaaaaaaaaaaaaa
    cidr: 10.30.0.0/16
    route_table_ids: [rtb-0123abcd]
    local_route_table_ids: [rtb-89abcdef]
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def rendered_by_tfgen(tmp_path: Path, answers_yaml: str = ANSWERS_YAML) -> dict[str, bytes]:
    # from stdin: a cookiecutter project's answers live only in its record (no source file)
    result = tfgen(
        "render",
        "-",
        "-o",
        str(tmp_path / "rendered"),
        "--no-scan",
        cwd=tmp_path,
        stdin=answers_yaml,
    )
    assert result.returncode == 0, result.stderr
    return snapshot(tmp_path / "rendered")


def scaffold(template: str, out: Path, **options) -> Path:
    return Path(
        cookiecutter_api.cookiecutter(template, no_input=True, output_dir=str(out), **options)
    )


# ---- the cookiecutter template -------------------------------------------------------------


def test_cookiecutter_json_is_generated_from_the_questionnaire():
    """If this fails, run scripts/refresh_cookiecutter.py and review the diff."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "refresh_cookiecutter", REPO / "scripts" / "refresh_cookiecutter.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert (TEMPLATE / "cookiecutter.json").read_text(
        encoding="utf-8"
    ) == script.cookiecutter_json()
    raw = json.loads(script.cookiecutter_json())
    for question in questionnaire.QUESTIONS:  # one source: the question's own prompt and help
        assert raw["__prompts__"][question.key].startswith(question.prompt + ": ")
    assert set(raw["region"]) >= {"us-east-1", "eu-west-1", "cn-north-1", "us-gov-west-1"}


def test_template_asks_the_questionnaires_questions_with_its_defaults():
    from cookiecutter.generate import generate_context
    from cookiecutter.prompt import prompt_for_config

    raw = json.loads((TEMPLATE / "cookiecutter.json").read_text())
    asked = [key for key in raw if not key.startswith("_")]
    # the questionnaire's questions, then the template's own choice of layout (module first:
    # the default)
    assert asked == [question.key for question in questionnaire.QUESTIONS] + ["layout"]
    assert raw["layout"] == ["module", "deployment"]
    assert set(raw["__prompts__"]) == set(asked)  # every question has its explanation
    asked.remove("layout")
    assert raw["region"] == list(questionnaire.REGIONS)
    for region in questionnaire.REGIONS:  # the Jinja AZ-id prefix and partition, every region
        context = generate_context(
            str(TEMPLATE / "cookiecutter.json"), extra_context={"region": region}
        )
        values = prompt_for_config(context, no_input=True)
        assert {key: values[key] for key in asked} == questionnaire.defaults(region), region


# ---- tfgen init -----------------------------------------------------------------------------

SESSION = [
    "my-endpoint",  # name
    "us-east-2",  # region
    "vpc-1234",  # refused: not a VPC id
    "vpc-0a1b2c3d",
    "",  # VPC CIDR: default 10.0.0.0/16
    "10.0.128.0/17",  # refused: inside the VPC CIDR
    "100.64.0.0/16",  # secondary CIDR
    "subnet-11111111:use2-az1, subnet-11111111:use2-az2",  # refused: the same subnet twice
    "subnet-11111111:use2-az1, subnet-22222222:use2-az2",
    "n",  # private DNS
    "ipv7",  # refused: not an IP address type
    "",  # IP address type: default ipv4
    "",  # principals: default
    "lambda:InvokeFunction, lambda:GetFunction",
    "arn:aws:lambda:us-east-1:123456789012:function:f",  # refused: another region
    "arn:aws:lambda:us-east-2:123456789012:function:f",
    "y",  # add a peer
    "",  # peer name: default peer-1
    "vpc-0a1b2c3d",  # refused: the endpoint's own VPC
    "vpc-33333333",
    "10.1.0.0/16",
    "",  # same account
    "us-west-2",
    "",  # create the connection
    "rtb-12345678",
    "rtb-87654321",
    "",  # DNS: yes
    "",  # no other peer
    "team",  # refused: not key=value
    "team=payments, env=prod",
    "",  # the summary: write it
]
SESSION_ANSWERS = {
    "version": 1,
    "name": "my-endpoint",
    "region": "us-east-2",
    "vpc": {"id": "vpc-0a1b2c3d", "cidr": "10.0.0.0/16", "extra_cidrs": ["100.64.0.0/16"]},
    "subnets": [
        {"id": "subnet-11111111", "az_id": "use2-az1"},
        {"id": "subnet-22222222", "az_id": "use2-az2"},
    ],
    "private_dns": False,
    "ip_address_type": "ipv4",
    "policy": {
        "statements": [
            {
                "principals": ["arn:aws:iam::111122223333:root"],
                "actions": ["lambda:InvokeFunction", "lambda:GetFunction"],
                "functions": ["arn:aws:lambda:us-east-2:123456789012:function:f"],
            }
        ]
    },
    "peering": [
        {
            "name": "peer-1",
            "vpc_id": "vpc-33333333",
            "cidr": "10.1.0.0/16",
            "region": "us-west-2",
            "route_table_ids": ["rtb-12345678"],
            "local_route_table_ids": ["rtb-87654321"],
        }
    ],
    "tags": {"team": "payments", "env": "prod"},
}


def test_init_session_refuses_bad_values_and_writes_a_commented_file(tmp_path, monkeypatch):
    monkeypatch.setattr(questionnaire, "stdin_is_terminal", lambda: True)
    path = tmp_path / "answers" / "mine.yaml"
    result = CliRunner().invoke(cli, ["init", "-o", str(path)], input="\n".join(SESSION) + "\n")
    assert result.exit_code == 0, result.output
    out = result.output
    # each refused value is re-asked with the model's own message
    assert "Error: vpc.id: 'vpc-1234' is not a VPC id" in out
    assert "Error: subnets[1].id: subnet-11111111 repeats subnets[0].id" in out
    assert "Error: policy.statements[0].functions[0]" in out
    assert "Error: peering[0].vpc_id: vpc-0a1b2c3d is the endpoint's own VPC" in out
    assert "Error: vpc.extra_cidrs[0]: 10.0.128.0/17" in out
    assert "Error: ip_address_type" in out
    assert "Error: tags: 'team' is not key=value" in out
    # a summary before anything is written
    assert "The answers:" in out and "tags: team=payments, env=prod" in out
    assert "VPC: vpc-0a1b2c3d 10.0.0.0/16 100.64.0.0/16" in out
    assert out.count("VPC id [vpc-0123456789abcdef0]:") == 2
    # one line of explanation per question, and the brief's AZ-id and DNS guidance
    for question in questionnaire.QUESTIONS:
        assert question.help in out
    # the AZ-id example is the session's region's own (us-east-2), not us-east-1's
    assert "AZ id (use2-az1), not its AZ name (us-east-2a)" in out
    assert "use1-az1" not in out
    assert "enableDnsSupport and enableDnsHostnames" in out
    # answers after the region default to that region
    assert "[subnet-0123456789abcdef0:use2-az1, subnet-0fedcba9876543210:use2-az2]" in out
    assert load_answers(path) == parse_answers(SESSION_ANSWERS)
    text = path.read_text()
    assert text.startswith("# tfgen answers file")
    assert "# Give each subnet's AZ id" in text and "# Private DNS needs" in text
    assert f"wrote {path}" in out


def test_init_writes_nothing_when_the_summary_is_declined(tmp_path, monkeypatch):
    monkeypatch.setattr(questionnaire, "stdin_is_terminal", lambda: True)
    path = tmp_path / "answers" / "mine.yaml"
    session = [*SESSION[:-1], "n"]
    result = CliRunner().invoke(cli, ["init", "-o", str(path)], input="\n".join(session) + "\n")
    assert result.exit_code == 2, result.output
    assert f"{path} not written" in result.output
    assert not path.exists()


def test_init_without_a_terminal_refuses_unless_no_input(tmp_path: Path):
    refused = tfgen("init", cwd=tmp_path)
    assert refused.returncode == 2
    assert "stdin is not one" in refused.stderr and "--no-input" in refused.stderr
    assert list(tmp_path.iterdir()) == []
    written = tfgen("init", "--no-input", cwd=tmp_path)
    assert written.returncode == 0, written.stderr
    assert "--no-input: wrote the default answers to answers/lambda-endpoint.yaml" in written.stderr
    answers = load_answers(tmp_path / "answers" / "lambda-endpoint.yaml")
    assert answers == questionnaire.build(questionnaire.defaults())
    again = tfgen("init", "--no-input", cwd=tmp_path)
    assert again.returncode == 2 and "exists" in again.stderr
    forced = tfgen("init", "--no-input", "--force", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr


def test_init_interrupted_writes_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(questionnaire, "stdin_is_terminal", lambda: True)
    path = tmp_path / "a.yaml"
    result = CliRunner().invoke(cli, ["init", "-o", str(path)], input="my-endpoint\n")
    assert result.exit_code == 2
    assert "interrupted, nothing written" in result.output
    assert not path.exists()


@pytest.mark.parametrize("case", ["built-in example", *case_names()])
def test_commented_answers_file_reads_back_to_the_same_answers(case: str):
    answers = parse_answers(case_answers(case))
    text = questionnaire.commented_yaml(answers, "a.yaml")
    assert load_answers_text(text) == answers
    assert all(line.startswith("# ") for line in text.splitlines() if line.startswith("#"))
