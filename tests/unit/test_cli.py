"""End to end through the `tfgen` command: exit codes, outputs, nothing written on failure."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from tests.conftest import REPO, example_data
from tests.support.cli import tfgen

EXAMPLE_MODULE = REPO / "modules" / "lambda-endpoint-example"


def write_answers(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_example_prints_builtin_answers():
    result = tfgen("example")
    assert result.returncode == 0
    assert yaml.safe_load(result.stdout) == example_data()


def test_schema_is_json_schema():
    result = tfgen("schema")
    schema = json.loads(result.stdout)
    assert schema["$schema"].endswith("2020-12/schema")
    assert "subnets" in schema["properties"]


def test_render_reproduces_committed_example(tmp_path: Path):
    # the README's first command: the example from stdin (no answers file to name as source)
    example = tfgen("example").stdout
    result = tfgen("render", "-", "-o", str(tmp_path / "out"), "--no-scan", stdin=example)
    assert result.returncode == 0, result.stderr
    assert snapshot(tmp_path / "out") == snapshot(EXAMPLE_MODULE)


def test_default_output_is_modules_name(tmp_path: Path):
    write_answers(tmp_path / "a.yaml", example_data())
    result = tfgen("render", "a.yaml", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "modules" / "lambda-endpoint-example" / "main.tf").is_file()


def test_bad_answers_exit_2_name_fields_write_nothing(tmp_path: Path):
    data = example_data()
    data["subnets"][0]["az_id"] = "use1-az3"
    data["policy"]["statements"][0]["actions"] = ["lambda:InvokeFuntion"]
    write_answers(tmp_path / "a.yaml", data)
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2
    assert "subnets[0].az_id" in result.stderr
    assert "policy.statements[0].actions[0]" in result.stderr
    assert "did you mean 'lambda:InvokeFunction'" in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml"]


def test_json_report_for_bad_answers(tmp_path: Path):
    data = example_data()
    data["vpc"]["cidr"] = "10.0.0.0/99"
    write_answers(tmp_path / "a.yaml", data)
    result = tfgen("render", "a.yaml", "--no-scan", "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 2 and report["exit_code"] == 2 and report["status"] == "error"
    assert [e["path"] for e in report["errors"]] == ["vpc.cidr"]


def test_missing_answers_file_is_exit_2(tmp_path: Path):
    result = tfgen("render", str(tmp_path / "nope.yaml"), "--no-scan")
    assert result.returncode == 2 and "cannot read" in result.stderr


def test_refuses_to_replace_foreign_folder(tmp_path: Path):
    write_answers(tmp_path / "a.yaml", example_data())
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "precious.txt").write_text("mine")
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2 and "--force" in result.stderr
    assert snapshot(tmp_path / "out") == {"precious.txt": b"mine"}
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--force", cwd=tmp_path)
    assert result.returncode == 0
    assert not (tmp_path / "out" / "precious.txt").exists()


def test_rerender_replaces_own_output_without_leftovers(tmp_path: Path):
    write_answers(tmp_path / "a.yaml", example_data())
    assert tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path).returncode == 0
    data = example_data()
    data["tags"]["Team"] = "payments"
    write_answers(tmp_path / "a.yaml", data)
    assert tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path).returncode == 0
    assert (
        '"Team"' in (tmp_path / "out" / "example" / "main.tf").read_text()
        or "Team" in (tmp_path / "out" / "example" / "main.tf").read_text()
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "out"]


def test_validate_finds_hand_edit(tmp_path: Path):
    write_answers(tmp_path / "a.yaml", example_data())
    assert tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path).returncode == 0
    assert tfgen("validate", "out", "--no-scan", cwd=tmp_path).returncode == 0
    example = tmp_path / "out" / "example" / "main.tf"
    example.write_text(example.read_text().replace("subnet-cdcdcdcd", "subnet-efefefef"))
    result = tfgen("validate", "out", "--no-scan", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    findings = json.loads(result.stdout)["findings"]
    assert any("subnet_ids" in f["message"] and f["file"] == "example/main.tf" for f in findings)


def test_help_lists_commands():
    result = tfgen("--help")
    for command in ("render", "validate", "schema", "example", "setup"):
        assert command in result.stdout


def rendered_out(tmp_path: Path) -> Path:
    write_answers(tmp_path / "a.yaml", example_data())
    assert tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path).returncode == 0
    return tmp_path / "out"


def test_rerender_refuses_to_lose_hand_edits_and_names_them(tmp_path: Path):
    out = rendered_out(tmp_path)
    (out / "main.tf").write_text((out / "main.tf").read_text() + "# local tweak\n")
    (out / "notes.md").write_text("mine")
    before = snapshot(out)
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 2
    message = " ".join((result.stdout + result.stderr).split())
    assert "edited by hand: main.tf" in message
    assert "not written by tfgen: notes.md" in message
    assert snapshot(out) == before
    forced = tfgen("render", "a.yaml", "-o", "out", "--no-scan", "--force", cwd=tmp_path)
    assert forced.returncode == 0
    assert "# local tweak" not in (out / "main.tf").read_text()
    assert not (out / "notes.md").exists()


def test_rerender_keeps_terraform_working_files(tmp_path: Path):
    out = rendered_out(tmp_path)
    (out / "example" / ".terraform" / "providers").mkdir(parents=True)
    (out / "example" / ".terraform" / "providers" / "p").write_text("plugin")
    (out / "example" / ".terraform.lock.hcl").write_text("lock")
    (out / "example" / "terraform.tfstate").write_text('{"serial": 7}')
    data = example_data()
    data["tags"]["Team"] = "payments"
    write_answers(tmp_path / "a.yaml", data)
    result = tfgen("render", "a.yaml", "-o", "out", "--no-scan", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "payments" in (out / "example" / "main.tf").read_text()
    assert (out / "example" / ".terraform" / "providers" / "p").read_text() == "plugin"
    assert (out / "example" / ".terraform.lock.hcl").read_text() == "lock"
    assert (out / "example" / "terraform.tfstate").read_text() == '{"serial": 7}'
