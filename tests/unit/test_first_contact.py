"""First contact (issue 28): `tfgen version`, shell completion, a missing folder said as such,
validate of several folders, no internal codes in what users read, init's AZ-id example."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import __version__
from generator.cli.main import cli
from generator.render.templates import AWS_PROVIDER_CONSTRAINT, TERRAFORM_VERSION_CONSTRAINT
from generator.scaffold import questionnaire
from generator.scan.checkov import CHECKOV_VERSION
from tests.conftest import REPO
from tests.support.cli import tfgen

EXAMPLE_MODULE = REPO / "modules" / "lambda-endpoint-example"


def test_version_says_tfgen_checkov_and_the_constraints():
    text = tfgen("version")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].split() == ["tfgen", __version__]
    assert lines[1].split()[:2] == ["checkov", CHECKOV_VERSION]
    assert TERRAFORM_VERSION_CONSTRAINT in lines[2] and AWS_PROVIDER_CONSTRAINT in lines[3]
    document = json.loads(tfgen("version", "--format", "json").stdout)
    assert document == {
        "tfgen_version": __version__,
        "command": "version",
        "status": "ok",
        "exit_code": 0,
        "checkov_version": CHECKOV_VERSION,
        "terraform_constraint": TERRAFORM_VERSION_CONSTRAINT,
        "aws_provider_constraint": AWS_PROVIDER_CONSTRAINT,
    }


def test_completion_scripts_come_from_the_environment_variable(monkeypatch):
    # bash's script first asks bash for its version (a process): not in this tier
    from click.shell_completion import BashComplete

    monkeypatch.setattr(BashComplete, "_check_version", staticmethod(lambda: None))
    bash = tfgen(env={"_TFGEN_COMPLETE": "bash_source"})
    assert bash.returncode == 0
    assert "complete -o nosort -F _tfgen_completion tfgen" in bash.stdout
    zsh = tfgen(env={"_TFGEN_COMPLETE": "zsh_source"})
    assert zsh.stdout.startswith("#compdef tfgen")
    fish = tfgen(env={"_TFGEN_COMPLETE": "fish_source"})
    assert "complete --no-files --command tfgen" in fish.stdout
    # what the script asks at a TAB: the commands that start with the word
    words = tfgen(
        env={"_TFGEN_COMPLETE": "bash_complete", "COMP_WORDS": "tfgen v", "COMP_CWORD": "1"}
    )
    assert words.stdout.split() == ["plain,validate", "plain,version"]


def test_the_cli_page_documents_completion():
    page = (REPO / "docs" / "cli.md").read_text()
    for shell in ("bash", "zsh", "fish"):
        assert f"_TFGEN_COMPLETE={shell}_source tfgen" in page


@pytest.mark.parametrize("command", ["check", "validate", "docs"])
def test_a_missing_folder_is_said_to_be_missing(command: str, tmp_path: Path):
    result = tfgen(command, str(tmp_path / "nope"), cwd=tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'nope'} does not exist" in result.stderr
    assert "not a tfgen module" not in result.stderr


def test_validate_takes_several_folders_and_exits_with_the_worst(tmp_path: Path):
    shutil.copytree(EXAMPLE_MODULE, tmp_path / "good")
    shutil.copytree(EXAMPLE_MODULE, tmp_path / "edited")
    example = tmp_path / "edited" / "example" / "main.tf"
    example.write_text(example.read_text().replace("subnet-cdcdcdcd", "subnet-efefefef"))
    (tmp_path / "foreign").mkdir()
    (tmp_path / "foreign" / "main.tf").write_text("# not tfgen's\n")

    both_good = tfgen("validate", "good", "good", "--no-scan", cwd=tmp_path)
    assert both_good.returncode == 0, both_good.stderr
    assert both_good.stderr.count("ok good: verified") == 2

    findings = tfgen("validate", "good", "edited", "--no-scan", "--format", "json", cwd=tmp_path)
    assert findings.returncode == 1
    document = json.loads(findings.stdout)
    assert (document["command"], document["status"], document["exit_code"]) == (
        "validate",
        "findings",
        1,
    )
    assert [(m["source"], m["exit_code"]) for m in document["modules"]] == [
        ("good", 0),
        ("edited", 1),
    ]

    worst = tfgen("validate", "edited", "foreign", "good", "--no-scan", cwd=tmp_path)
    assert worst.returncode == 2
    assert "foreign: not a tfgen module" in worst.stderr  # the others are still validated
    assert "finding" in worst.stderr and "ok good: verified" in worst.stderr

    sarif = tfgen("validate", "edited", "foreign", "--no-scan", "--format", "sarif", cwd=tmp_path)
    messages = [r["message"]["text"] for r in json.loads(sarif.stdout)["runs"][0]["results"]]
    assert any("not a tfgen module" in m for m in messages)
    assert any("subnet_ids" in m for m in messages)


# tfgen's own bookkeeping: requirement numbers (F1..F10), issue numbers, benchmark columns
INTERNAL = re.compile(r"\bF\d+\b|\bissues? \d+|\((?:[a-f]'?)\)/\((?:[a-f]'?)\)")


def command_helps() -> dict[str, str]:
    helps = {"tfgen": tfgen("--help").stdout}
    for name in sorted(cli.commands):
        helps[name] = tfgen(name, "--help").stdout
    return helps


def test_no_internal_codes_in_what_users_read():
    texts = {**command_helps(), "example": tfgen("example").stdout}
    leaks = {name: INTERNAL.findall(text) for name, text in texts.items()}
    assert {name: found for name, found in leaks.items() if found} == {}
    assert INTERNAL.findall("the guide (F10), issue 18, (c)/(d)") == ["F10", "issue 18", "(c)/(d)"]


@pytest.mark.parametrize(
    ("region", "az_id"),
    [("eu-west-1", "euw1-az1"), ("ap-southeast-2", "apse2-az1"), ("us-east-1", "use1-az1")],
)
def test_init_gives_the_regions_own_az_id_as_the_example(region: str, az_id: str):
    text = questionnaire.az_guidance(region)
    assert f"AZ id ({az_id}), not its AZ name ({region}a)" in text
    assert ("use1-az3 is refused" in text) == (region == "us-east-1")
    if region != "us-east-1":
        assert "use1" not in text


def test_init_in_eu_west_1_shows_eu_west_1s_az_id(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(questionnaire, "stdin_is_terminal", lambda: True)
    session = ["my-endpoint", "eu-west-1", "", "", ""]  # name, region, then defaults
    result = CliRunner().invoke(
        cli, ["init", "-o", str(tmp_path / "a.yaml")], input="\n".join(session) + "\n"
    )
    assert "AZ id (euw1-az1), not its AZ name (eu-west-1a)" in result.output
    assert "use1-az1" not in result.output
