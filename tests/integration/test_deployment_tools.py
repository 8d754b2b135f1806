"""Deployment roots through the real tools: `tfgen render --layout deployment` scans the root
and the shared module together with checkov (the pack's checks read the values through the
module call; a deliberate skip sits on the call), and terraform validates each root."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from generator.answers.load import parse_answers
from generator.run.deployment import render_deployment_to_folder
from generator.run.module import RunOptions
from generator.scan.checkov import PACK_CHECK_IDS, checkov_documents, checkov_executable
from tests.support.golden_cases import case_answers
from tests.support.realtools import needs_terraform, terraform

CHECKOV = checkov_executable()
CASES = ["peering-three-mixed", "full-access-existing-groups", "adopted-endpoint"]
# The pack's checks that apply (checkov reports UNKNOWN as nothing): a zone only with DNS
# peers (8); no policy statements to read with AWS's full-access policy (2, 3), and groups
# made elsewhere cannot be read (5). The shared module's Resolver endpoint (9) passes without
# on_premises too: checkov reads it whatever its count, and its group has no rule then.
ALL = set(PACK_CHECK_IDS)
EXPECTED = {
    "peering-three-mixed": ALL,
    "full-access-existing-groups": ALL
    - {"CKV_TFGEN_2", "CKV_TFGEN_3", "CKV_TFGEN_5", "CKV_TFGEN_8"},
    "adopted-endpoint": ALL - {"CKV_TFGEN_8"},
}
needs_checkov = pytest.mark.skipif(CHECKOV is None, reason="CHECKOV TESTS NOT RUN")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A repository per case with its deployment root (rendered, verified, scanned)."""
    top = tmp_path_factory.mktemp("repos")
    for case in CASES:
        root = top / case
        (root / "answers").mkdir(parents=True)
        data = case_answers(case)
        source = root / "answers" / f"{case}.yaml"
        source.write_text(yaml.safe_dump(data), encoding="utf-8")
        result = render_deployment_to_folder(
            parse_answers(data),
            root / "deployments" / case,
            root / "modules" / "lambda-endpoint",
            RunOptions(cache=False),
            source,
        )
        assert result.written, result.findings
        assert result.scan is not None and result.scan.failed == 0
        # the module's code alone: its examples would stand for the root in checkov's results
        for extra in ("examples", "tests"):
            shutil.rmtree(root / "modules" / "lambda-endpoint" / extra)
    return top


@pytest.mark.checkov
@needs_checkov
@pytest.mark.parametrize("case", CASES)
def test_the_pack_sees_every_value_through_the_module_call(repo: Path, case: str):
    assert CHECKOV is not None
    documents = checkov_documents(repo / case, CHECKOV, None)  # the root, the shared module
    results = [document["results"] for document in documents]
    seen = {
        c["check_id"]: kind
        for r in results
        for kind in ("passed_checks", "failed_checks", "skipped_checks")
        for c in r[kind]
    }
    assert "failed_checks" not in seen.values()
    covered = {check for check in seen if check.startswith("CKV_TFGEN")}
    assert covered == EXPECTED[case]
    if case == "full-access-existing-groups":
        assert seen["CKV_TFGEN_1"] == "skipped_checks"  # the skip on the module call holds


@needs_terraform
@pytest.mark.parametrize("case", CASES)
def test_each_root_validates(repo: Path, case: str):
    folder = repo / case / "deployments" / case
    terraform(["init", "-input=false", "-no-color", "-backend=false"], folder)
    result = terraform(["validate", "-no-color"], folder, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    fmt = terraform(["fmt", "-check", "-recursive", "-no-color"], folder, check=False)
    assert fmt.returncode == 0, fmt.stdout


@pytest.mark.checkov
@needs_checkov
def test_tfgen_scan_of_a_root_reads_through_to_the_shared_module(repo: Path, tmp_path: Path):
    from tests.support.cli import tfgen

    copy = tmp_path / "open"
    shutil.copytree(repo / "peering-three-mixed", copy)
    main = copy / "deployments" / "peering-three-mixed" / "main.tf"
    clean = tfgen("scan", "--pack-only", str(main.parent))
    assert clean.returncode == 0, clean.stdout + clean.stderr
    main.write_text(main.read_text(encoding="utf-8").replace('"10.1.0.0/16"', '"0.0.0.0/0"'))
    result = tfgen("scan", "--pack-only", str(main.parent))
    output = result.stdout + result.stderr
    assert result.returncode == 1 and "CKV_TFGEN_5" in output
    assert "../../modules/lambda-endpoint/main.tf" in output  # the real file, from the root


@needs_terraform
def test_the_committed_example_root_validates_against_the_committed_shared_module(
    tmp_path: Path,
):
    from tests.conftest import REPO

    shutil.copytree(REPO / "modules" / "lambda-endpoint", tmp_path / "modules" / "lambda-endpoint")
    root = tmp_path / "deployments" / "lambda-endpoint-example"
    shutil.copytree(REPO / "deployments" / "lambda-endpoint-example", root)
    terraform(["init", "-input=false", "-no-color", "-backend=false"], root)
    result = terraform(["validate", "-no-color"], root, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
