"""Real terraform on rendered modules: fmt -check, init (offline mirror), validate via example/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.moduledir.write import write_files
from generator.run.module import rendered_files
from tests.support.golden_cases import case_answers, case_names
from tests.support.realtools import needs_terraform, terraform

pytestmark = [needs_terraform, pytest.mark.terraform]


@pytest.fixture(scope="module", params=["built-in example", *case_names()])
def rendered(request, tmp_path_factory) -> Path:
    data = case_answers(request.param)
    folder = tmp_path_factory.mktemp("module") / "m"
    write_files(folder, rendered_files(parse_answers(data)))
    return folder


def test_fmt_finds_nothing_to_change(rendered: Path):
    result = terraform(["fmt", "-check", "-recursive", "-diff", "-no-color"], rendered, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def initialized(rendered: Path) -> Path:
    """The module's example root after `terraform init` (offline mirror), once per case."""
    example = rendered / "example"
    terraform(["init", "-input=false", "-no-color", "-backend=false"], example)
    return example


def test_init_and_validate_through_example(initialized: Path):
    example = initialized
    result = terraform(["validate", "-no-color", "-json"], example)
    assert '"valid": true' in result.stdout, result.stdout


def test_validate_catches_a_broken_module(rendered: Path, initialized: Path, tmp_path: Path):
    """The check above can fail: a wrong argument in main.tf makes validate fail."""
    broken = tmp_path / "broken"
    write_files(
        broken,
        {
            p.relative_to(rendered).as_posix(): p.read_text()
            for p in rendered.rglob("*.tf")
            if ".terraform" not in p.parts
        },
    )
    main = broken / "main.tf"
    main.write_text(main.read_text().replace("vpc_endpoint_type", "vpc_endpoint_kind", 1))
    # the same providers and module wiring as the initialized root: `terraform init` again
    # would only recreate them (the module call's source is the relative "..")
    shutil.copytree(initialized / ".terraform", broken / "example" / ".terraform", symlinks=True)
    shutil.copy(initialized / ".terraform.lock.hcl", broken / "example" / ".terraform.lock.hcl")
    result = terraform(["validate", "-no-color"], broken / "example", check=False)
    assert result.returncode != 0
    assert "vpc_endpoint_kind" in result.stdout + result.stderr


def test_the_policy_size_is_what_jsonencode_sends(tmp_path: Path):
    """AWS's 20,480-character limit applies to what Terraform sends: jsonencode (Go's
    encoding/json) writes <, >, & and U+2028/U+2029 as six-character escapes (issue 26)."""
    import copy
    import json

    from generator.answers.policy import endpoint_policy_document, policy_size
    from tests.conftest import example_data

    data = copy.deepcopy(example_data())
    data["policy"]["statements"][0]["conditions"] = {
        "StringEquals": {"aws:PrincipalTag/team": "a&b<c>d\u2028e\u2029f caf\u00e9 \U0001f642"}
    }
    document = endpoint_policy_document(parse_answers(data))
    assert document is not None
    (tmp_path / "policy.json").write_text(json.dumps(document), encoding="utf-8")
    result = run_console(tmp_path, 'length(jsonencode(jsondecode(file("policy.json"))))')
    assert int(result) == policy_size(document)
    naive = len(json.dumps(document, separators=(",", ":"), ensure_ascii=False))
    assert policy_size(document) == naive + 25


def run_console(folder: Path, expression: str) -> str:
    import subprocess

    from tests.support.tfcli import find_terraform, offline_env

    completed = subprocess.run(  # no configuration in `folder`: no provider to start
        [str(find_terraform()), "console"],
        cwd=folder,
        env=offline_env(folder),
        input=expression + "\n",
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return completed.stdout.strip()
