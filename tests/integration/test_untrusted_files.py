"""The tests of tests/unit/test_untrusted_files.py that run real processes:
(checkov, terraform, a console, a timeout)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import TFGEN
from tests.unit.test_untrusted_files import (  # noqa: F401
    MARKUP,
    answers_file,
    invoke,
    linked_module,
    one_line_error,
    rendered,
    run,
)


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
        "render", str(folder), "--root", str(tmp_path / "out"), "--no-scan", "--format", "json",
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


def test_a_real_sigkill_mid_run_leaves_nothing_after_the_next_run(tmp_path: Path):
    module = rendered(tmp_path)
    answers = tmp_path / "m.yaml"
    code = (
        "import os, signal, sys\n"
        "from generator.moduledir import write\n"
        "real = write.write_files\n"
        "def killed(folder, files):\n"
        "    real(folder, files)\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "write.write_files = killed\n"
        "from generator.cli.main import cli\n"
        f"cli(['render', {str(answers)!r}, '-o', {str(module)!r}, '--no-scan'])\n"
    )
    killed = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert killed.returncode == -9
    assert any(".tfgen-" in p.name for p in module.parent.iterdir())  # the leftover
    assert invoke("check", str(module.parent)).exit_code == 0
    again = run("render", str(answers), "-o", str(module), "--no-scan")
    assert again.returncode == 0, again.stderr
    assert sorted(p.name for p in module.parent.iterdir()) == ["m"]


def test_a_bug_in_a_real_process_is_one_line_exit_3(tmp_path: Path):
    code = (
        "from generator.run import module as pipeline\n"
        "def broken(*a, **k):\n"
        "    raise RecursionError('deep')\n"
        "pipeline.render_plan = broken\n"
        "from generator.cli.main import run\n"
        "import sys\n"
        f"sys.argv = ['tfgen', 'render', {str(answers_file(tmp_path))!r}, '-o', 'o', "
        "'--no-scan', '--format', 'json']\n"
        "run()\n"
    )
    env = {**os.environ, "XDG_STATE_HOME": str(tmp_path / "state")}
    env.pop("TFGEN_DEBUG", None)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env=env,
    )
    assert done.returncode == 3
    assert "Traceback" not in done.stderr
    report = json.loads(done.stdout)
    assert report["status"] == "error" and report["exit_code"] == 3
    assert "RecursionError" in report["errors"][0]["message"]
    (log,) = (tmp_path / "state" / "tfgen" / "log").iterdir()
    assert "RecursionError: deep" in log.read_text()


def test_docs_refuses_a_readme_that_is_a_fifo_at_once(tmp_path: Path):
    module = rendered(tmp_path)
    (module / "README.md").unlink()
    os.mkfifo(module / "README.md")
    done = run("docs", str(module), timeout=30)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


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
    from generator.core.errors import UsageError
    from generator.scan.checkov import run_checkov

    folder = tmp_path / "terraform"
    folder.mkdir()
    (folder / "main.tf").write_text('resource "null_resource" "x" {}\n')
    os.mkfifo(folder / "vars.tfvars")
    with pytest.raises(UsageError, match="vars.tfvars is a FIFO"):
        run_checkov([folder], Path("/nonexistent/checkov"))  # refused before it is started
    done = run("scan", str(folder), timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr


def test_an_unwritable_cache_folder_costs_time_not_the_run(tmp_path: Path):
    """The template bytecode cache, the parser tables and the scan cache are optimizations: a
    cache folder that cannot be created still renders, writes and says so once (issue 26)."""
    import yaml

    from tests.conftest import example_data
    from tests.support.cli import tfgen_process

    blocker = tmp_path / "a-file"
    blocker.write_text("")
    answers = tmp_path / "a.yaml"
    answers.write_text(yaml.safe_dump(example_data()))
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker / "cache")}
    done = tfgen_process("render", str(answers), "-o", str(tmp_path / "out"), "--no-scan", env=env)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "main.tf").is_file()
    assert done.stderr.count("running without its caches (slower)") == 1, done.stderr
    check = tfgen_process("check", str(tmp_path / "out"), env=env)
    assert check.returncode == 0 and check.stderr.count("cannot be written") == 1, check.stderr
