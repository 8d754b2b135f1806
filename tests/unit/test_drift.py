"""`tfgen check`: committed modules must hold exactly what their answers render to."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.moduledir.write import find_modules
from generator.run.drift import check_module
from tests.conftest import REPO
from tests.unit.test_cli import EXAMPLE_MODULE, snapshot, tfgen


@pytest.fixture
def module(tmp_path: Path) -> Path:
    copy = tmp_path / "modules" / "lambda-endpoint-example"
    shutil.copytree(EXAMPLE_MODULE, copy)
    return copy


def test_repo_modules_have_no_drift():
    result = tfgen("check", cwd=REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok modules/lambda-endpoint-example" in result.stdout


def test_default_finds_every_module_under_modules(module: Path):
    second = module.parent / "other"
    shutil.copytree(module, second)
    assert find_modules(module.parent) == [module, second]
    assert tfgen("check", cwd=module.parent.parent).stdout.count("matches its answers") == 2


def test_edit_delete_and_add_are_each_reported(module: Path):
    main = module / "main.tf"
    main.write_text(main.read_text().replace("to_port           = 443", "to_port = 8443", 1))
    (module / "outputs.tf").unlink()
    (module / "extra.tf").write_text('output "x" {\n  value = 1\n}\n')
    result = tfgen("check", str(module), "--format", "json")
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads(result.stdout)
    drift = {d["file"]: d for d in report["modules"][0]["drift"]}
    assert {name: d["kind"] for name, d in drift.items()} == {
        "main.tf": "edited",
        "outputs.tf": "missing",
        "extra.tf": "extra",
    }
    assert "-  to_port = 8443\n+  to_port           = 443\n" in drift["main.tf"]["diff"]


def test_fix_restores_the_exact_bytes_and_keeps_terraform_files(module: Path):
    before = snapshot(module)
    (module / "main.tf").write_text("# hand edit\n")
    (module / "example" / "main.tf").unlink()
    (module / "notes.txt").write_text("x")
    (module / "example" / ".terraform").mkdir()
    (module / "example" / ".terraform" / "keep").write_text("provider cache")
    (module / "example" / ".terraform.lock.hcl").write_text("lock")
    result = tfgen("check", str(module), "--fix", "--no-scan")
    assert result.returncode == 0, result.stdout + result.stderr
    after = snapshot(module)
    assert after.pop("example/.terraform/keep") == b"provider cache"
    assert after.pop("example/.terraform.lock.hcl") == b"lock"
    assert after == before
    assert check_module(module).drift == []


def test_a_folder_that_is_not_a_module_is_exit_2(tmp_path: Path):
    result = tfgen("check", str(tmp_path))
    assert result.returncode == 2
    assert "not a tfgen module" in result.stdout + result.stderr


def test_no_modules_at_all_is_exit_2(tmp_path: Path):
    result = tfgen("check", cwd=tmp_path)
    assert result.returncode == 2
    assert "no tfgen modules under modules/" in result.stdout + result.stderr


def test_parallel_check_equals_one_after_another(tmp_path: Path, monkeypatch):
    """check_modules in worker processes: the same reports, in order, and the same error."""
    from generator.answers.load import parse_answers
    from generator.core.errors import UsageError
    from generator.moduledir.write import write_files
    from generator.run import drift
    from generator.run.module import rendered_files
    from tests.conftest import example_data

    folders = []
    for index in range(6):
        data = {**example_data(), "name": f"m{index}"}
        folders.append(tmp_path / f"m{index}")
        write_files(folders[-1], rendered_files(parse_answers(data)))
    (folders[2] / "main.tf").write_text("# edited\n")
    monkeypatch.setattr(drift, "PARALLEL_FROM", 2)
    parallel = drift.check_modules(folders, jobs=2)
    serial = [drift.check_module(folder) for folder in folders]
    assert parallel == serial
    assert [bool(report.drift) for report in parallel] == [False, False, True, False, False, False]
    (folders[4] / "tfgen.answers.yaml").unlink()
    with pytest.raises(UsageError, match="m4: not a tfgen module"):
        drift.check_modules(folders, jobs=2)


def as_if_rendered_by(module: Path, version: str, name: str, old_text: str) -> None:
    """Make the module look written by another tfgen: `name` holds `old_text`, and the
    manifest (version and checksum) says tfgen wrote exactly that."""
    import hashlib

    (module / name).write_text(old_text)
    manifest_path = module / "tfgen.manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["tfgen_version"] = version
    manifest["files"][name] = hashlib.sha256(old_text.encode()).hexdigest()
    manifest_path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def test_check_tells_an_upgrade_from_a_hand_edit(module: Path):
    from generator import __version__

    main = module / "main.tf"
    older = main.read_text().replace("aws_vpc_endpoint_private_dns", "aws_old_private_dns", 1)
    as_if_rendered_by(module, "0.0.1", "main.tf", older)
    report = check_module(module)
    assert report.rendered_by == "0.0.1" and report.upgraded
    causes = {item.path: item.cause for item in report.drift}
    assert causes == {"main.tf": "upgrade", "tfgen.manifest.json": "upgrade"}
    assert report.summary() == (
        f"rendered by tfgen 0.0.1, this is tfgen {__version__}: "
        "the drift comes from the upgrade (re-render to take the new output)"
    )
    result = tfgen("check", str(module))
    assert result.returncode == 1
    assert f"rendered by tfgen 0.0.1, this is tfgen {__version__}" in result.stdout
    assert "main.tf: edited (upgrade)" in result.stdout

    outputs = module / "outputs.tf"
    outputs.write_text(outputs.read_text() + "\n# mine\n")
    report = check_module(module)
    assert {item.path: item.cause for item in report.drift}["outputs.tf"] == "hand edit"
    assert "from the upgrade and from hand edits" in report.summary()
    data = json.loads(tfgen("check", str(module), "--format", "json").stdout)
    (entry,) = data["modules"]
    assert entry["rendered_by"] == "0.0.1"
    assert {d["file"]: d["cause"] for d in entry["drift"]}["outputs.tf"] == "hand edit"


def test_check_on_this_versions_module_names_a_hand_edit(module: Path):
    main = module / "main.tf"
    main.write_text(main.read_text() + "\n")
    report = check_module(module)
    assert not report.upgraded
    assert [(d.path, d.cause) for d in report.drift] == [("main.tf", "hand edit")]
    assert "rendered by this tfgen" in report.summary()


# ---- the render cache: checksums of what each module's inputs rendered to (issue 29) -------


@pytest.fixture
def render_cache(tmp_path: Path, monkeypatch) -> Path:
    """A private cache folder for the remembered renders."""
    from generator.core import cachedir

    root = tmp_path / "cache"
    monkeypatch.setattr(cachedir, "cache_root", lambda: root)
    cachedir.cache_folder.cache_clear()
    yield root / "check"
    cachedir.cache_folder.cache_clear()


def no_render(monkeypatch) -> None:
    """Make any render fail: what is checked now comes from the remembered checksums."""
    from generator.run import module as pipeline

    def refused(*args, **kwargs):
        raise AssertionError("rendered")

    monkeypatch.setattr(pipeline, "render_plan", refused)


def test_a_remembered_render_is_compared_without_rendering(module: Path, render_cache, monkeypatch):
    assert not check_module(module).drift  # rendered, and its checksums kept
    assert len(list(render_cache.glob("*.json"))) == 1
    no_render(monkeypatch)
    report = check_module(module)
    assert not report.drift and report.module == "lambda-endpoint-example"
    assert (
        report.rendered_by
        == json.loads((module / "tfgen.manifest.json").read_text())["tfgen_version"]
    )


@pytest.mark.parametrize(
    ("name", "at"),
    [
        ("main.tf", None),
        ("README.md", None),
        ("example/main.tf", None),
        ("variables.tf", None),
        ("outputs.tf", -2),
        ("tfgen.answers.yaml", 5),  # in its comment: the answers still load
    ],
)
def test_a_changed_byte_is_still_reported_after_a_remembered_render(
    module: Path, render_cache, name: str, at: int | None
):
    """Every file is compared: one byte changed in any of them is drift, with its diff, also
    when the module's render was remembered (the changed file is rendered again for it)."""
    assert not check_module(module).drift
    assert not check_module(module).drift  # from the remembered checksums
    path = module / name
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if at is None else at
    data[at] = ord("#") if data[at] != ord("#") else ord("!")
    path.write_bytes(bytes(data))
    report = check_module(module)
    assert name in {item.path for item in report.drift}, report.drift
    assert next(item for item in report.drift if item.path == name).diff.startswith(f"--- a/{name}")
    assert check_module(module).drift == report.drift  # and again, from what is kept


def test_an_added_or_removed_file_is_still_reported(module: Path, render_cache):
    assert not check_module(module).drift
    (module / "extra.tf").write_text("# mine\n")
    assert [(d.path, d.kind) for d in check_module(module).drift] == [("extra.tf", "extra")]
    (module / "extra.tf").unlink()
    (module / "outputs.tf").unlink()
    assert [(d.path, d.kind) for d in check_module(module).drift] == [("outputs.tf", "missing")]


def test_changed_answers_or_code_are_another_key(module: Path, render_cache, monkeypatch):
    from generator.core import cachedir
    from generator.run import drift

    key = drift.render_key(module)
    assert key is not None and check_module(module) is not None
    record = module / "tfgen.answers.yaml"
    record.write_text(record.read_text() + "# a comment\n")
    assert drift.render_key(module) not in (None, key)
    record.write_text(record.read_text().removesuffix("# a comment\n"))
    assert drift.render_key(module) == key
    monkeypatch.setattr(cachedir, "code_digest", lambda: "another tfgen")
    assert drift.render_key(module) != key


def test_the_code_digest_covers_the_templates_and_the_package() -> None:
    from generator.core.cachedir import code_digest

    assert len(code_digest()) == 64
    assert code_digest.__wrapped__() == code_digest()  # the same files, the same digest


def test_the_code_digest_ignores_tool_caches_in_the_package(tmp_path, monkeypatch) -> None:
    """A tool's cache folder created in the package mid-run (mypy's .mypy_cache in
    generator/scan/policies, found in CI) is not code: the digest stays; a code file does not."""
    from generator.core import cachedir

    package = tmp_path / "generator"
    (package / "core").mkdir(parents=True)
    fake = package / "core" / "cachedir.py"
    fake.write_text("# code\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / ".keep").write_text("a template's hidden file counts\n")
    monkeypatch.setattr(cachedir, "__file__", str(fake))
    before = cachedir.code_digest.__wrapped__()
    (package / ".mypy_cache").mkdir()
    (package / ".mypy_cache" / "x.json").write_text("{}")
    (package / "core" / "__pycache__").mkdir()
    (package / "core" / "__pycache__" / "x.pyc").write_bytes(b"\0")
    assert cachedir.code_digest.__wrapped__() == before
    (package / "core" / "new.py").write_text("# more code\n")
    assert cachedir.code_digest.__wrapped__() != before
    (package / "core" / "new.py").unlink()
    (tmp_path / "templates" / ".keep").write_text("changed\n")
    assert cachedir.code_digest.__wrapped__() != before


def test_check_modules_mixes_remembered_and_rendered_modules(
    tmp_path: Path, render_cache, monkeypatch
):
    """Remembered modules are compared in this process, the others rendered (in workers):
    the reports are those of one check after another, in order, and so is the first error."""
    from generator.answers.load import parse_answers
    from generator.core.errors import UsageError
    from generator.moduledir.write import write_files
    from generator.run import drift
    from generator.run.module import rendered_files
    from tests.conftest import example_data

    folders = []
    for index in range(6):
        folders.append(tmp_path / f"m{index}")
        write_files(
            folders[-1], rendered_files(parse_answers({**example_data(), "name": f"m{index}"}))
        )
    monkeypatch.setattr(drift, "PARALLEL_FROM", 2)
    first = drift.check_modules(folders, jobs=2)
    assert not any(report.drift for report in first)
    assert len(list(render_cache.glob("*.json"))) == 6
    (folders[1] / "versions.tf").write_text("# edited\n")
    (folders[3] / "tfgen.manifest.json").write_text("{}\n")
    again = drift.check_modules(folders, jobs=2)
    assert again == [drift.check_module(folder) for folder in folders]
    assert [bool(report.drift) for report in again] == [False, True, False, True, False, False]
    (folders[4] / "tfgen.answers.yaml").unlink()
    (folders[5] / "tfgen.answers.yaml").unlink()
    with pytest.raises(UsageError, match="m4: not a tfgen module"):
        drift.check_modules(folders, jobs=2)
