"""Removing a peer that has its own provider alias: `tfgen render` into the existing module
keeps the alias (`retired_peers`) until `--drop-retired`, so terraform can destroy the
peer's resources with the provider recorded in state. The terraform side of it runs in
tests/integration/test_moto_day2.py."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.answers.load import parse_answers
from generator.cli.main import cli
from generator.core.errors import AnswersError
from generator.core.hcl import parse_hcl
from generator.core.layout import ANSWERS_FILE
from generator.plan.peering import retire_removed_peers
from tests.support.golden_cases import case_answers

MIXED = "peering-three-mixed"  # web (same account), batch-eu-central (region), partner (account)


def without(data: dict, *names: str) -> dict:
    data = copy.deepcopy(data)
    data["peering"] = [peer for peer in data["peering"] if peer["name"] not in names]
    return data


def test_a_removed_peer_with_an_alias_is_retired_and_one_without_is_not():
    previous = parse_answers(case_answers(MIXED))
    new = parse_answers(without(case_answers(MIXED), "web", "batch-eu-central", "partner"))
    retired = retire_removed_peers(new, previous, drop=False).retired_peers
    assert [(p.name, p.account_id, p.region) for p in retired] == [
        ("batch-eu-central", None, "eu-central-1"),
        ("partner", "444455556666", None),
    ]


def test_retired_peers_stay_until_dropped_and_a_returning_peer_takes_its_name_back():
    first = parse_answers(case_answers(MIXED))
    second = retire_removed_peers(
        parse_answers(without(case_answers(MIXED), "partner")), first, drop=False
    )
    # the user's next answers file does not mention partner at all: it stays retired
    third = retire_removed_peers(
        parse_answers(without(case_answers(MIXED), "partner")), second, drop=False
    )
    assert [p.name for p in third.retired_peers] == ["partner"]
    back = retire_removed_peers(parse_answers(case_answers(MIXED)), third, drop=False)
    assert back.retired_peers == []
    dropped = retire_removed_peers(
        parse_answers(without(case_answers(MIXED), "partner")), third, drop=True
    )
    assert dropped.retired_peers == []


def test_nothing_to_compare_in_a_new_folder():
    new = parse_answers(without(case_answers(MIXED), "partner"))
    assert retire_removed_peers(new, None, drop=False) is new


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"name": "web"}, "is a current peer"),
        ({"name": "gone"}, "has no provider alias to keep"),
        ({"name": "gone", "region": "eu-west-1"}, "has no provider alias to keep"),
    ],
)
def test_retired_peers_are_checked(entry, message):
    data = case_answers(MIXED)
    data["retired_peers"] = [entry]
    with pytest.raises(AnswersError) as caught:
        parse_answers(data)
    (problem,) = caught.value.problems
    assert problem.path == "retired_peers[0].name" and message in problem.message


def render(runner: CliRunner, answers: dict, module: Path, *extra: str):
    source = module.parent / "answers.yaml"
    source.write_text(yaml.safe_dump(answers))
    return runner.invoke(cli, ["render", str(source), "-o", str(module), "--no-scan", *extra])


def aliases(module: Path) -> list[str]:
    versions = parse_hcl((module / "versions.tf").read_text())
    config = versions["terraform"][0]["required_providers"][0]["aws"]
    return config.get("configuration_aliases", [])


def example_aliases(module: Path) -> list[str]:
    example = parse_hcl((module / "example" / "main.tf").read_text())
    return [body["aws"]["alias"] for body in example["provider"] if "alias" in body["aws"]]


def test_render_retires_explains_keeps_the_alias_and_drops_it_on_request(tmp_path: Path):
    runner = CliRunner()
    module = tmp_path / "module"
    assert render(runner, case_answers(MIXED), module).exit_code == 0
    assert aliases(module) == ["${aws.peer_batch_eu_central}", "${aws.peer_partner}"]

    result = render(runner, without(case_answers(MIXED), "partner"), module)
    assert result.exit_code == 0, result.output
    assert "warning retired_peers[0]: peer partner was removed" in result.stderr
    assert "--drop-retired" in result.stderr
    committed = yaml.safe_load((module / ANSWERS_FILE).read_text())
    assert committed["retired_peers"] == [
        {"name": "partner", "account_id": "444455556666", "region": None}
    ]
    assert aliases(module) == ["${aws.peer_batch_eu_central}", "${aws.peer_partner}"]
    assert example_aliases(module) == ["peer_batch_eu_central", "peer_partner"]
    assert "## Retired peers" in (module / "README.md").read_text()
    assert "partner" not in (module / "peering.tf").read_text()
    assert runner.invoke(cli, ["check", str(module)]).exit_code == 0

    # the same answers again: still retired (the user has not said it is gone)
    assert render(runner, without(case_answers(MIXED), "partner"), module).exit_code == 0
    assert aliases(module) == ["${aws.peer_batch_eu_central}", "${aws.peer_partner}"]

    result = render(runner, without(case_answers(MIXED), "partner"), module, "--drop-retired")
    assert result.exit_code == 0, result.output
    assert aliases(module) == ["${aws.peer_batch_eu_central}"]
    assert example_aliases(module) == ["peer_batch_eu_central"]
    assert yaml.safe_load((module / ANSWERS_FILE).read_text())["retired_peers"] == []
    assert runner.invoke(cli, ["check", str(module)]).exit_code == 0


def test_batch_render_retires_too(tmp_path: Path):
    runner = CliRunner()
    folder = tmp_path / "answers"
    folder.mkdir()
    out = tmp_path / "modules"
    (folder / "mixed.yaml").write_text(yaml.safe_dump(case_answers(MIXED)))
    (folder / "other.yaml").write_text(yaml.safe_dump(case_answers("peering-same-account")))
    args = ["render", str(folder), "--root", str(out), "--no-scan"]
    assert runner.invoke(cli, args).exit_code == 0
    (folder / "mixed.yaml").write_text(yaml.safe_dump(without(case_answers(MIXED), "partner")))
    assert runner.invoke(cli, args).exit_code == 0
    module = out / case_answers(MIXED)["name"]
    assert aliases(module) == ["${aws.peer_batch_eu_central}", "${aws.peer_partner}"]
    assert runner.invoke(cli, [*args, "--drop-retired"]).exit_code == 0
    assert aliases(module) == ["${aws.peer_batch_eu_central}"]
