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
