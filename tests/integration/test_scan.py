"""checkov in its own environment, driven as a separate process; tfgen's hcl2 stays intact."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from generator.answers.load import parse_answers
from generator.core.errors import ScannerUnavailable
from generator.moduledir.write import write_files
from generator.run.module import RunOptions, render_to_folder, rendered_files
from generator.scan.checkov import (
    ScanReport,
    checkov_executable,
    run_checkov,
    run_checkov_each,
)
from tests.support.golden_cases import case_answers, case_names

CHECKOV = checkov_executable()
pytestmark = [
    pytest.mark.checkov,
    pytest.mark.skipif(
        CHECKOV is None,
        reason="CHECKOV TESTS NOT RUN: no checkov environment; "
        "run `tfgen setup` or set TFGEN_CHECKOV",
    ),
]


def test_both_environments_work_side_by_side():
    import hcl2

    assert hasattr(hcl2, "api") and hcl2.__name__ == "hcl2"  # python-hcl2 8 here, unharmed
    python = CHECKOV.parent / "python"
    probe = subprocess.run(
        [str(python), "-c", "import hcl2, checkov; print(hcl2.__file__)"],
        capture_output=True,
        text=True,
    )
    assert probe.returncode == 0, probe.stderr
    assert str(CHECKOV.parent.parent) in probe.stdout  # checkov's own (bc-python-hcl2) copy


CASES = ["built-in example", *case_names()]


@pytest.fixture(scope="module")
def case_reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, ScanReport]:
    """Every golden case's module scanned by one checkov process (a report per module, as a
    batch is scanned: test_one_process_over_a_batch_splits_per_module below shows they equal
    a scan of each module alone)."""
    root = tmp_path_factory.mktemp("cases")
    folders = {case: root / f"case-{index}" for index, case in enumerate(CASES)}
    for case, folder in folders.items():
        write_files(folder, rendered_files(parse_answers(case_answers(case))))
    reports = run_checkov_each(root, CHECKOV)
    return {case: reports[folder] for case, folder in folders.items()}


@pytest.mark.parametrize("case", CASES)
def test_generated_modules_have_zero_failed_checks(case: str, case_reports):
    report = case_reports[case]
    assert report.failed == 0, [str(f) for f in report.findings]
    # The smallest module (no group created, no peers: its rules have count 0) passes 9.
    assert report.passed >= 9


def test_failed_check_is_reported_with_id_file_and_line(tmp_path: Path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "open" {\n'
        '  name = "open"\n'
        '  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    report = run_checkov([tmp_path], CHECKOV)
    assert report.failed > 0
    finding = next(f for f in report.findings if f.check_id == "CKV_AWS_24")
    assert finding.file == "main.tf" and finding.line == 1
    assert finding.resource == "aws_security_group.open"


def test_a_skip_marker_inside_a_string_switches_a_check_off_and_tfgen_sees_it(tmp_path: Path):
    """checkov reads `checkov:skip=` inside a string value too (issue 26): the check that
    fails becomes a skip, so the scan's skips are held to the plan's (none here)."""
    from generator.verify.skips import unexpected_skips

    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group" "open" {\n'
        '  name        = "open"\n'
        '  description = "checkov:skip=CKV_AWS_24:a value, not a decision"\n'
        '  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    report = run_checkov([tmp_path], CHECKOV)
    assert "CKV_AWS_24" not in {f.check_id for f in report.findings}
    assert {"id": "CKV_AWS_24", "file": "main.tf"}.items() <= report.skips[0].items()
    findings = unexpected_skips(report.skips, (), None)
    assert [(f.check_id, f.file, f.stage) for f in findings] == [("CKV_AWS_24", "main.tf", "scan")]


def test_render_with_scan_writes_only_when_clean(example_answers, tmp_path: Path):
    result = render_to_folder(example_answers, tmp_path / "out", RunOptions(checkov=str(CHECKOV)))
    assert result.written and result.scan.failed == 0
    assert (tmp_path / "out" / "main.tf").is_file()


def test_missing_checkov_is_a_clear_error(tmp_path: Path):
    with pytest.raises(ScannerUnavailable, match="does not exist"):
        checkov_executable(str(tmp_path / "nope"))


def test_one_process_over_a_batch_splits_per_module(example_answers, tmp_path):
    """A batch is scanned as one folder of modules; each module gets its own report."""
    batch = tmp_path / "batch"
    clean, second, broken = batch / "clean", batch / "second", batch / "broken"
    write_files(clean, rendered_files(example_answers))
    write_files(second, rendered_files(example_answers))
    broken.mkdir()
    (broken / "main.tf").write_text(
        'resource "aws_security_group" "open" {\n  name = "open"\n  ingress {\n'
        '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
    )
    alone = run_checkov([clean], CHECKOV)
    each = run_checkov_each(batch, CHECKOV)
    assert sorted(each) == [broken, clean, second]
    assert (each[clean].passed, each[clean].failed) == (alone.passed, 0)
    assert (each[second].passed, each[second].failed) == (alone.passed, 0)
    assert each[broken].failed > 0 and {f.file for f in each[broken].findings} == {"main.tf"}


def test_several_folders_in_one_call_are_refused(tmp_path: Path):
    """checkov 3.3.30 would scan only the first of several --directory options."""
    with pytest.raises(ValueError, match="one folder"):
        run_checkov([tmp_path / "a", tmp_path / "b"], CHECKOV)


def _plain_checkov(folder: Path) -> ScanReport:
    """checkov's own console script over the folder (no driver.py): the reference."""
    from generator.scan.checkov import (
        checkov_arguments,
        checkov_environment,
        decode_documents,
        parse_report,
    )

    done = subprocess.run(
        [str(CHECKOV), *checkov_arguments(folder)],
        capture_output=True,
        text=True,
        env=checkov_environment(),
        check=False,
    )
    return parse_report(decode_documents(done.stdout), [folder])


def _checks(report: ScanReport) -> tuple:
    return (report.passed, report.failed, report.skipped, report.findings, report.skips)


def test_the_driver_reports_what_checkov_alone_reports(example_answers, tmp_path: Path):
    """driver.py (parse, asteval and jsonpath memos, collector settings) changes only what a
    scan costs: over a batch of distinct modules (shared texts: the parse memo at work), a
    module with a peer and a module with a world-open rule and a `*` policy, every check,
    result, file, resource and line equals what checkov's own console script reports."""
    import json

    from tests.integration.test_bench import load_bench

    bench = load_bench()
    batch = tmp_path / "batch"
    for index in (0, 1, 3):
        answers = parse_answers(bench.answers_data(index))
        write_files(batch / answers.name, rendered_files(answers))
    broken = batch / "broken"
    broken.mkdir()
    (broken / "main.tf").write_text(
        'resource "aws_security_group" "open" {\n  name = "open"\n  ingress {\n'
        '    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n'
        'resource "aws_vpc_endpoint" "lambda" {\n  vpc_id = "vpc-1"\n'
        '  service_name = "com.amazonaws.us-east-2.lambda"\n  vpc_endpoint_type = "Interface"\n'
        "  policy = jsonencode("
        + json.dumps(
            {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}
        )
        .replace('"', '\\"')
        .join(['"', '"'])
        + ")\n}\n"
    )
    each = run_checkov_each(batch, CHECKOV)
    for folder, report in each.items():
        assert _checks(report) == _checks(_plain_checkov(folder)), folder.name
    failed = {f.check_id for f in each[broken].findings}
    assert "CKV_AWS_24" in failed  # 0.0.0.0/0 on port 22: checkov's own check
    assert any(check.startswith("CKV_TFGEN_") for check in failed)  # the pack ran too
    assert all(report.failed == 0 for folder, report in each.items() if folder != broken)
