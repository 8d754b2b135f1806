"""The shared module (modules/lambda-endpoint) through the real tools: terraform fmt, init
and validate (the module, its submodule through the examples), its own `terraform test` files
offline with mock providers (and a copy without one guard, which they catch), and checkov
with tfgen's pack over the examples' module calls."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.moduledir.write import write_files
from generator.run.shared import shared_module_files
from generator.scan.checkov import PACK_CHECK_IDS, checkov_documents, checkov_executable
from tests.support.realtools import needs_terraform, terraform

CHECKOV = checkov_executable()
USE1_AZ3_GUARD = """    precondition {
      condition     = length(local.limited_capacity_subnet_ids) == 0
"""


@pytest.fixture(scope="module")
def module(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("shared") / "lambda-endpoint"
    write_files(folder, shared_module_files())
    return folder


@pytest.fixture(scope="module")
def initialized(module: Path) -> Path:
    """A copy of the module with `terraform init` run in it and in each example."""
    copy = module.parent / "initialized"
    shutil.copytree(module, copy)
    for folder in (copy, copy / "examples" / "basic", copy / "examples" / "peers"):
        terraform(["init", "-input=false", "-no-color", "-backend=false"], folder)
    return copy


@needs_terraform
def test_fmt_finds_nothing_to_change(module: Path):
    result = terraform(["fmt", "-check", "-recursive", "-diff", "-no-color"], module, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_terraform
@pytest.mark.parametrize("folder", [".", "examples/basic", "examples/peers"])
def test_validates(initialized: Path, folder: str):
    result = terraform(["validate", "-no-color"], initialized / folder, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_terraform
def test_its_terraform_tests_pass_offline(initialized: Path):
    result = terraform(["test", "-no-color"], initialized, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    runs = [line for line in output.splitlines() if line.strip().startswith("run ")]
    assert len(runs) >= 15 and all(line.endswith("pass") for line in runs), output
    for guard in ("use1_az3_fails", "az_not_offered_fails", "dns_attributes_off_fail"):
        assert f'run "{guard}"... pass' in output


@needs_terraform
def test_its_terraform_tests_catch_a_removed_guard(initialized: Path, tmp_path: Path):
    copy = tmp_path / "mutant"
    shutil.copytree(initialized, copy, symlinks=True)
    main = copy / "main.tf"
    text = main.read_text(encoding="utf-8")
    start = text.index(USE1_AZ3_GUARD)
    end = text.index("    }\n", start) + len("    }\n")
    main.write_text(text[:start] + text[end:], encoding="utf-8")
    result = terraform(["test", "-no-color"], copy, check=False)
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert 'run "use1_az3_fails"... fail' in output, output


@pytest.mark.checkov
@pytest.mark.skipif(CHECKOV is None, reason="CHECKOV TESTS NOT RUN: run `tfgen setup`")
def test_checkov_pack_sees_through_the_module_calls(module: Path, tmp_path: Path):
    assert CHECKOV is not None
    copy = tmp_path / "open"
    shutil.copytree(module, copy)
    examples = copy / "examples" / "peers" / "main.tf"
    examples.write_text(
        examples.read_text(encoding="utf-8").replace('"172.16.0.0/16"', '"0.0.0.0/0"'),
        encoding="utf-8",
    )
    for folder, failing in ((module, set()), (copy, {"CKV_TFGEN_5"})):
        documents = checkov_documents(folder, CHECKOV, None)
        results = [document["results"] for document in documents]
        passed = {c["check_id"] for r in results for c in r["passed_checks"]}
        failed = {c["check_id"] for r in results for c in r["failed_checks"]}
        assert failed == failing
        # every check of the pack applies and reads its value through the module call
        assert set(PACK_CHECK_IDS) <= passed | failed
