"""The gate (`tfgen check --answers answers/`) and `render --check`, end to end in a temporary
git repository through the installed console script: each way a pull request could slip a
module past review must fail, and the gate writes nothing."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.conftest import example_data
from tests.support.cli import tfgen_script

GATE = ("check", "--answers", "answers/")


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def answers(name: str, **changes) -> str:
    data = {**example_data(), "name": name, **changes}
    return yaml.safe_dump(data, sort_keys=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(folder).parts
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """answers/a.yaml and answers/b.yaml rendered into modules/, all committed."""
    root = tmp_path / "infra"
    (root / "answers").mkdir(parents=True)
    (root / "answers" / "a.yaml").write_text(answers("a"))
    (root / "answers" / "b.yaml").write_text(answers("b"))
    rendered = tfgen_script("render", "answers/", "--no-scan", cwd=root)
    assert rendered.returncode == 0, rendered.stderr
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "modules")
    return root


def gate(repo: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    before = tree(repo)
    done = tfgen_script(*GATE, *extra, cwd=repo)
    assert tree(repo) == before, "the gate wrote something"
    return done


def test_a_clean_repository_passes_and_says_so(repo: Path):
    done = gate(repo)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 of 2 module(s) match their answers" in done.stderr


def test_a_module_edited_alone_fails_with_its_diff(repo: Path):
    """The attack: a pull request opens the policy to everyone and leaves answers/ alone."""
    main = repo / "modules" / "a" / "main.tf"
    example = repo / "modules" / "a" / "example" / "main.tf"
    text = example.read_text()
    assert "arn:aws:iam::111122223333:user/MyUser" in text
    example.write_text(text.replace("arn:aws:iam::111122223333:user/MyUser", "*"))
    main.write_text(main.read_text() + "# reviewed\n")
    done = gate(repo)
    assert done.returncode == 1
    assert "modules/a/example/main.tf: edited (hand edit)" in done.stdout
    assert '+          AWS = "arn:aws:iam::111122223333:user/MyUser"' in done.stdout  # the diff
    assert '-          AWS = "*"' in done.stdout
    assert "modules/a/main.tf: edited" in done.stdout
    assert "ok modules/b" in done.stdout


def test_an_answers_edit_without_a_render_fails(repo: Path):
    (repo / "answers" / "a.yaml").write_text(answers("a", tags={"Team": "payments"}))
    done = gate(repo)
    assert done.returncode == 1
    assert "payments" in done.stdout and "(answers changed)" in done.stdout


def test_an_answers_file_without_a_module_fails(repo: Path):
    (repo / "answers" / "c.yaml").write_text(answers("c"))
    done = gate(repo, "--format", "json")
    assert done.returncode == 1
    report = json.loads(done.stdout)
    (missing,) = [m for m in report["modules"] if m["name"] == "c"]
    assert missing["missing_module"] == "answers/c.yaml"
    assert {d["kind"] for d in missing["drift"]} == {"missing"}


def test_terraform_without_answers_or_manifest_fails(repo: Path):
    (repo / "modules" / "x").mkdir()
    (repo / "modules" / "x" / "main.tf").write_text('output "x" {\n  value = 1\n}\n')
    done = gate(repo)
    assert done.returncode == 1
    assert "drift modules/x" in done.stdout and "no answers file renders" in done.stdout
    # the drift check over modules/ (no --answers) reports it too, never skips it
    assert tfgen_script("check", cwd=repo).returncode == 1


def test_two_answers_files_naming_one_module_fail_in_every_shard(repo: Path):
    shutil.copy(repo / "answers" / "a.yaml", repo / "answers" / "a-copy.yaml")
    for shard in ("1/3", "2/3", "3/3"):
        done = gate(repo, "--shard", shard)
        assert done.returncode == 1, shard
        assert "module name 'a' is named by answers/a-copy.yaml, answers/a.yaml" in done.stdout


def test_a_deleted_manifest_with_a_hand_edit_fails(repo: Path):
    module = repo / "modules" / "a"
    (module / "tfgen.manifest.json").unlink()
    (module / "main.tf").write_text((module / "main.tf").read_text() + "# mine\n")
    assert gate(repo).returncode == 1
    done = tfgen_script("check", cwd=repo)  # the old drift check no longer skips the folder
    assert done.returncode == 1, done.stdout
    assert "modules/a/main.tf: edited" in done.stdout


def test_validate_decides_what_tfgen_wrote_by_rendering_not_by_the_manifest(repo: Path):
    module = repo / "modules" / "a"
    added = 'output "leak" {\n  value = "x"\n}\n'
    (module / "extra.tf").write_text(added)
    manifest = json.loads((module / "tfgen.manifest.json").read_text())
    import hashlib

    manifest["files"]["extra.tf"] = hashlib.sha256(added.encode()).hexdigest()
    (module / "tfgen.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    done = tfgen_script("validate", "modules/a", "--no-scan", "--format", "json", cwd=repo)
    assert done.returncode == 1, done.stdout
    findings = json.loads(done.stdout)["findings"]
    assert any(f["file"] == "extra.tf" and "not written by tfgen" in f["message"] for f in findings)


def test_a_committed_terraform_folder_is_a_finding(repo: Path):
    modules_json = repo / "modules" / "a" / "example" / ".terraform" / "modules" / "modules.json"
    modules_json.parent.mkdir(parents=True)
    modules_json.write_text('{"Modules":[{"Key":"lambda_endpoint","Dir":"/elsewhere"}]}\n')
    assert gate(repo).returncode == 0  # on disk only (terraform init made it): not a finding
    git(repo, "add", "-f", "modules/a/example/.terraform/modules/modules.json")
    done = gate(repo)
    assert done.returncode == 1
    assert "example/.terraform/modules/modules.json: committed working file" in done.stdout
    validate = tfgen_script("validate", "modules/a", "--no-scan", cwd=repo)
    assert validate.returncode == 1 and "modules.json" in validate.stdout + validate.stderr


def test_render_says_created_changed_or_unchanged_and_check_dry_runs(repo: Path):
    unchanged = tfgen_script("render", "answers/a.yaml", "--no-scan", cwd=repo)
    assert unchanged.returncode == 0 and "(8 files, unchanged)" in unchanged.stderr
    assert tfgen_script("render", "--check", "answers/a.yaml", cwd=repo).returncode == 0
    (repo / "answers" / "a.yaml").write_text(answers("a", tags={"Team": "payments"}))
    before = tree(repo)
    dry = tfgen_script("render", "--check", "answers/a.yaml", cwd=repo)
    assert dry.returncode == 1 and "payments" in dry.stdout
    assert tree(repo) == before
    changed = tfgen_script("render", "answers/", "--no-scan", "--format", "json", cwd=repo)
    assert changed.returncode == 0, changed.stderr
    report = json.loads(changed.stdout)
    changes = {item["module"]["name"]: item["module"]["change"] for item in report["modules"]}
    assert changes == {"a": "changed", "b": "unchanged"}
    (repo / "answers" / "c.yaml").write_text(answers("c"))
    created = tfgen_script("render", "answers/c.yaml", "--no-scan", "--fail-on-change", cwd=repo)
    assert created.returncode == 1 and "created modules/c" in created.stderr
    assert (repo / "modules" / "c" / "main.tf").is_file()  # written, then named


def test_following_the_module_readme_literally_keeps_the_gate_green(repo: Path):
    module = repo / "modules" / "a"
    readme = (module / "README.md").read_text()
    record = (module / "tfgen.answers.yaml").read_text()
    # the module names its source: the one file to edit, and the command to run in the folder
    assert "edit `../../answers/a.yaml` and\nrun `tfgen render ../../answers/a.yaml -o .`" in readme
    assert "in `../../answers/a.yaml` and run\n`tfgen render ../../answers/a.yaml -o .`" in readme
    assert record.startswith("# tfgen answers (normalized): a record of ../../answers/a.yaml")
    # "Set the expected volume with cost.gb_per_month in <source> and run <command>"
    source = repo / "answers" / "a.yaml"
    source.write_text(answers("a", cost={"gb_per_month": 250}))
    done = tfgen_script("render", "../../answers/a.yaml", "-o", ".", "--no-scan", cwd=module)
    assert done.returncode == 0, done.stderr
    assert "250" in (module / "README.md").read_text()
    assert gate(repo).returncode == 0


def test_the_record_is_not_a_second_source(repo: Path):
    """Edit the module's copy instead of the source: commands use the source and say so."""
    record = repo / "modules" / "a" / "tfgen.answers.yaml"
    record.write_text(record.read_text().replace("Project: lambda-private-access", "Project: x"))
    validate = tfgen_script("validate", "modules/a", "--no-scan", cwd=repo)
    assert "differs from its source" in validate.stderr
    assert gate(repo).returncode == 1  # the record is a rendered file like any other
    assert tfgen_script("check", "--fix", "--no-scan", cwd=repo).returncode == 0
    assert "Project: lambda-private-access" in record.read_text()  # from the source
    assert gate(repo).returncode == 0


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("check", "--answers", "nowhere/"), "--answers nowhere: no such file or folder"),
        (("check", "--answers", "answers/", "--modules-root", "answers/a.yaml"), "not a folder"),
    ],
)
def test_bad_input_to_the_gate_is_one_line_exit_2(repo: Path, args: tuple[str, ...], says: str):
    done = tfgen_script(*args, cwd=repo)
    assert done.returncode == 2
    assert says in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
