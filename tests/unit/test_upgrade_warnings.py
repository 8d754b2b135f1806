"""Upgrading a module rendered by tfgen 0.1 with DNS peers: its Lambda zone was created with a
peer's VPC, which the module does not re-anchor (its zone ignores vpc changes), so a re-render
warns (naming the peer, its VPC and the one-time `-replace`) in `tfgen render` of one file and
of a batch; nothing else does."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from generator.core.layout import MANIFEST_FILE
from tests.support.golden_cases import case_answers

MIXED = "peering-three-mixed"  # web (dns, same account), batch-eu-central (dns), partner (no dns)


def rendered_by(module: Path, version: str) -> None:
    """Make the module's manifest say that `version` rendered it."""
    path = module / MANIFEST_FILE
    manifest = json.loads(path.read_text())
    manifest["tfgen_version"] = version
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def render(runner: CliRunner, answers: dict, module: Path, *extra: str):
    source = module.parent / "answers.yaml"
    source.write_text(yaml.safe_dump(answers))
    return runner.invoke(cli, ["render", str(source), "-o", str(module), "--no-scan", *extra])


def test_a_re_render_over_a_0_1_module_with_dns_peers_says_to_replace_the_zone(tmp_path: Path):
    runner = CliRunner()
    module = tmp_path / "module"
    assert render(runner, case_answers(MIXED), module).exit_code == 0
    rendered_by(module, "0.1.0")
    result = render(runner, case_answers(MIXED), module, "--format", "json")
    assert result.exit_code == 0, result.output
    (warning,) = [w for w in json.loads(result.stdout)["warnings"] if "tfgen 0.1.0" in w["message"]]
    assert warning["path"] == "peering"
    assert "peer web's VPC vpc-0eeeeeeeeeeeeeee1" in warning["message"]
    assert "-replace='module.<your module call>.aws_route53_zone.lambda'" in warning["message"]
    # the module is now 0.2's: the next render has nothing to say about it
    again = render(runner, case_answers(MIXED), module, "--format", "json")
    assert not [w for w in json.loads(again.stdout)["warnings"] if "tfgen 0.1" in w["message"]]


def test_no_warning_without_dns_peers_or_from_the_current_version(tmp_path: Path):
    runner = CliRunner()
    no_dns = copy.deepcopy(case_answers(MIXED))
    for peer in no_dns["peering"]:
        peer["dns"] = False
    module = tmp_path / "module"
    assert render(runner, no_dns, module).exit_code == 0
    rendered_by(module, "0.1.0")
    result = render(runner, no_dns, module)
    assert result.exit_code == 0 and "aws_route53_zone.lambda" not in result.output

    current = tmp_path / "current"
    assert render(runner, case_answers(MIXED), current).exit_code == 0
    result = render(runner, case_answers(MIXED), current)
    assert result.exit_code == 0 and "aws_route53_zone.lambda" not in result.output


def test_a_batch_warns_for_the_module_that_needs_it(tmp_path: Path):
    runner = CliRunner()
    folder = tmp_path / "answers"
    folder.mkdir()
    out = tmp_path / "modules"
    (folder / "mixed.yaml").write_text(yaml.safe_dump(case_answers(MIXED)))
    (folder / "other.yaml").write_text(yaml.safe_dump(case_answers("peering-same-account")))
    args = ["render", str(folder), "--root", str(out), "--no-scan", "--format", "json"]
    assert runner.invoke(cli, args).exit_code == 0
    names = sorted(p.name for p in out.iterdir())
    for name in names:
        rendered_by(out / name, "0.1.0")
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    warned = {
        module["module"]["name"]
        for module in json.loads(result.stdout)["modules"]
        for warning in module["warnings"]
        if "tfgen 0.1.0" in warning["message"]
    }
    assert warned == set(names)  # both have a DNS peer (dns defaults to true)
